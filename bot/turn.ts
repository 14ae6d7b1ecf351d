import type { Config } from '../services/config';
import type { Services } from '../services/context';
import type { FileStore } from '../services/files';
import type { GraphDirectory } from '../services/graph';

/** Adaptive Card JSON as the cards module renders it. */
export type Card = Record<string, unknown>;

/** Configuration as the running bot uses it: the document-link secret is always known (bot/app.ts resolves it). */
export type BotConfig = Config & { files: Config['files'] & { linkSecret: string } };

/** Everything a handler may use. Built once at start; no per-conversation state lives here. */
export type BotDeps = {
  svc: Services;
  config: BotConfig;
  files: FileStore;
  /** Graph per tenant (null without Graph credentials): ask it for the tenant of the person concerned. */
  graph: GraphDirectory | null;
  /** Updates, in the background, every card already posted for the claim (never before the invoke response). */
  claimChanged: (claimId: string, exceptConversationId?: string) => void;
};

/** Who is acting in this turn, resolved from the activity and the database (never from card data). */
export type TurnUser = { id: string; organisationId: string; displayName: string; locale: string };

export type HandlerContext = {
  deps: BotDeps;
  user: TurnUser;
  locale: string;
  conversation: { id: string; type: string };
};

/**
 * What a handler produces: a card (the invoke response for Action.Execute, else a new message),
 * optionally tied to a claim so the posted card is updated in place when the claim changes.
 */
export type Reply = { card: Card; claimId?: string; view?: 'detail' | 'review' };

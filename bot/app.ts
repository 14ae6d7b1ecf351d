import {
  ActivityTypes,
  CardFactory,
  StatusCodes,
  TeamsActivityHandler,
  type CloudAdapter,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../services/config';
import { systemClock, type Clock, type Services } from '../services/context';
import type { Db } from '../services/db/client';
import { isServiceError } from '../services/errors';
import { createFileStore } from '../services/files';
import { createGraph, type GraphOptions } from '../services/graph';
import { log } from '../services/log';
import { instanceSecret, LOCAL_LINK_SECRET } from '../services/instanceSecrets';
import { outboxDepth, readinessCheck } from '../services/readiness';
import { flushTelemetry, noteTurn, observeOutboxDepth } from '../services/telemetry';
import type { Principal } from '../services/authz';
import { resolveUser, UNKNOWN_NAME, type ConversationLookup } from '../services/users';
import { createAdapter, invokeError } from './adapter';
import { parseCommand } from './commands';
import { ACTIONS } from './handlers';
import { claimIdOf, errorReply, messageReply } from './handlers/common';
import { handleFileMessage } from './handlers/files';
import { runTextCommand } from './handlers/text';
import { redeliverWaitingRequests } from './handlers/uploadRequests';
import { searchInvoke } from './handlers/search';
import { helpReply, roleRequiredReply } from './handlers/help';
import { saveConversationReference } from './proactive';
import { recogniseFirstAdmin, RECOGNITION_WAIT_MS } from './recognition';
import { startHttpServer } from './server';
import { startBackgroundWork } from './background';
import { makeClaimChanged } from './cardUpdates';
import { Pacer } from './outbox/pacing';
import { recordClaimCard } from './outbox/claimCards';
import { verifyDocumentLink, verifyFundsTemplateLink } from './documentLinks';
import { registerExportRoutes } from './exportRoutes';
import { fundsTemplateCsv } from '../services/fundsImport';
import { applyReviewTenant } from '../services/organisation';
import type { BotConfig, BotDeps, HandlerContext, Reply, TurnUser } from './turn';

const turnLog = log.child({ mod: 'bot' });
const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/** The Teams activity handler: who is acting, then route by text, card verb, invoke name or attachment. */
export class CoopBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
  }

  /** Resolves the acting user from the activity (first contact creates them) and stores the conversation reference. */
  private async handlerContext(context: TurnContext): Promise<HandlerContext | null> {
    const a = context.activity;
    const tenantId = a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const aadObjectId = a.from?.aadObjectId ?? a.from?.id;
    if (!tenantId || !aadObjectId) {
      turnLog.warn({ type: a.type }, 'activity without tenant or user: ignored');
      noteTurn({ outcome: 'ignored' });
      return null;
    }
    // The playground always says en-US; PLAYGROUND_LOCALE (local mode only) stands in for a Korean Teams client.
    const activityLocale = this.deps.config.playgroundLocale ?? a.locale ?? undefined;
    let user: TurnUser;
    let principal: Principal | undefined;
    let storedConversation: ConversationLookup | undefined;
    try {
      const r = await resolveUser(
        this.deps.svc,
        { tenantId, aadObjectId, displayName: a.from?.name ?? UNKNOWN_NAME, locale: activityLocale },
        { allowedTenantIds: this.deps.config.bot.allowedTenantIds, conversationId: a.conversation?.id },
      );
      user = { id: r.id, organisationId: r.organisationId, displayName: r.displayName, locale: r.locale };
      storedConversation = r.storedConversation;
      // The roles just read serve the whole turn, unless recognising the first admin may change them now.
      if (!r.isNew && r.hasRoles) principal = r.principal;
      // The first Global admin (Entra or BOOTSTRAP_ADMINS) is known before this turn answers, except
      // on an invoke, whose response never waits for Graph: that check finishes behind it.
      if (r.isNew || !r.hasRoles) {
        const check = recogniseFirstAdmin(this.deps, context, { ...r, tenantId, aadObjectId }).then(
          (learnt) => {
            if (learnt.displayName) user.displayName = learnt.displayName;
          },
          (e: Error) => turnLog.warn({ err: e.message }, 'first admin check failed'),
        );
        if (a.type !== ActivityTypes.Invoke)
          await Promise.race([check, new Promise((resolve) => setTimeout(resolve, RECOGNITION_WAIT_MS).unref())]);
      }
      // First contact: the directory knows the person better than the activity does. Fetched in the
      // background: Graph never runs before an invoke response.
      const graph = this.deps.graph?.forTenant(tenantId);
      if (r.isNew && graph) {
        void graph
          .getUser(aadObjectId)
          .then(
            (profile) =>
              profile &&
              this.deps.svc.db.user.update({
                where: { id: r.id },
                data: { displayName: profile.displayName, email: profile.mail ?? undefined },
              }),
          )
          .catch((e: Error) => turnLog.warn({ err: e.message }, 'Graph profile not loaded'));
      }
    } catch (e) {
      if (isServiceError(e) && e.code === 'tenant_not_allowed') {
        turnLog.warn({ tenantId }, 'activity from a tenant that is not allowed: refused');
        noteTurn({ outcome: 'tenant_not_allowed' });
        return null;
      }
      throw e;
    }
    const saved = await saveConversationReference(this.deps.svc.db, user.id, a, storedConversation).catch((e: Error) => {
      turnLog.warn({ err: e.message }, 'conversation reference not saved');
      return false;
    });
    // Requests that could not reach this person before are delivered now that we can reach them.
    if (saved === 'changed')
      await redeliverWaitingRequests(this.deps, user.id).catch((e: Error) =>
        turnLog.warn({ err: e.message }, 'waiting requests not re-queued'),
      );
    return {
      deps: this.deps,
      user,
      principal,
      locale: activityLocale ?? user.locale,
      conversation: { id: a.conversation.id, type: a.conversation.conversationType ?? 'personal' },
    };
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const ctx = await this.handlerContext(context);
    if (!ctx) return;
    const a = context.activity;
    const files = (a.attachments ?? []).filter((x) => x.contentType === FILE_DOWNLOAD_INFO || x.contentType?.startsWith('image/'));
    let reply: Reply;
    if (files.length > 0) {
      reply = await this.safely(ctx, () => handleFileMessage(ctx, files));
    } else if (a.value && typeof a.value === 'object' && typeof (a.value as { verb?: unknown }).verb === 'string') {
      // Action.Submit from older clients carries the verb in `value`.
      const { verb, ...data } = a.value as { verb: string };
      reply = await this.runAction(ctx, verb, data);
    } else {
      const command = parseCommand(a.text);
      noteTurn({ command: command.name });
      reply = await this.safely(ctx, () => runTextCommand(ctx, command));
    }
    await this.post(context, ctx, reply);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const a = context.activity;
    if (a.name === 'adaptiveCard/action') {
      const ctx = await this.handlerContext(context);
      if (!ctx) return { status: 403 };
      const value = (a.value ?? {}) as { action?: { verb?: unknown; data?: unknown }; trigger?: string };
      const verb = typeof value.action?.verb === 'string' ? value.action.verb : '';
      const data = (value.action?.data && typeof value.action.data === 'object' ? value.action.data : {}) as Record<string, unknown>;
      const reply = await this.runAction(ctx, verb, data);
      // An automatic refresh is answered only with the invoke response (updating the card would loop).
      if (value.trigger !== 'automatic' && reply.claimId && a.replyToId) {
        await this.rememberCard(reply, a.conversation.id, a.replyToId);
      }
      return { status: StatusCodes.OK, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: reply.card } };
    }
    if (a.name === 'application/search') {
      const ctx = await this.handlerContext(context);
      if (!ctx) return { status: 403 };
      const body = await searchInvoke(ctx, a.value);
      return { status: StatusCodes.OK, body };
    }
    // Nothing else is implemented; botbuilder would answer 501 (a server error) to a request that is simply not for us.
    turnLog.warn({ name: typeof a.name === 'string' ? a.name.slice(0, 100) : null }, 'invoke this bot does not handle (400)');
    return { status: StatusCodes.BAD_REQUEST, body: invokeError(400, 'NotSupported', 'This bot does not handle that request.') };
  }

  /** Installing stores the conversation reference (so notifications can reach the user); the welcome comes with conversationUpdate. */
  protected override async onInstallationUpdateActivity(context: TurnContext): Promise<void> {
    await this.handlerContext(context);
  }

  /** Teams announces the bot joining a chat (personal install included) once, with membersAdded: the welcome goes there. */
  protected override async onConversationUpdateActivity(context: TurnContext): Promise<void> {
    const a = context.activity;
    const botAdded = (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
    if (!botAdded) return;
    const ctx = await this.handlerContext(context);
    if (ctx) await this.post(context, ctx, await helpReply(ctx));
  }

  /** Parses the verb's data with its schema and runs its handler; every failure becomes a card, never a stack trace. */
  private async runAction(ctx: HandlerContext, verb: string, data: Record<string, unknown>): Promise<Reply> {
    noteTurn({ verb });
    // Own entries only: "constructor" or "__proto__" must not find Object.prototype's members.
    const def = Object.hasOwn(ACTIONS, verb) ? ACTIONS[verb] : undefined;
    // A card of a claim that fails still leads back to the claim ("Open claim").
    const claimId = claimIdOf(data);
    if (!def) {
      noteTurn({ outcome: 'unknown_action' });
      return messageReply(ctx, 'bot.unknownAction', {}, { claimId });
    }
    let parsed: ReturnType<typeof def.schema.safeParse>;
    try {
      parsed = def.schema.safeParse(data);
    } catch (e) {
      // zod throws (rather than reporting an issue) for some schema shapes, e.g. an intersection whose sides disagree.
      turnLog.warn({ verb, err: (e as Error).message }, 'card data could not be checked');
      noteTurn({ outcome: 'malformed_card_data' });
      return messageReply(ctx, 'bot.cardOutdated', {}, { claimId });
    }
    if (!parsed.success) {
      turnLog.warn({ verb, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'malformed card data');
      noteTurn({ outcome: 'malformed_card_data' });
      return messageReply(ctx, 'bot.cardOutdated', {}, { claimId });
    }
    return this.safely(ctx, () => def.handle(ctx, parsed.data), claimId);
  }

  private async safely(ctx: HandlerContext, fn: () => Promise<Reply>, claimId?: string): Promise<Reply> {
    try {
      return await fn();
    } catch (e) {
      if (isServiceError(e)) {
        noteTurn({ outcome: e.code });
        // A person without the role is told whom to ask (or that the organisation is not set up), never a bare refusal.
        return e.kind === 'forbidden' && e.code === 'role_required' ? roleRequiredReply(ctx, e) : errorReply(ctx, e, claimId);
      }
      turnLog.error({ err: e }, 'handler failed');
      noteTurn({ outcome: 'internal_error' });
      return messageReply(ctx, 'bot.internalError', {}, { tone: 'attention', claimId });
    }
  }

  private async post(context: TurnContext, ctx: HandlerContext, reply: Reply): Promise<void> {
    const sent = await context.sendActivity({ type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(reply.card)] });
    if (reply.claimId && sent?.id) await this.rememberCard(reply, ctx.conversation.id, sent.id);
  }

  /** Cards posted for a claim are updated in place when the claim changes (bot/cardUpdates.ts). */
  private async rememberCard(reply: Reply, conversationId: string, activityId: string): Promise<void> {
    if (!reply.claimId) return;
    await recordClaimCard(this.deps.svc.db, { claimId: reply.claimId, conversationId, activityId, view: reply.view ?? 'detail' }).catch(
      (e: Error) => turnLog.warn({ err: e.message }, 'claim card not recorded'),
    );
  }
}

const stopLog = log.child({ mod: 'stop' });
const SLOW_STOP_STEP_MS = 5_000;

/** A stop waits for work in flight; a step that takes long is said in the log, so an operator sees what a stop waits for. */
async function watchedStep(step: string, run: () => Promise<void>): Promise<void> {
  const started = Date.now();
  const slow = setTimeout(() => stopLog.warn({ step }, 'stopping: still waiting'), SLOW_STOP_STEP_MS);
  slow.unref();
  try {
    await run();
  } finally {
    clearTimeout(slow);
    const ms = Date.now() - started;
    if (ms >= SLOW_STOP_STEP_MS) stopLog.warn({ step, ms }, 'stopping: step done');
  }
}

export type RunningBot = { url: string; port: number; adapter: CloudAdapter; deps: BotDeps; close: () => Promise<void> };

/** Wires configuration, services, adapter, HTTP server and background work (outbox, scheduler). */
export async function startBot(opts: { config: Config; db: Db; clock?: Clock; graph?: GraphOptions }): Promise<RunningBot> {
  const { db } = opts;
  // Authenticated mode always brings FILE_LINK_SECRET (services/config.ts refuses to start without it);
  // local mode signs with a random key this database keeps, the same for every replica on it.
  const linkSecret = opts.config.files.linkSecret ?? (await instanceSecret(db, LOCAL_LINK_SECRET));
  const config: BotConfig = { ...opts.config, files: { ...opts.config.files, linkSecret } };
  const svc: Services = {
    db,
    clock: opts.clock ?? systemClock,
    settings: {
      pendingUploadMinutes: config.files.pendingUploadMinutes,
      expiryWarningDays: config.scheduler.expiryWarningDays,
      reminderIntervalHours: config.scheduler.reminderIntervalHours,
      reviewersConversationId: config.reviewersConversationId,
      reviewTenantId: config.access.reviewTenantId,
    },
  };
  // Every organisation's review scope follows REVIEW_TENANT_ID as configured now (services/organisation.ts).
  await applyReviewTenant(db, config.access.reviewTenantId);
  const graph = createGraph(config, opts.graph);
  const adapter = createAdapter(config);
  const base = { svc, config, graph, files: createFileStore(config, graph?.home()) };
  // Card updates are paced with the outbox's sends (the same PostgreSQL send log, so across replicas too).
  const cardPacer = new Pacer(db, config.outbox.tenantRatePerSecond);
  const deps: BotDeps = { ...base, claimChanged: makeClaimChanged(base, adapter, cardPacer) };
  const bot = new CoopBot(deps);
  const http = await startHttpServer({
    adapter,
    bot,
    config,
    readiness: readinessCheck({ db, clock: svc.clock, outboxStuckAfterSeconds: config.readiness.outboxStuckAfterSeconds }),
    port: config.port,
    host: config.host,
    openDocument: async (documentId, expires, signature) => {
      if (!verifyDocumentLink(config.files, documentId, expires, signature, svc.clock.now())) return null;
      const doc = await db.document.findUnique({ where: { id: documentId } });
      if (!doc?.fileKey || doc.removedAt) return null;
      return {
        bytes: await deps.files.get(doc.fileKey),
        fileName: doc.fileName ?? 'document',
        contentType: doc.contentType ?? 'application/octet-stream',
      };
    },
    openFundsTemplate: async (organisationId, expires, signature) => {
      if (!verifyFundsTemplateLink(config.files, organisationId, expires, signature, svc.clock.now())) return null;
      return fundsTemplateCsv(svc, organisationId);
    },
    routes: (server) => registerExportRoutes(server, deps),
  });
  const background = startBackgroundWork(deps, adapter);
  const stopObserving = observeOutboxDepth(() => outboxDepth(db, svc.clock.now()));
  return {
    url: http.url,
    port: http.port,
    adapter,
    deps,
    close: async () => {
      await watchedStep('turns in flight', () => http.close());
      await watchedStep('outbox and scheduler', () => background.stop());
      await watchedStep('card updates', () => cardPacer.stop());
      stopObserving();
      await watchedStep('telemetry', () => flushTelemetry());
    },
  };
}

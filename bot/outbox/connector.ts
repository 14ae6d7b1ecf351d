import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { SendGate } from './pacing';

/**
 * The one place the outbox talks to the Bot Connector: continue a stored conversation and post or
 * edit a card there.
 */

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

type Pipeline = {
  removePolicy(o: { phase: 'Retry' }): unknown;
  addPolicy(
    policy: { name: string; sendRequest(request: unknown, next: (r: unknown) => Promise<unknown>): Promise<unknown> },
    o: { afterPhase: 'Sign' },
  ): void;
};

/**
 * Prepares the turn's connector client (botbuilder makes one per continueConversationAsync):
 * - botbuilder's HTTP pipeline retries 429/5xx by itself, sleeping inside the call. The outbox owns
 *   retries (durably, via nextAttemptAt) and counts every request against Teams' limits, so the
 *   pipeline's own retry policy is removed;
 * - the pacer's gate runs as the pipeline's last step, after the token is on the request and right
 *   before it is written, so the request leaves at its reserved time (or not at all, see pacing.ts).
 */
function prepareClient(adapter: CloudAdapter, ctx: TurnContext, gate: SendGate): void {
  const client = ctx.turnState.get(adapter.ConnectorClientKey) as { client?: { pipeline?: Pipeline } } | undefined;
  const pipeline = client?.client?.pipeline;
  if (!pipeline) throw new Error('the connector client has no HTTP pipeline to pace');
  pipeline.removePolicy({ phase: 'Retry' });
  let opened = false;
  pipeline.addPolicy(
    {
      name: 'coopPacingGate',
      async sendRequest(request, next) {
        // One request per reservation: only the first waits (a turn here sends one).
        if (!opened) {
          opened = true;
          await gate();
        }
        return next(request);
      },
    },
    { afterPhase: 'Sign' },
  );
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Bot Connector did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Posts an Adaptive Card; returns the activity id Teams gave it. */
export async function postCard(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  card: object,
  opts: { dedupeKey: string; alert: boolean; timeoutMs: number; gate: SendGate },
): Promise<string | undefined> {
  let id: string | undefined;
  await timeout(
    adapter.continueConversationAsync(appId, reference, async (ctx) => {
      prepareClient(adapter, ctx, opts.gate);
      const res = await ctx.sendActivity({
        type: 'message',
        attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
        // dedupeKey: stable across retries, so a resend can be recognised; alert: show in the activity feed.
        channelData: { dedupeKey: opts.dedupeKey, ...(opts.alert ? { notification: { alert: true } } : {}) },
      });
      id = res?.id;
    }),
    opts.timeoutMs,
  );
  return id;
}

/** Replaces a card already posted (updateActivity). */
export async function replaceCard(
  adapter: CloudAdapter,
  appId: string,
  reference: Partial<ConversationReference>,
  activityId: string,
  card: object,
  timeoutMs: number,
  gate: SendGate,
): Promise<void> {
  await timeout(
    adapter.continueConversationAsync(appId, reference, async (ctx) => {
      prepareClient(adapter, ctx, gate);
      await ctx.updateActivity({ id: activityId, type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content: card }] });
    }),
    timeoutMs,
  );
}

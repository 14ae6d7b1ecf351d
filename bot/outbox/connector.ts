import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';

/**
 * The one place the outbox talks to the Bot Connector: continue a stored conversation and post or
 * edit a card there.
 */

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/**
 * botbuilder's HTTP pipeline retries 429/5xx by itself, sleeping inside the call. The outbox owns
 * retries (durably, via nextAttemptAt) and counts every request against Teams' limits, so the
 * pipeline's own retry policy is removed for the turn's connector client.
 */
function withoutSdkRetries(adapter: CloudAdapter, ctx: TurnContext): void {
  const client = ctx.turnState.get(adapter.ConnectorClientKey) as
    { client?: { pipeline?: { removePolicy(o: { phase: 'Retry' }): unknown } } } | undefined;
  client?.client?.pipeline?.removePolicy({ phase: 'Retry' });
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
  opts: { dedupeKey: string; alert: boolean; timeoutMs: number },
): Promise<string | undefined> {
  let id: string | undefined;
  await timeout(
    adapter.continueConversationAsync(appId, reference, async (ctx) => {
      withoutSdkRetries(adapter, ctx);
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
): Promise<void> {
  await timeout(
    adapter.continueConversationAsync(appId, reference, async (ctx) => {
      withoutSdkRetries(adapter, ctx);
      await ctx.updateActivity({ id: activityId, type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, content: card }] });
    }),
    timeoutMs,
  );
}

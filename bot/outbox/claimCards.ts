import { randomUUID } from 'node:crypto';
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Db } from '../../services/db/client';
import { parseStoredReference, toConversationReference } from '../proactive';
import { replaceCard } from './connector';
import type { Pacer, SendGate } from './pacing';

/**
 * When a claim changes, every card already posted for it (detail, review, notice) is replaced in
 * place, so nobody acts on a stale card. Best effort: a card that cannot be updated (conversation
 * gone, throttled) is logged and left as it is; the card's own version check protects actions on it.
 */
export async function updateClaimCards(
  adapter: CloudAdapter,
  appId: string,
  db: Db,
  claimId: string,
  renderFor: (view: string, conversationRef: Partial<ConversationReference>) => object | null,
  /** pacer: updates count against Teams' per-conversation limits like messages do, on every replica. */
  opts: { log?: Pick<Logger, 'warn'>; timeoutMs?: number; pacer?: Pacer } = {},
): Promise<{ updated: number; failed: number }> {
  let updated = 0;
  let failed = 0;
  try {
    const cards = await db.claimCard.findMany({ where: { claimId }, orderBy: { createdAt: 'asc' } });
    if (cards.length === 0) return { updated, failed };
    const refs = await db.conversationRef.findMany({ where: { conversationId: { in: [...new Set(cards.map((c) => c.conversationId))] } } });
    const byConversation = new Map(refs.map((r) => [r.conversationId, parseStoredReference(r.reference)]));
    for (const card of cards) {
      const stored = byConversation.get(card.conversationId);
      if (!stored) continue;
      const reference = toConversationReference(stored);
      try {
        const content = renderFor(card.view, reference);
        if (!content) continue;
        const timeoutMs = opts.timeoutMs ?? 15_000;
        const update = (gate: SendGate) => replaceCard(adapter, appId, reference, card.activityId, content, timeoutMs, gate);
        if (opts.pacer) {
          // Waits at most a minute for its turn: a card that far behind is refreshed by the next change or click.
          const paced = await opts.pacer.schedule(stored.conversation.tenantId, card.conversationId, Date.now() + 60_000, update);
          if (!paced.sent) throw new Error('Teams limits leave no room for this update within a minute');
        } else await update(async () => {});
        updated += 1;
      } catch (e) {
        failed += 1;
        opts.log?.warn(
          { err: e, claimId, conversationId: card.conversationId, activityId: card.activityId },
          'could not update a claim card in place',
        );
      }
    }
  } catch (e) {
    opts.log?.warn({ err: e, claimId }, 'could not update claim cards');
  }
  return { updated, failed };
}

/**
 * Remembers a card posted for a claim. Only the newest card per claim, conversation and view is kept:
 * older ones there are stale anyway (their clicks get the current card), and keeping them all made
 * every change re-send a growing number of updates (bench: 25 updates per change after 35 views).
 */
export async function recordClaimCard(
  db: Db,
  card: { claimId: string; conversationId: string; activityId: string; view: string },
): Promise<void> {
  // One statement (a data-modifying CTE is atomic on its own): this runs after every card posted.
  await db.$executeRaw`
    WITH gone AS (
      DELETE FROM "ClaimCard"
      WHERE "claimId" = ${card.claimId} AND "conversationId" = ${card.conversationId} AND view = ${card.view}
        AND "activityId" <> ${card.activityId}
    )
    INSERT INTO "ClaimCard" (id, "claimId", "conversationId", "activityId", view)
    VALUES (${randomUUID()}, ${card.claimId}, ${card.conversationId}, ${card.activityId}, ${card.view})
    ON CONFLICT ("conversationId", "activityId") DO UPDATE SET "claimId" = EXCLUDED."claimId", view = EXCLUDED.view`;
}

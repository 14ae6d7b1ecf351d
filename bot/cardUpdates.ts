import type { CloudAdapter } from 'botbuilder';
import { renderClaimDetail } from '../cards';
import { getClaimDetail } from '../services/claims';
import { isServiceError } from '../services/errors';
import { log } from '../services/log';
import { updateClaimCards } from './outbox/claimCards';
import type { Pacer } from './outbox/pacing';
import { newIdempotencyKey, refreshUsersForClaim, withDocumentLinks } from './handlers/common';
import type { BotDeps } from './turn';

const cardLog = log.child({ mod: 'card-updates' });

/**
 * After a claim changes, every card already posted for it is replaced in place with the view of the
 * person in that conversation (their own actions, or a read-only summary). Runs after the invoke
 * response; a card that cannot be rendered for its viewer is left as it is.
 */
export function makeClaimChanged(deps: Omit<BotDeps, 'claimChanged'>, adapter: CloudAdapter, pacer: Pacer): BotDeps['claimChanged'] {
  return (claimId, exceptConversationId, postedIn) => {
    void (async () => {
      const db = deps.svc.db;
      // The acting conversation's card is the reply to this very turn.
      // Notices say what happened at the time and stay as they are; claim cards show the claim now.
      const posted = postedIn
        ? postedIn.filter((c) => c !== exceptConversationId).map((conversationId) => ({ conversationId }))
        : await db.claimCard.findMany({
            where: { claimId, view: 'detail', conversationId: { not: exceptConversationId ?? '' } },
            select: { conversationId: true },
          });
      if (posted.length === 0) return;
      const refs = await db.conversationRef.findMany({
        where: { conversationId: { in: posted.map((p) => p.conversationId) } },
        select: { conversationId: true, userId: true, user: { select: { locale: true } } },
      });
      const refreshUserIds = await refreshUsersForClaim(db, claimId);
      const cards = new Map<string, object | null>();
      for (const r of refs) {
        if (!r.userId) continue;
        try {
          const detail = withDocumentLinks(
            deps.config,
            await getClaimDetail(deps.svc, { userId: r.userId }, claimId),
            deps.svc.clock.now(),
          );
          cards.set(
            r.conversationId,
            renderClaimDetail({ ...detail, idempotencyKey: newIdempotencyKey(), refreshUserIds }, r.user?.locale ?? 'en-US'),
          );
        } catch (e) {
          if (!isServiceError(e)) throw e;
          cards.set(r.conversationId, null);
        }
      }
      await updateClaimCards(
        adapter,
        deps.config.bot.appId ?? '',
        db,
        claimId,
        (view, ref) => (view === 'detail' ? (cards.get(ref.conversation?.id ?? '') ?? null) : null),
        { log: cardLog, pacer },
      );
    })().catch((e: Error) => cardLog.warn({ err: e.message, claimId }, 'claim cards not updated'));
  };
}

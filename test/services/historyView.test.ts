import { getClaimDetail, getHistory } from '../../services/claims';
import { readHistoryPage } from '../../services/history';
import { insertClaim, makeWorld, type World } from '../helpers/world';

/**
 * The history page in one statement (services/history.ts loadHistoryView, docs/performance.md phase 3)
 * gives exactly what Prisma's relational read gave: every field, date, enum, null and JSON value of
 * every row, the same pages and cursors, for every viewer; and refuses whom the claim card refuses.
 */
let w: World;
const claims: string[] = [];
beforeAll(async () => {
  w = await makeWorld();
  const reviewerActor = w.users.reviewer;
  for (let k = 0; k < 3; k++) {
    const c = await insertClaim(w, { status: k === 0 ? 'EDITING' : 'IN_REVIEW', complete: true });
    claims.push(c.id);
    const docs = await w.db.document.findMany({ where: { claimId: c.id }, select: { id: true } });
    const at = (i: number) => new Date(Date.UTC(2026, 10, 1 + (i % 9), 8, i, 0, i % 3 === 0 ? 0 : 7 * i));
    await w.db.historyEvent.createMany({
      data: Array.from({ length: 23 + k }, (_, i) => ({
        claimId: c.id,
        actorId: i % 5 === 0 ? null : i % 5 === 1 ? reviewerActor : k === 2 && i % 7 === 3 ? w.users.colleague : w.users.incentivesUser,
        actorKind: i % 5 === 0 ? ('SYSTEM' as const) : i % 5 === 1 ? ('REVIEWER' as const) : ('USER' as const),
        type: ['claim_updated', 'document_added', 'comment_added', 'submitted', 'feedback_given'][i % 5]!,
        summary: `Event ${i} — “quoted” 한국어`,
        data: i % 4 === 0 ? {} : { n: i, big: 12345678901234, f: 1.5, list: [1, 'two', null], nested: { ok: true, s: 'é' } },
        statusBefore: i % 6 === 0 ? ('EDITING' as const) : null,
        statusAfter: i % 6 === 0 ? ('SUBMITTED' as const) : null,
        documentId: i % 4 === 1 ? docs[0]!.id : null,
        feedbackId: i % 8 === 2 ? `feedback-${i}` : null,
        // Several rows on one moment: the order is the id's.
        createdAt: at(i % 11),
      })),
    });
  }
  // A colleague asked to upload on the second claim reads it; a reviewer who worked on the third is still shown it.
  await w.db.uploadRequest.create({
    data: {
      claimId: claims[1]!,
      requesterId: w.users.incentivesUser,
      assigneeId: w.users.colleague,
      kind: 'PROOF',
      message: 'Photos please',
      dueAt: new Date('2026-12-01'),
    },
  });
});
afterAll(() => w.close());

/** The page as it was read before: the claim, Prisma's page of rows, and the viewer rule the claim card applies. */
async function previousHistory(userId: string, claimId: string, pageSize: number, before?: string) {
  await getClaimDetail(w.svc, { userId }, claimId);
  const claim = await w.db.claim.findUniqueOrThrow({ where: { id: claimId } });
  return { claim: { id: claim.id, number: claim.number, name: claim.name }, ...(await readHistoryPage(w.db, claimId, pageSize, before)) };
}

const outcome = <T>(p: Promise<T>): Promise<T | { refused: { kind?: string; code?: string } }> =>
  p.catch((e: unknown) => {
    const { kind, code } = e as { kind?: string; code?: string };
    return { refused: { kind, code } };
  });

it('returns the pages Prisma returned, for every viewer, page size and cursor', async () => {
  const viewers = Object.values(w.users);
  let rows = 0;
  let refusals = 0;
  for (const claimId of [...claims, '00000000-0000-4000-8000-000000000000']) {
    for (const userId of viewers) {
      for (const pageSize of [1, 4, 10, 50]) {
        let before: string | undefined;
        for (let page = 0; page < 30; page++) {
          const then = await outcome(previousHistory(userId, claimId, pageSize, before));
          const now = await outcome(getHistory(w.svc, { userId }, { claimId, pageSize, ...(before ? { before } : {}) }));
          expect([claimId, userId, pageSize, before, now]).toStrictEqual([claimId, userId, pageSize, before, then]);
          if (typeof now === 'object' && now !== null && 'refused' in now) {
            refusals++;
            break;
          }
          const p = now as Awaited<ReturnType<typeof getHistory>>;
          rows += p.items.length;
          if (!p.nextCursor) break;
          before = p.nextCursor;
        }
      }
    }
  }
  // Real pages and real refusals were compared (a colleague without a request, a claim that does not exist).
  expect(rows).toBeGreaterThan(300);
  expect(refusals).toBeGreaterThan(8);
});

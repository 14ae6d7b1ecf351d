import type { ClaimStatus } from '../../prisma/generated/client';
import type { Actor, CommandResult, Services } from '../../services/context';
import {
  approveClaim,
  disputeClaim,
  giveFeedback,
  rejectClaim,
  requestInformation,
  reviewDocument,
  startReview,
} from '../../services/review';
import { insertClaim, makeWorld, type World } from '../helpers/world';

/**
 * Every reviewer-side command against every claim status: either the documented transition
 * happens, or the claim is left exactly as it was with the conflict the bot explains.
 */
let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.close());

const ALL: ClaimStatus[] = [
  'EDITING',
  'SUBMITTED',
  'IN_REVIEW',
  'ACTION_REQUIRED',
  'APPROVED',
  'REJECTED',
  'DISPUTED',
  'EXPIRED',
  'CANCELLED',
];

type Case = {
  name: string;
  actor: () => string;
  run: (svc: Services, actor: Actor, c: { id: string; version: number }) => Promise<CommandResult>;
  /** Status before → status after, for the statuses where the command is allowed. */
  allowed: Partial<Record<ClaimStatus, ClaimStatus>>;
  /** The conflict code when it is not. */
  refusal: string;
};

const proof = (claimId: string) => w.db.document.findFirstOrThrow({ where: { claimId, kind: 'PROOF' } });

const CASES: Case[] = [
  {
    name: 'startReview',
    actor: () => w.users.reviewer,
    run: (s, a, c) => startReview(s, a, { claimId: c.id, version: c.version }),
    allowed: { SUBMITTED: 'IN_REVIEW' },
    refusal: 'transition_not_allowed',
  },
  {
    name: 'requestInformation',
    actor: () => w.users.reviewer,
    run: (s, a, c) => requestInformation(s, a, { claimId: c.id, version: c.version, message: 'Add the agenda' }),
    allowed: { IN_REVIEW: 'ACTION_REQUIRED', DISPUTED: 'ACTION_REQUIRED' },
    refusal: 'transition_not_allowed',
  },
  {
    name: 'approveClaim',
    actor: () => w.users.reviewer,
    run: (s, a, c) => approveClaim(s, a, { claimId: c.id, version: c.version }),
    allowed: { IN_REVIEW: 'APPROVED', DISPUTED: 'APPROVED' },
    refusal: 'transition_not_allowed',
  },
  {
    name: 'rejectClaim',
    actor: () => w.users.reviewer,
    run: (s, a, c) => rejectClaim(s, a, { claimId: c.id, version: c.version, reason: 'No proof of execution' }),
    allowed: { IN_REVIEW: 'REJECTED', DISPUTED: 'REJECTED' },
    refusal: 'transition_not_allowed',
  },
  {
    name: 'disputeClaim',
    actor: () => w.users.incentivesUser,
    run: (s, a, c) => disputeClaim(s, a, { claimId: c.id, version: c.version, reason: 'The proof is on page 2' }),
    allowed: { REJECTED: 'DISPUTED' },
    refusal: 'transition_not_allowed',
  },
  {
    name: 'reviewDocument',
    actor: () => w.users.reviewer,
    run: async (s, a, c) =>
      reviewDocument(s, a, {
        claimId: c.id,
        version: c.version,
        documentId: (await proof(c.id)).id,
        decision: 'NEEDS_FIX',
        feedback: 'Blurry photo',
      }),
    allowed: { IN_REVIEW: 'IN_REVIEW', DISPUTED: 'DISPUTED' },
    refusal: 'not_in_review',
  },
  {
    name: 'giveFeedback',
    actor: () => w.users.reviewer,
    run: (s, a, c) => giveFeedback(s, a, { claimId: c.id, version: c.version, text: 'Thanks' }),
    allowed: { IN_REVIEW: 'IN_REVIEW', DISPUTED: 'DISPUTED' },
    refusal: 'not_in_review',
  },
];

describe.each(CASES)('$name', (k) => {
  it.each(ALL)('from %s', async (from) => {
    const c = await insertClaim(w, { status: from, complete: true, approvedMinor: from === 'APPROVED' ? 100_000 : undefined });
    const to = k.allowed[from];
    if (to) {
      const r = await k.run(w.svc, { userId: k.actor() }, c);
      expect(r).toMatchObject({ claimId: c.id, version: c.version + 1, status: to });
      const row = await w.db.claim.findUniqueOrThrow({ where: { id: c.id } });
      expect(row.status).toBe(to);
      expect(await w.db.historyEvent.count({ where: { claimId: c.id } })).toBe(1);
    } else {
      await expect(k.run(w.svc, { userId: k.actor() }, c)).rejects.toMatchObject({ kind: 'conflict', code: k.refusal });
      const row = await w.db.claim.findUniqueOrThrow({ where: { id: c.id } });
      expect(row).toMatchObject({ status: from, version: c.version });
      expect(await w.db.historyEvent.count({ where: { claimId: c.id } })).toBe(0);
      expect(await w.db.outboxMessage.count({ where: { claimId: c.id } })).toBe(0);
    }
  });
});

describe('the dispute round trip', () => {
  it('rejected → disputed → rejected again → disputed again → approved', async () => {
    const c = await insertClaim(w, { status: 'IN_REVIEW', complete: true });
    const reviewer = { userId: w.users.reviewer };
    const owner = { userId: w.users.incentivesUser };
    let r = await rejectClaim(w.svc, reviewer, { claimId: c.id, version: c.version, reason: 'Missing metrics' });
    r = await disputeClaim(w.svc, owner, { claimId: c.id, version: r.version, reason: 'Metrics are in the invoice' });
    r = await rejectClaim(w.svc, reviewer, { claimId: c.id, version: r.version, reason: 'Still missing' });
    r = await disputeClaim(w.svc, owner, { claimId: c.id, version: r.version, reason: 'Added a note' });
    r = await approveClaim(w.svc, reviewer, { claimId: c.id, version: r.version, amount: '750', reason: 'One invoice is not eligible' });
    expect(r.status).toBe('APPROVED');
    const types = (await w.db.historyEvent.findMany({ where: { claimId: c.id }, orderBy: { id: 'asc' } })).map((h) => h.type);
    expect(types).toEqual(['rejected', 'disputed', 'rejected', 'disputed', 'approved']);
    await expect(disputeClaim(w.svc, owner, { claimId: c.id, version: r.version, reason: 'More please' })).rejects.toMatchObject({
      code: 'transition_not_allowed',
    });
  });
});

import type { ServiceError } from '../../services/errors';
import { COUNTS_AS_CLAIMED } from '../../services/lifecycle';
import { completenessRules, submitClaim } from '../../services/submission';
import { failure } from '../helpers/failure';
import { insertClaim, makeWorld, TEST_NOW, type World } from '../helpers/world';

const failedRules = (e: ServiceError) => e.details.rules!.map((r) => r.rule);

describe('submission', () => {
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.close());
  afterEach(() => {
    w.clock.current = new Date(TEST_NOW);
  });

  const submit = (claimId: string, version = 1, userId = w.users.incentivesUser, extra: Record<string, unknown> = {}) =>
    submitClaim(w.svc, { userId }, { claimId, version, ...extra });

  describe('submitClaim', () => {
    it('refuses to resubmit while a document the reviewer marked "needs fix" is still on the claim', async () => {
      const c = await insertClaim(w, { status: 'ACTION_REQUIRED', complete: true });
      const proof = await w.db.document.findFirstOrThrow({ where: { claimId: c.id, kind: 'PROOF' } });
      await w.db.document.update({ where: { id: proof.id }, data: { reviewState: 'NEEDS_FIX', reviewComment: 'No logo' } });
      const e = await failure(submit(c.id));
      expect(e.details.rules!.map((r) => r.rule)).toEqual(['needs_fix_resolved']);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('ACTION_REQUIRED');
      // A replacement proof (the old one removed) clears the rule.
      await w.db.document.update({ where: { id: proof.id }, data: { removedAt: TEST_NOW } });
      await w.db.document.create({
        data: { claimId: c.id, kind: 'PROOF', details: 'Agenda with the logo', uploaderId: w.users.incentivesUser },
      });
      expect(await submit(c.id)).toMatchObject({ status: 'SUBMITTED' });
    });

    it('submits a complete draft, records it and asks every reviewer to review', async () => {
      const c = await insertClaim(w, { complete: true });
      const r = await submit(c.id);
      expect(r).toEqual({ claimId: c.id, version: 2, status: 'SUBMITTED' });
      const claim = await w.db.claim.findUniqueOrThrow({ where: { id: c.id } });
      expect(claim.submittedAt).toEqual(TEST_NOW);
      const h = await w.db.historyEvent.findFirstOrThrow({ where: { claimId: c.id } });
      expect(h).toMatchObject({ type: 'submitted', statusBefore: 'EDITING', statusAfter: 'SUBMITTED', actorId: w.users.incentivesUser });
      const out = await w.db.outboxMessage.findMany({ where: { claimId: c.id } });
      expect(out).toEqual([expect.objectContaining({ kind: 'review_needed', recipientId: w.users.reviewer, conversationId: null })]);
      expect(out[0]!.dedupeKey).toContain(c.id);
      expect(out[0]!.dedupeKey).toContain('v2');
      expect(out[0]!.payload).toMatchObject({ number: c.number, status: 'SUBMITTED' });
    });

    it('posts to the reviewers channel when one is configured', async () => {
      const c = await insertClaim(w, { complete: true });
      await submitClaim(
        { ...w.svc, settings: { ...w.svc.settings, reviewersConversationId: '19:reviewers@thread.tacv2' } },
        { userId: w.users.incentivesUser },
        { claimId: c.id, version: 1 },
      );
      const out = await w.db.outboxMessage.findMany({ where: { claimId: c.id } });
      expect(out).toEqual([
        expect.objectContaining({ kind: 'review_needed', conversationId: '19:reviewers@thread.tacv2', recipientId: null }),
      ]);
    });

    it('resubmits from ACTION_REQUIRED as a new review request', async () => {
      const c = await insertClaim(w, { complete: true, status: 'ACTION_REQUIRED' });
      const r = await submit(c.id);
      expect(r.status).toBe('SUBMITTED');
      expect((await w.db.historyEvent.findFirstOrThrow({ where: { claimId: c.id } })).type).toBe('resubmitted');
      expect(await w.db.outboxMessage.count({ where: { claimId: c.id, kind: 'review_needed' } })).toBe(1);
    });

    it('is refused from every other status', async () => {
      for (const status of ['SUBMITTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'DISPUTED', 'EXPIRED', 'CANCELLED'] as const) {
        const c = await insertClaim(w, { complete: true, status, approvedMinor: status === 'APPROVED' ? 100_000 : undefined });
        const e = await failure(submit(c.id));
        expect([status, e.kind, e.code]).toEqual([status, 'conflict', 'transition_not_allowed']);
        expect(await w.db.historyEvent.count({ where: { claimId: c.id } })).toBe(0);
      }
    });

    it('lets exactly one of two concurrent submits with the same version win', async () => {
      const c = await insertClaim(w, { complete: true });
      const rs = await Promise.allSettled([submit(c.id), submit(c.id, 1, w.users.incentivesAdmin)]);
      expect(rs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(lost.reason).toMatchObject({ kind: 'conflict', code: 'stale_version' });
      expect(await w.db.historyEvent.count({ where: { claimId: c.id, type: 'submitted' } })).toBe(1);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(2);
    });

    it('applies a repeated idempotency key once and replays the result', async () => {
      const c = await insertClaim(w, { complete: true });
      const first = await submit(c.id, 1, w.users.incentivesUser, { idempotencyKey: 'submit-click-0001' });
      const again = await submit(c.id, 1, w.users.incentivesUser, { idempotencyKey: 'submit-click-0001' });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await w.db.historyEvent.count({ where: { claimId: c.id } })).toBe(1);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).version).toBe(2);
    });

    it('refuses bad input with field issues and writes nothing', async () => {
      const c = await insertClaim(w, { complete: true });
      const e = await failure(submitClaim(w.svc, { userId: w.users.incentivesUser }, { claimId: c.id, version: 'first' }));
      expect(e.kind).toBe('invalid');
      expect(e.details.issues!.map((i) => i.path)).toEqual(['version']);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('EDITING');
    });
  });

  describe('completeness rules (each failing alone, through submitClaim)', () => {
    const expectOnly = async (claimId: string, rule: string, version = 1) => {
      const e = await failure(submit(claimId, version));
      expect(e).toMatchObject({ kind: 'rule_failed', code: 'incomplete' });
      expect(failedRules(e)).toEqual([rule]);
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: claimId } })).status).not.toBe('SUBMITTED');
      return e;
    };

    it('needs an invoice or a CSR', async () => {
      const c = await insertClaim(w, { complete: true });
      await w.db.document.updateMany({ where: { claimId: c.id, kind: 'INVOICE' }, data: { removedAt: new Date() } });
      // Without evidence the claimed amount is not covered either; both lines say so.
      expect(failedRules(await failure(submit(c.id)))).toEqual(['invoice_or_csr', 'evidence_covers_amount']);
      // A CSR instead of an invoice is enough.
      await w.db.document.create({
        data: {
          claimId: c.id,
          kind: 'CSR',
          details: 'In-house design work',
          fields: {
            lines: [{ item: 'Design', quantity: 10, unitCostMinor: 10_000, totalMinor: 100_000 }],
            amountMinor: 100_000,
            currency: 'USD',
          },
          uploaderId: w.users.incentivesUser,
        },
      });
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });

    it('needs at least one proof', async () => {
      const c = await insertClaim(w, { complete: true });
      await w.db.document.deleteMany({ where: { claimId: c.id, kind: 'PROOF' } });
      await expectOnly(c.id, 'proof_present');
    });

    it('needs a note on every proof', async () => {
      const c = await insertClaim(w, { complete: true });
      await w.db.document.create({ data: { claimId: c.id, kind: 'PROOF', details: '  ', uploaderId: w.users.incentivesUser } });
      const e = await expectOnly(c.id, 'proof_notes');
      expect(e.details.rules![0]!.params).toEqual({ missing: 1 });
    });

    it('needs each required metric, matched by name in any case', async () => {
      const c = await insertClaim(w, { complete: true, activity: 'TELEMARKETING' });
      await w.db.document.updateMany({
        where: { claimId: c.id, kind: 'METRIC', fields: { path: ['name'], equals: 'Calls made' } },
        data: { removedAt: new Date() },
      });
      const e = await expectOnly(c.id, 'required_metric');
      expect(e.details.rules![0]!.params).toEqual({ name: 'Calls made' });
      await w.db.document.create({
        data: { claimId: c.id, kind: 'METRIC', fields: { name: 'CALLS MADE', value: '300' }, uploaderId: w.users.incentivesUser },
      });
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });

    it('needs an amount above zero', async () => {
      const c = await insertClaim(w, { complete: true, amountMinor: 0 });
      await expectOnly(c.id, 'amount_positive');
    });

    it('needs the amount to fit in the remaining funds (not counting this claim)', async () => {
      // Start from an allocation nothing else holds.
      await w.db.claim.updateMany({
        where: { fundAllocationId: w.allocation.id, status: { in: [...COUNTS_AS_CLAIMED] } },
        data: { status: 'CANCELLED' },
      });
      await insertClaim(w, { status: 'SUBMITTED', amountMinor: w.allocation.earnedMinor - 50_000 });
      try {
        const c = await insertClaim(w, { complete: true, amountMinor: 60_000 });
        const e = await expectOnly(c.id, 'within_remaining');
        expect(e.details.rules![0]!.params).toEqual({ remainingMinor: 50_000, amountMinor: 60_000, currency: 'USD' });
        const fits = await insertClaim(w, { complete: true, amountMinor: 10_000 });
        expect((await submit(fits.id)).status).toBe('SUBMITTED');
      } finally {
        await w.db.claim.updateMany({ where: { fundAllocationId: w.allocation.id, status: 'SUBMITTED' }, data: { status: 'CANCELLED' } });
      }
    });

    it('needs the claiming deadline not to have passed', async () => {
      const c = await insertClaim(w, { complete: true });
      w.clock.current = new Date('2027-02-15T08:00:00Z');
      const e = await expectOnly(c.id, 'before_deadline');
      expect(e.details.rules![0]!.params).toEqual({ deadline: '2027-02-14' });
    });

    it('needs a pre-approval ID when the activity type requires one', async () => {
      const c = await insertClaim(w, { complete: true, activity: 'TV_RADIO' });
      await expectOnly(c.id, 'pre_approval_id');
      await w.db.claim.update({ where: { id: c.id }, data: { preApprovalId: 'PA-77' } });
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });

    it('respects the activity cap across the period, counting other claims of that activity', async () => {
      // Customer offers: at most 25% of earned co-op (4,800,000 → 1,200,000).
      const earlier = await insertClaim(w, {
        status: 'APPROVED',
        amountMinor: 900_000,
        approvedMinor: 800_000,
        activity: 'CUSTOMER_OFFER',
      });
      const c = await insertClaim(w, { complete: true, amountMinor: 500_000, activity: 'CUSTOMER_OFFER' });
      const e = await expectOnly(c.id, 'activity_cap');
      expect(e.details.rules![0]!.params).toMatchObject({ capMinor: 1_200_000, usedMinor: 800_000 });
      await w.db.claim.update({ where: { id: earlier.id }, data: { status: 'CANCELLED' } });
      expect((await submit(c.id)).status).toBe('SUBMITTED');
    });

    it('needs every invoice in the claim currency', async () => {
      const c = await insertClaim(w, { complete: true });
      await w.db.document.create({
        data: {
          claimId: c.id,
          kind: 'INVOICE',
          fields: { vendor: 'Hotel', invoiceNumber: 'EU-1', invoiceDate: '2026-09-02', amountMinor: 5_000, currency: 'EUR' },
          uploaderId: w.users.incentivesUser,
        },
      });
      const e = await expectOnly(c.id, 'single_currency');
      expect(e.details.rules![0]!.params).toEqual({ currency: 'USD', others: ['EUR'] });
    });

    it('reports every failing rule at once', async () => {
      const c = await insertClaim(w, { amountMinor: 5_000_000, activity: 'CUSTOMER_OFFER' });
      w.clock.current = new Date('2027-03-01T08:00:00Z');
      const e = await failure(submit(c.id));
      expect(failedRules(e)).toEqual([
        'invoice_or_csr',
        'evidence_covers_amount',
        'proof_present',
        'required_metric',
        'within_remaining',
        'before_deadline',
        'activity_cap',
      ]);
      const tv = await insertClaim(w, { activity: 'TV_RADIO' });
      expect(failedRules(await failure(submit(tv.id)))).toEqual([
        'invoice_or_csr',
        'evidence_covers_amount',
        'proof_present',
        'required_metric',
        'before_deadline',
        'pre_approval_id',
      ]);
    });
  });

  describe('completenessRules', () => {
    it('leaves out rules that do not apply, and marks the rest ok for a complete claim', () => {
      const rules = completenessRules({
        claim: {
          amountMinor: 1000,
          currency: 'USD',
          preApprovalId: null,
          activityStart: new Date('2026-09-01'),
          activityEnd: new Date('2026-09-02'),
        },
        documents: [
          { kind: 'INVOICE', details: '', fields: { invoiceNumber: 'A-1', vendor: 'Hotel', invoiceDate: '2026-09-02', amountMinor: 1000 } },
          { kind: 'PROOF', details: 'Agenda', fields: {} },
        ],
        activityType: { requiredMetrics: [], requiresPreApproval: false, rules: {} },
        program: { code: 'HOSTING', name: 'Hosting' },
        allocation: { earnedMinor: 10_000, claimingDeadline: new Date('2027-02-14'), currency: 'USD' },
        remainingMinor: 1000,
        activityUsedMinor: 0,
        now: new Date('2027-02-14T22:00:00Z'),
      });
      expect(rules.map((r) => [r.rule, r.ok])).toEqual([
        ['invoice_or_csr', true],
        ['evidence_covers_amount', true],
        ['invoice_dates', true],
        ['invoice_unique', true],
        ['proof_present', true],
        ['proof_notes', true],
        ['amount_positive', true],
        ['within_remaining', true],
        ['before_deadline', true],
        ['single_currency', true],
      ]);
    });

    it('checks every cap of the activity: the greater of its terms, each cap on its own', () => {
      const base = {
        claim: {
          amountMinor: 3000,
          currency: 'USD',
          preApprovalId: null,
          activityStart: new Date('2026-09-01'),
          activityEnd: new Date('2026-09-02'),
        },
        documents: [],
        program: { code: 'HOSTING', name: 'Hosting' },
        allocation: { earnedMinor: 10_000, claimingDeadline: new Date('2027-02-14'), currency: 'USD' },
        remainingMinor: 10_000,
        activityUsedMinor: 0,
        now: TEST_NOW,
      };
      const caps = (rules: object) =>
        completenessRules({ ...base, activityType: { requiredMetrics: [], requiresPreApproval: false, rules } })
          .filter((r) => r.rule === 'activity_cap')
          .map((r) => [r.ok, r.params!.capMinor]);
      const greater = { per: 'usage_period', greaterOf: [{ percentOfEarned: 20 }, { amountMinor: 5000, currency: 'USD' }] };
      expect(caps({ caps: [greater] })).toEqual([[true, 5000]]);
      const two = [
        { per: 'usage_period', greaterOf: [{ percentOfEarned: 20 }] },
        { per: 'claim', greaterOf: [{ amountMinor: 5000, currency: 'USD' }] },
      ];
      expect(caps({ caps: two })).toEqual([
        [false, 2000],
        [true, 5000],
      ]);
      expect(caps({})).toEqual([]);
    });
  });
});

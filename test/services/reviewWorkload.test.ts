import type { ClaimStatus } from '../../prisma/generated/client';
import { businessDaysBetween } from '../../services/businessDays';
import { startReview } from '../../services/review';
import { getReviewQueue, waitedAtLeastCutoff } from '../../services/reviewQueue';
import { assignReview, escalateOverdueReviews, remindOverdueReviews, searchReviewers } from '../../services/reviewWorkload';
import { applyReviewTenant } from '../../services/organisation';
import { racingServices } from '../helpers/racing';
import { insertClaim, makeWorld, type World } from '../helpers/world';

let w: World;
let nestor: string;
beforeAll(async () => {
  w = await makeWorld();
  const u = await w.db.user.create({
    data: {
      organisationId: w.orgId,
      tenantId: 'contoso-tenant-test',
      aadObjectId: 'nestor-reviewer',
      displayName: 'Nestor Wilke',
      email: 'nestorw@example.com',
      roles: { create: [{ role: 'REVIEWER' }] },
    },
  });
  nestor = u.id;
});
afterAll(() => w.close());

const as = (userId: string) => ({ userId });
const patti = () => as(w.users.reviewer);
const MONDAY = new Date('2026-11-30T10:00:00.000Z');
const day = (s: string) => new Date(`${s}T09:00:00.000Z`);

/** Every test starts with an empty queue; claims it makes are the only ones waiting. */
beforeEach(async () => {
  w.clock.current = new Date(MONDAY);
  await w.db.claim.updateMany({ where: { status: { in: ['SUBMITTED', 'IN_REVIEW', 'DISPUTED'] } }, data: { status: 'CANCELLED' } });
});

async function waiting(status: ClaimStatus, since: string, extra: { reviewerId?: string; disputedAt?: string } = {}) {
  const c = await insertClaim(w, { status });
  await w.db.claim.update({
    where: { id: c.id },
    data: {
      submittedAt: day(since),
      disputedAt: extra.disputedAt ? day(extra.disputedAt) : null,
      reviewerId: extra.reviewerId ?? null,
    },
  });
  return c;
}

const history = (claimId: string, type: string) => w.db.historyEvent.findMany({ where: { claimId, type }, orderBy: { id: 'asc' } });
const outbox = (claimId: string, kind: string) => w.db.outboxMessage.findMany({ where: { claimId, kind }, orderBy: { createdAt: 'asc' } });

describe('waitedAtLeastCutoff', () => {
  it('agrees with businessDaysBetween for every start day over a month and every age up to 12 days', () => {
    for (const now of [MONDAY, new Date('2026-12-05T15:00:00Z'), new Date('2026-12-02T00:30:00Z')]) {
      for (let n = 0; n <= 12; n++) {
        const cutoff = waitedAtLeastCutoff(now, n);
        for (let back = 0; back < 35; back++) {
          const since = new Date(now.getTime() - back * 86_400_000 - 3_600_000);
          expect([n, since.toISOString(), since < cutoff]).toEqual([n, since.toISOString(), businessDaysBetween(since, now) >= n]);
        }
      }
    }
  });
});

describe('review queue filters and pages', () => {
  it('filters by owner, status, age, organisation and program, oldest first', async () => {
    const mine = await waiting('IN_REVIEW', '2026-11-25', { reviewerId: w.users.reviewer }); // 3 days > 2: overdue
    const nestors = await waiting('IN_REVIEW', '2026-11-19', { reviewerId: nestor }); // 7 days > 4: escalated
    const fresh = await waiting('SUBMITTED', '2026-11-27'); // 1 day
    const dispute = await waiting('DISPUTED', '2026-10-01', { disputedAt: '2026-11-24' }); // 4 days, target 5

    const ids = async (f: Record<string, unknown>) => (await getReviewQueue(w.svc, patti(), f)).items.map((i) => i.claimId);
    expect(await ids({})).toEqual([nestors.id, dispute.id, mine.id, fresh.id]);
    expect(await ids({ owner: 'mine' })).toEqual([mine.id]);
    expect(await ids({ owner: 'unassigned' })).toEqual([dispute.id, fresh.id]);
    expect(await ids({ status: 'DISPUTED' })).toEqual([dispute.id]);
    expect(await ids({ age: 'overdue' })).toEqual([nestors.id, mine.id]);
    expect(await ids({ age: 'escalated' })).toEqual([nestors.id]);
    expect(await ids({ age: '2' })).toEqual([nestors.id, dispute.id, mine.id]);
    expect(await ids({ organisationId: w.orgId, programId: w.allocation.programId, owner: 'all', age: 'any' })).toHaveLength(4);
    expect(await ids({ programId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);

    const page = await getReviewQueue(w.svc, patti(), {});
    const byId = Object.fromEntries(page.items.map((i) => [i.claimId, i]));
    expect(byId[mine.id]!.reviewer).toEqual({ id: w.users.reviewer, name: 'Patti Fernandez' });
    expect(byId[fresh.id]!.reviewer).toBeNull();
    expect(byId[nestors.id]).toMatchObject({ overdue: true, escalated: true, ageBusinessDays: 7 });
    expect(page.options.organisations).toEqual([{ id: w.orgId, name: 'Contoso Partners' }]);
    expect(page.options.programs.map((p) => p.id)).toContain(w.allocation.programId);
    // "all" (what the card's "All organisations" choice sends) is no filter.
    expect((await getReviewQueue(w.svc, patti(), { organisationId: 'all', status: 'all' })).total).toBe(4);
  });

  it('pages through a long queue without repeating or losing a claim', async () => {
    const made: string[] = [];
    for (let i = 0; i < 23; i++) made.push((await waiting('SUBMITTED', `2026-11-${String(2 + (i % 20)).padStart(2, '0')}`)).id);
    const seen: string[] = [];
    const first = await getReviewQueue(w.svc, patti(), { pageSize: 10 });
    expect(first).toMatchObject({ total: 23, page: 1, pageCount: 3 });
    for (let p = 1; p <= 3; p++)
      seen.push(...(await getReviewQueue(w.svc, patti(), { pageSize: 10, page: p })).items.map((i) => i.claimId));
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(new Set(made));
    // A page past the end (the queue shrank meanwhile) shows the last page.
    expect(await getReviewQueue(w.svc, patti(), { pageSize: 10, page: 9 })).toMatchObject({ page: 3, total: 23 });
    const waits = (await Promise.all([1, 2, 3].map((p) => getReviewQueue(w.svc, patti(), { pageSize: 10, page: p })))).flatMap((pg) =>
      pg.items.map((i) => i.waitingSince.getTime()),
    );
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
  });

  it('is for reviewers only', async () => {
    await expect(getReviewQueue(w.svc, as(w.users.globalAdmin), {})).rejects.toMatchObject({ kind: 'forbidden' });
  });
});

describe('review ownership', () => {
  it('"Start review" makes the reviewer the owner', async () => {
    const c = await waiting('SUBMITTED', '2026-11-27');
    await startReview(w.svc, patti(), { claimId: c.id, version: c.version });
    expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).reviewerId).toBe(w.users.reviewer);
    expect((await history(c.id, 'review_started'))[0]!.data).toMatchObject({ reviewerName: 'Patti Fernandez' });
  });

  it('reassigns to another reviewer: history row and one notification to the new owner', async () => {
    const c = await waiting('IN_REVIEW', '2026-11-27', { reviewerId: w.users.reviewer });
    const r = await assignReview(w.svc, patti(), { claimId: c.id, assigneeId: nestor, idempotencyKey: 'assign-nestor-1' });
    expect(r).toMatchObject({ changed: true, reviewerId: nestor, version: c.version });
    // The same click again is applied once.
    await assignReview(w.svc, patti(), { claimId: c.id, assigneeId: nestor, idempotencyKey: 'assign-nestor-1' });
    expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).reviewerId).toBe(nestor);
    const rows = await history(c.id, 'review_assigned');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: w.users.reviewer, actorKind: 'REVIEWER' });
    expect(rows[0]!.data).toMatchObject({ reviewerName: 'Nestor Wilke', previousReviewerName: 'Patti Fernandez' });
    const sent = await outbox(c.id, 'review_assigned');
    expect(sent.map((m) => m.recipientId)).toEqual([nestor]);
    expect(sent[0]!.payload).toMatchObject({ byName: 'Patti Fernandez', number: c.number });

    // Taking it back oneself: recorded, nobody notified.
    await assignReview(w.svc, patti(), { claimId: c.id, assigneeId: w.users.reviewer });
    expect(await history(c.id, 'review_assigned')).toHaveLength(2);
    expect(await outbox(c.id, 'review_assigned')).toHaveLength(1);
  });

  it('refuses a non-reviewer as owner, a partner as assigner, and a claim no longer waiting', async () => {
    const c = await waiting('IN_REVIEW', '2026-11-27');
    await expect(assignReview(w.svc, patti(), { claimId: c.id, assigneeId: w.users.incentivesUser })).rejects.toMatchObject({
      kind: 'invalid',
      details: { issues: [{ path: 'assigneeId', code: 'not_reviewer' }] },
    });
    await expect(assignReview(w.svc, as(w.users.globalAdmin), { claimId: c.id, assigneeId: nestor })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'role_required',
    });
    const done = await insertClaim(w, { status: 'APPROVED', approvedMinor: 100 });
    await expect(assignReview(w.svc, patti(), { claimId: done.id, assigneeId: nestor })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'not_in_review_queue',
    });
    expect(await history(c.id, 'review_assigned')).toHaveLength(0);
  });

  it('searches the review team only', async () => {
    const c = await waiting('SUBMITTED', '2026-11-27');
    expect((await searchReviewers(w.svc, patti(), c.id, '')).map((r) => r.displayName)).toEqual(['Nestor Wilke', 'Patti Fernandez']);
    expect((await searchReviewers(w.svc, patti(), c.id, 'nest')).map((r) => r.id)).toEqual([nestor]);
    expect(await searchReviewers(w.svc, patti(), c.id, 'alex')).toEqual([]);
    await expect(searchReviewers(w.svc, as(w.users.incentivesUser), c.id, '')).rejects.toMatchObject({ kind: 'forbidden' });
  });
});

describe('reminders', () => {
  beforeEach(async () => {
    await w.db.outboxMessage.deleteMany({ where: { kind: 'review_reminder' } });
  });
  /** The reminder cards of `day`, by recipient. */
  const reminders = async (day: string) =>
    Object.fromEntries(
      (await w.db.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `review_reminder:${day}:` } } })).map((m) => [
        m.recipientId ?? m.conversationId,
        m.payload as {
          owned: { count: number; claims: Array<{ number: string }> };
          unassigned: { count: number; claims: Array<{ number: string }> };
        },
      ]),
    );

  it('sends each owner one card a business day listing their reviews past the target, and a history row per claim', async () => {
    const late = await waiting('IN_REVIEW', '2026-11-25', { reviewerId: nestor }); // Monday: 3 > 2
    const later = await waiting('IN_REVIEW', '2026-11-24', { reviewerId: nestor }); // 4 > 2
    const onTime = await waiting('IN_REVIEW', '2026-11-26', { reviewerId: nestor }); // 2 = target
    expect(await remindOverdueReviews(w.svc)).toBe(2);
    expect(await remindOverdueReviews(w.svc)).toBe(0); // same day: nothing more
    w.clock.current = new Date('2026-11-30T23:59:00Z');
    expect(await remindOverdueReviews(w.svc)).toBe(0);
    const monday = await reminders('2026-11-30');
    expect(Object.keys(monday)).toEqual([nestor]);
    expect(monday[nestor]!.owned).toMatchObject({ count: 2, claims: [{ number: later.number }, { number: late.number }] });
    expect(monday[nestor]!.unassigned.count).toBe(0);
    expect(await history(late.id, 'review_reminder_sent')).toHaveLength(1);
    expect((await history(later.id, 'review_reminder_sent'))[0]!.summary).toBe('Reminded Nestor Wilke: waiting 4 business days (target 2)');
    expect(await history(onTime.id, 'review_reminder_sent')).toHaveLength(0);

    w.clock.current = new Date('2026-12-01T08:00:00Z'); // Tuesday: all three overdue now
    expect(await remindOverdueReviews(w.svc)).toBe(3);
    expect((await reminders('2026-12-01'))[nestor]!.owned.count).toBe(3);
    expect(await history(late.id, 'review_reminder_sent')).toHaveLength(2);
    w.clock.current = new Date('2026-12-05T08:00:00Z'); // Saturday
    expect(await remindOverdueReviews(w.svc)).toBe(0);
  });

  it('lists reviews nobody owns to every reviewer, in the same card as their own; stops once the claim is decided', async () => {
    const unowned = await waiting('SUBMITTED', '2026-11-24');
    const nestors = await waiting('IN_REVIEW', '2026-11-25', { reviewerId: nestor });
    expect(await remindOverdueReviews(w.svc)).toBe(2);
    const sent = await reminders('2026-11-30');
    expect(Object.keys(sent).sort()).toEqual([nestor, w.users.reviewer].sort());
    expect(sent[nestor]).toMatchObject({ owned: { count: 1, claims: [{ number: nestors.number }] }, unassigned: { count: 1 } });
    expect(sent[w.users.reviewer]).toMatchObject({ owned: { count: 0 }, unassigned: { count: 1, claims: [{ number: unowned.number }] } });
    expect((await history(unowned.id, 'review_reminder_sent'))[0]!.summary).toMatch(/review team/);
    await w.db.claim.updateMany({ where: { id: { in: [unowned.id, nestors.id] } }, data: { status: 'APPROVED' } });
    w.clock.current = new Date('2026-12-01T08:00:00Z');
    expect(await remindOverdueReviews(w.svc)).toBe(0);
    expect(await reminders('2026-12-01')).toEqual({});
  });

  it('two schedulers racing remind once: one card per person, one history row per claim', async () => {
    const c = await waiting('IN_REVIEW', '2026-11-20', { reviewerId: w.users.reviewer });
    const replicas = racingServices(w);
    const [a, b] = await Promise.all([remindOverdueReviews(replicas), remindOverdueReviews(replicas)]);
    expect(a + b).toBe(1);
    expect(await w.db.outboxMessage.count({ where: { kind: 'review_reminder' } })).toBe(1);
    expect(await history(c.id, 'review_reminder_sent')).toHaveLength(1);
  });
});

describe('escalation', () => {
  it('with a review organisation (REVIEW_TENANT_ID), after twice the target tells its Global admins once per wait, in history', async () => {
    // The review team in its own tenant with its own Global admin (the partner's admins are never told).
    const team = await w.db.organisation.create({ data: { tenantId: `review-team-${Date.now()}`, name: 'Co-op validation' } });
    await applyReviewTenant(w.db, team.tenantId);
    const mk = (aad: string, name: string, role: 'REVIEWER' | 'GLOBAL_ADMIN') =>
      w.db.user.create({
        data: { organisationId: team.id, tenantId: team.tenantId, aadObjectId: aad, displayName: name, roles: { create: [{ role }] } },
      });
    const lead = await mk(`lead-${team.id}`, 'Review lead', 'GLOBAL_ADMIN');
    await mk(`rev-${team.id}`, 'Team reviewer', 'REVIEWER');
    try {
      const c = await waiting('IN_REVIEW', '2026-11-20', { reviewerId: nestor }); // 6 days > 4
      const edge = await waiting('IN_REVIEW', '2026-11-24', { reviewerId: nestor }); // 4 days = 2 × 2: not yet
      const replicas = racingServices(w);
      const [a, b] = await Promise.all([escalateOverdueReviews(replicas), escalateOverdueReviews(replicas)]);
      expect(a + b).toBe(1);
      expect((await outbox(c.id, 'review_escalated')).map((m) => m.recipientId)).toEqual([lead.id]);
      expect(await history(c.id, 'review_escalated')).toHaveLength(1);
      expect(await outbox(edge.id, 'review_escalated')).toHaveLength(0);
      w.clock.current = new Date('2026-12-01T08:00:00Z');
      expect(await escalateOverdueReviews(w.svc)).toBe(1); // only `edge`, now 5 > 4: `c` was escalated for this wait
      expect(await outbox(c.id, 'review_escalated')).toHaveLength(1);
      // Rejected, then disputed on 1 December: a new wait (target 5) that escalates again after 10 business days.
      await w.db.claim.update({ where: { id: c.id }, data: { status: 'DISPUTED', disputedAt: day('2026-12-01') } });
      w.clock.current = new Date('2026-12-15T08:00:00Z'); // 10 days: not more than twice the target yet
      expect(await escalateOverdueReviews(w.svc)).toBe(0);
      w.clock.current = new Date('2026-12-16T08:00:00Z');
      expect(await escalateOverdueReviews(w.svc)).toBe(1);
      expect(await outbox(c.id, 'review_escalated')).toHaveLength(2);
    } finally {
      await w.db.roleAssignment.deleteMany({ where: { user: { organisationId: team.id } } });
      await applyReviewTenant(w.db, undefined);
    }
  });

  it("under internal review tells the organisation's Global admins, except one who worked on the claim; then its reviewers", async () => {
    const c = await waiting('SUBMITTED', '2026-11-20');
    expect(await escalateOverdueReviews(w.svc)).toBe(1);
    expect((await outbox(c.id, 'review_escalated')).map((m) => m.recipientId)).toEqual([w.users.globalAdmin]);
    // Adele (the only Global admin) owns this one: the reviewers are told instead, never her.
    const hers = await insertClaim(w, { status: 'SUBMITTED', ownerId: w.users.globalAdmin });
    await w.db.claim.update({ where: { id: hers.id }, data: { submittedAt: day('2026-11-20') } });
    expect(await escalateOverdueReviews(w.svc)).toBe(1);
    expect((await outbox(hers.id, 'review_escalated')).map((m) => m.recipientId).sort()).toEqual([nestor, w.users.reviewer].sort());
  });
});

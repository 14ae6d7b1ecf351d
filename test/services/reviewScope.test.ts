import { authoriseClaimExport } from '../../services/exports';
import { applyReviewTenant } from '../../services/organisation';
import { getReviewQueue } from '../../services/reviewQueue';
import { assignReview, remindOverdueReviews, searchReviewers } from '../../services/reviewWorkload';
import { insertClaim, makeWorld, type World } from '../helpers/world';

/**
 * The reviewer workload (queue, reassignment and its picker, reminders) and the retention export
 * under review scope (REVIEW_TENANT_ID, or each organisation reviewing its own claims) and
 * segregation of duties (nobody is handed a review of a claim they worked on).
 */
let w: World;
let nestor: string;
let northwind: { id: string; tenantId: string };
let nora: string;
beforeAll(async () => {
  w = await makeWorld();
  const reviewer = (organisationId: string, tenantId: string, aad: string, displayName: string) =>
    w.db.user.create({ data: { organisationId, tenantId, aadObjectId: aad, displayName, roles: { create: [{ role: 'REVIEWER' }] } } });
  nestor = (await reviewer(w.orgId, 'contoso-tenant-test', 'nestor-reviewer', 'Nestor Wilke')).id;
  northwind = await w.db.organisation.create({ data: { tenantId: 'tenant-northwind', name: 'Northwind' } });
  nora = (await reviewer(northwind.id, northwind.tenantId, 'nora-reviewer', 'Nora Northwind')).id;
});
afterAll(() => w.close());

const as = (userId: string) => ({ userId });
const patti = () => as(w.users.reviewer);
const MONDAY = new Date('2026-11-30T10:00:00.000Z');

beforeEach(async () => {
  w.clock.current = new Date(MONDAY);
  await applyReviewTenant(w.db, undefined);
  await w.db.claim.updateMany({ where: { status: { in: ['SUBMITTED', 'IN_REVIEW', 'DISPUTED'] } }, data: { status: 'CANCELLED' } });
});

/** A claim waiting since `since` (a date), of Contoso or (moved there, for the scope rules that read only its organisation) Northwind. */
async function waiting(since: string, opts: { organisationId?: string } = {}) {
  const c = await insertClaim(w, { status: 'SUBMITTED' });
  await w.db.claim.update({
    where: { id: c.id },
    data: { submittedAt: new Date(`${since}T09:00:00.000Z`), ...(opts.organisationId ? { organisationId: opts.organisationId } : {}) },
  });
  return c;
}

/** The review organisation of REVIEW_TENANT_ID, with one reviewer; applied until the test's end. */
async function reviewTenant() {
  const tenantId = `tenant-validation-${Date.now()}`;
  const team = await w.db.organisation.create({ data: { tenantId, name: 'Validation team' } });
  const rita = await w.db.user.create({
    data: {
      organisationId: team.id,
      tenantId,
      aadObjectId: `rita-${tenantId}`,
      displayName: 'Rita Reviewer',
      roles: { create: [{ role: 'REVIEWER' }] },
    },
  });
  await applyReviewTenant(w.db, tenantId);
  return { team, rita: rita.id };
}

describe('review queue filters', () => {
  it('under internal review, a reviewer sees and filters only their own organisation; naming another finds nothing', async () => {
    const c = await waiting('2026-11-25');
    const n = await waiting('2026-11-24', { organisationId: northwind.id });
    const queue = (userId: string, f: Record<string, unknown> = {}) => getReviewQueue(w.svc, as(userId), f);

    const mine = await queue(w.users.reviewer);
    expect(mine.items.map((i) => i.claimId)).toEqual([c.id]);
    expect(mine.total).toBe(1);
    expect(mine.options.organisations.map((o) => o.id)).toEqual([w.orgId]);
    expect(await queue(w.users.reviewer, { organisationId: northwind.id })).toMatchObject({ total: 0, items: [] });
    expect((await queue(w.users.reviewer, { organisationId: w.orgId, owner: 'unassigned' })).items.map((i) => i.claimId)).toEqual([c.id]);

    const theirs = await queue(nora);
    expect(theirs.items.map((i) => i.claimId)).toEqual([n.id]);
    expect(theirs.options.organisations.map((o) => o.name)).toEqual(['Northwind']);
    expect(await queue(nora, { organisationId: w.orgId })).toMatchObject({ total: 0, items: [] });
  });

  it("with a review organisation, its reviewers see and filter every organisation's claims; reviewers elsewhere have no queue", async () => {
    const c = await waiting('2026-11-25');
    const n = await waiting('2026-11-24', { organisationId: northwind.id });
    const { rita } = await reviewTenant();
    const all = await getReviewQueue(w.svc, as(rita), {});
    expect(all.items.map((i) => i.claimId)).toEqual([n.id, c.id]);
    expect(all.options.organisations.map((o) => o.id).sort()).toEqual([w.orgId, northwind.id].sort());
    expect((await getReviewQueue(w.svc, as(rita), { organisationId: northwind.id })).items.map((i) => i.claimId)).toEqual([n.id]);
    for (const other of [w.users.reviewer, nora])
      await expect(getReviewQueue(w.svc, as(other), {})).rejects.toMatchObject({ kind: 'forbidden', code: 'role_required' });
  });
});

describe('reassigning a review', () => {
  const history = (claimId: string) => w.db.historyEvent.count({ where: { claimId, type: 'review_assigned' } });
  const told = (claimId: string) => w.db.outboxMessage.count({ where: { claimId, kind: 'review_assigned' } });

  it('never goes to someone who worked on the claim (uploaded to it, was asked to), nor is done by them', async () => {
    const uploaded = await waiting('2026-11-27');
    await w.db.document.create({ data: { claimId: uploaded.id, kind: 'ADDITIONAL_INFO', details: 'Context', uploaderId: nestor } });
    const asked = await waiting('2026-11-27');
    await w.db.uploadRequest.create({
      data: {
        claimId: asked.id,
        requesterId: w.users.incentivesUser,
        assigneeId: nestor,
        kind: 'INVOICE',
        message: 'Please',
        dueAt: w.clock.now(),
        status: 'FULFILLED',
      },
    });
    for (const c of [uploaded, asked]) {
      await expect(assignReview(w.svc, patti(), { claimId: c.id, assigneeId: nestor })).rejects.toMatchObject({
        kind: 'invalid',
        details: { issues: [{ path: 'assigneeId', code: 'assignee_worked_on_claim' }] },
      });
      // Nestor is not offered, Patti (who may take it over) is.
      expect((await searchReviewers(w.svc, patti(), c.id, '')).map((r) => r.displayName)).toEqual(['Patti Fernandez']);
      // Nor may Nestor hand it on (he is offered no review action on it).
      await expect(assignReview(w.svc, as(nestor), { claimId: c.id, assigneeId: w.users.reviewer })).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'own_claim_review',
      });
      expect((await w.db.claim.findUniqueOrThrow({ where: { id: c.id } })).reviewerId).toBeNull();
      expect([await history(c.id), await told(c.id)]).toEqual([0, 0]);
    }
    // An independent reviewer still can.
    expect(await assignReview(w.svc, patti(), { claimId: uploaded.id, assigneeId: w.users.reviewer })).toMatchObject({ changed: true });
  });

  it("goes only to a reviewer of the claim's organisation: one of another organisation is neither offered nor accepted", async () => {
    const c = await waiting('2026-11-27');
    await expect(assignReview(w.svc, patti(), { claimId: c.id, assigneeId: nora })).rejects.toMatchObject({
      kind: 'invalid',
      details: { issues: [{ path: 'assigneeId', code: 'not_reviewer' }] },
    });
    expect(await searchReviewers(w.svc, patti(), c.id, 'nora')).toEqual([]);
    await expect(searchReviewers(w.svc, as(nora), c.id, '')).rejects.toMatchObject({ kind: 'forbidden', code: 'not_in_organisation' });
    await expect(assignReview(w.svc, as(nora), { claimId: c.id, assigneeId: nora })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'not_in_organisation',
    });
    expect([await history(c.id), await told(c.id)]).toEqual([0, 0]);

    // With a review organisation, only its reviewers: Contoso's own reviewers count for nothing.
    const { rita } = await reviewTenant();
    expect((await searchReviewers(w.svc, as(rita), c.id, '')).map((r) => r.id)).toEqual([rita]);
    await expect(assignReview(w.svc, as(rita), { claimId: c.id, assigneeId: nestor })).rejects.toMatchObject({
      details: { issues: [{ code: 'not_reviewer' }] },
    });
    expect(await assignReview(w.svc, as(rita), { claimId: c.id, assigneeId: rita })).toMatchObject({ changed: true, reviewerId: rita });
  });
});

describe('overdue reminders', () => {
  it('list a review nobody owns only to the reviewers who may take it', async () => {
    await w.db.outboxMessage.deleteMany({ where: { kind: 'review_reminder' } });
    const c = await waiting('2026-11-24'); // 4 business days > 2
    await w.db.document.create({ data: { claimId: c.id, kind: 'ADDITIONAL_INFO', details: 'Context', uploaderId: nestor } });
    const n = await waiting('2026-11-24', { organisationId: northwind.id });
    expect(await remindOverdueReviews(w.svc)).toBe(2);
    const cards = await w.db.outboxMessage.findMany({ where: { kind: 'review_reminder' } });
    const listed = Object.fromEntries(
      cards.map((m) => [
        m.recipientId,
        (m.payload as { unassigned: { claims: Array<{ claimId: string }> } }).unassigned.claims.map((x) => x.claimId),
      ]),
    );
    // Patti: Contoso's; Nora: Northwind's; Nestor worked on Contoso's and reviews no other: no card.
    expect(listed).toEqual({ [w.users.reviewer]: [c.id], [nora]: [n.id] });
  });
});

describe('retention export', () => {
  it('a reviewer exports only claims of organisations they may review', async () => {
    const c = await insertClaim(w, { status: 'APPROVED', approvedMinor: 100 });
    const n = await insertClaim(w, { status: 'APPROVED', approvedMinor: 100 });
    await w.db.claim.update({ where: { id: n.id }, data: { organisationId: northwind.id } });
    // Internal review: each organisation's reviewers, their own claims.
    await expect(authoriseClaimExport(w.svc, patti(), c.id)).resolves.toMatchObject({ claimId: c.id });
    await expect(authoriseClaimExport(w.svc, as(nora), n.id)).resolves.toMatchObject({ claimId: n.id });
    await expect(authoriseClaimExport(w.svc, as(nora), c.id)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(authoriseClaimExport(w.svc, patti(), n.id)).rejects.toMatchObject({ kind: 'forbidden' });

    // A review organisation: its reviewer exports every organisation's claims; Patti's REVIEWER role no longer counts.
    const { rita } = await reviewTenant();
    await expect(authoriseClaimExport(w.svc, as(rita), c.id)).resolves.toMatchObject({ claimId: c.id });
    await expect(authoriseClaimExport(w.svc, as(rita), n.id)).resolves.toMatchObject({ claimId: n.id });
    await expect(authoriseClaimExport(w.svc, patti(), c.id)).rejects.toMatchObject({ kind: 'forbidden', code: 'export_not_allowed' });
    // The owner still may.
    await expect(authoriseClaimExport(w.svc, as(w.users.incentivesUser), c.id)).resolves.toMatchObject({ claimId: c.id });
  });
});

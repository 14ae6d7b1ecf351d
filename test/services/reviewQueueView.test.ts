import { businessDaysBetween, reviewTargetDays } from '../../services/businessDays';
import type { ClaimStatus } from '../../prisma/generated/client';
import { isReviewer, principalOf, requireRole } from '../../services/authz';
import type { Actor, Services } from '../../services/context';
import { Prisma } from '../../services/db/client';
import { forbidden } from '../../services/errors';
import { parseInput } from '../../services/input';
import { applyReviewTenant } from '../../services/organisation';
import {
  getReviewQueue,
  QUEUE_AGES,
  QUEUE_OWNERS,
  QUEUE_STATUSES,
  reviewQueueInput,
  waitedAtLeastCutoff,
  type ReviewQueueItem,
  type ReviewQueuePage,
} from '../../services/reviewQueue';
import { allocationFor, insertClaim, makeWorld, type World } from '../helpers/world';

/**
 * The review queue in one statement (docs/performance.md, phase 3) gives exactly what the Prisma
 * version before it gave (kept below as the reference): every field, date, enum and null of every
 * item, the totals, page clamping and the filter's choices, for every filter over a queue of every
 * kind of waiting claim, under both review scopes.
 */
let w: World;
beforeAll(async () => {
  w = await makeWorld();
  w.clock.current = new Date('2026-11-30T10:00:00.000Z');
  const reviewer = (organisationId: string, tenantId: string, aad: string, displayName: string) =>
    w.db.user.create({ data: { organisationId, tenantId, aadObjectId: aad, displayName, roles: { create: [{ role: 'REVIEWER' }] } } });
  const nestor = (await reviewer(w.orgId, 'contoso-tenant-test', 'nestor-reviewer', 'Nestor Wilke')).id;
  const northwind = await w.db.organisation.create({ data: { tenantId: 'tenant-northwind', name: 'Northwind' } });
  await reviewer(northwind.id, northwind.tenantId, 'nora-reviewer', 'Nora Northwind');
  const allocations = [w.allocation, await allocationFor(w, 'HOSTING'), await allocationFor(w, 'SURFACE')];
  const statuses: ClaimStatus[] = ['SUBMITTED', 'IN_REVIEW', 'DISPUTED', 'EDITING', 'APPROVED'];
  for (let i = 0; i < 34; i++) {
    const status = statuses[i % statuses.length]!;
    const c = await insertClaim(w, { status, allocation: allocations[i % 3], amountMinor: 10_000 + i });
    // Waits from 0 to 16 days, several claims on the very same moment (the order falls back to the number).
    const since = new Date(Date.UTC(2026, 10, 30 - (i % 17), 9, 0, 0, i % 4 === 0 ? 0 : 123));
    await w.db.claim.update({
      where: { id: c.id },
      data: {
        submittedAt: i === 7 ? null : since,
        disputedAt: status === 'DISPUTED' && i % 2 === 0 ? new Date(since.getTime() + 86_400_000) : null,
        reviewerId: status === 'IN_REVIEW' ? (i % 3 === 0 ? nestor : w.users.reviewer) : i % 4 === 1 ? nestor : null,
        ...(i % 5 === 4 ? { organisationId: northwind.id } : {}),
      },
    });
  }
});
afterAll(() => w.close());

const filters = (programIds: string[], organisationIds: string[]): Array<Record<string, unknown>> => [
  {},
  { page: 2 },
  { page: 3, pageSize: 4 },
  { page: 99 },
  { pageSize: 50 },
  ...QUEUE_OWNERS.map((owner) => ({ owner })),
  ...QUEUE_AGES.map((age) => ({ age })),
  ...QUEUE_STATUSES.map((status) => ({ status })),
  ...programIds.map((programId) => ({ programId, owner: 'unassigned', age: 'overdue' })),
  ...organisationIds.map((organisationId) => ({ organisationId, status: 'all', page: 2, pageSize: 3 })),
  { programId: '00000000-0000-4000-8000-000000000000' },
];

it('returns what the previous queries returned, for every filter and both review scopes', async () => {
  const programIds = (await w.db.program.findMany({ select: { id: true } })).map((p) => p.id);
  const organisationIds = (await w.db.organisation.findMany({ select: { id: true } })).map((o) => o.id);
  const reviewers = (await w.db.user.findMany({ where: { roles: { some: { role: 'REVIEWER' } } }, select: { id: true } })).map((u) => u.id);
  let compared = 0;
  for (const reviewTenant of [undefined, 'tenant-northwind']) {
    await applyReviewTenant(w.db, reviewTenant);
    for (const userId of reviewers) {
      for (const f of filters(programIds, organisationIds)) {
        const before = await previousReviewQueue(w.svc, { userId }, f).catch((e: unknown) => e);
        const now = await getReviewQueue(w.svc, { userId }, f).catch((e: unknown) => e);
        expect([userId, f, now]).toStrictEqual([userId, f, before]);
        if (!(before instanceof Error)) compared += (before as ReviewQueuePage).items.length;
      }
    }
  }
  // The comparison saw real pages, not only empty ones or refusals.
  expect(compared).toBeGreaterThan(200);
});

// ---- The queue as it was read before (three to five statements through Prisma), the reference above. ----

const WAITING = Prisma.sql`COALESCE(CASE WHEN status = 'DISPUTED' THEN "disputedAt" END, "submittedAt", "createdAt")`;

/** SQL for "waited longer than `factor` × its target" (2 business days first review, 5 a dispute). */
function pastTarget(now: Date, factor: number): Prisma.Sql {
  const first = waitedAtLeastCutoff(now, reviewTargetDays('SUBMITTED') * factor + 1);
  const dispute = waitedAtLeastCutoff(now, reviewTargetDays('DISPUTED') * factor + 1);
  return Prisma.sql`((status <> 'DISPUTED' AND ${WAITING} < ${first}) OR (status = 'DISPUTED' AND ${WAITING} < ${dispute}))`;
}

/** Claims waiting for the validation team, oldest wait first, filtered and one page at a time. */
async function previousReviewQueue(svc: Services, actor: Actor, input: unknown = {}): Promise<ReviewQueuePage> {
  const f = parseInput(reviewQueueInput, input);
  const p = await principalOf(svc.db, actor);
  requireRole(p, ['REVIEWER']);
  if (!isReviewer(p)) throw forbidden('role_required', 'Reviews are done by the review organisation', { roles: ['REVIEWER'] });
  const now = svc.clock.now();
  // Internal review (no review organisation configured): a reviewer sees their own organisation's claims only,
  // whatever organisation the filter names; the filter offers only that one.
  const ownOnly = p.reviewScope === 'OWN';

  const where: Prisma.Sql[] = [Prisma.sql`status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED')`];
  if (ownOnly) where.push(Prisma.sql`"organisationId" = ${p.organisationId}`);
  if (f.status) where.push(Prisma.sql`status = CAST(${f.status} AS "ClaimStatus")`);
  if (f.organisationId) where.push(Prisma.sql`"organisationId" = ${f.organisationId}`);
  if (f.programId) where.push(Prisma.sql`"programId" = ${f.programId}`);
  if (f.owner === 'mine') where.push(Prisma.sql`"reviewerId" = ${p.userId}`);
  if (f.owner === 'unassigned') where.push(Prisma.sql`"reviewerId" IS NULL`);
  if (f.age === 'overdue') where.push(pastTarget(now, 1));
  else if (f.age === 'escalated') where.push(pastTarget(now, 2));
  else if (f.age !== 'any') where.push(Prisma.sql`${WAITING} < ${waitedAtLeastCutoff(now, Number(f.age))}`);
  const cond = Prisma.join(where, ' AND ');

  const [{ total }] = await svc.db.$queryRaw<[{ total: number }]>`SELECT COUNT(*)::int AS total FROM "Claim" WHERE ${cond}`;
  const pageCount = Math.max(1, Math.ceil(total / f.pageSize));
  const page = Math.min(f.page, pageCount);
  const ids = total
    ? await svc.db.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "Claim" WHERE ${cond}
        ORDER BY ${WAITING}, number
        LIMIT ${f.pageSize} OFFSET ${(page - 1) * f.pageSize}`
    : [];
  const [rows, organisations, programs] = await Promise.all([
    ids.length
      ? svc.db.claim.findMany({
          where: { id: { in: ids.map((r) => r.id) } },
          include: {
            organisation: { select: { name: true } },
            location: { select: { name: true } },
            program: { select: { name: true } },
            owner: { select: { displayName: true } },
            reviewer: { select: { id: true, displayName: true } },
          },
        })
      : Promise.resolve([]),
    // The filter's choices. Organisations: those with something waiting, one index probe each
    // (Claim_organisationId_status_idx) rather than a pass over every waiting claim. Programs: the catalogue (a handful).
    svc.db.$queryRaw<Array<{ id: string; name: string }>>`
      SELECT o.id, o.name FROM "Organisation" o
      WHERE EXISTS (SELECT 1 FROM "Claim" c WHERE c."organisationId" = o.id AND c.status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED'))
        ${ownOnly ? Prisma.sql`AND o.id = ${p.organisationId}` : Prisma.empty}
      ORDER BY o.name LIMIT 100`,
    svc.db.program.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' }, take: 100 }),
  ]);
  const order = new Map(ids.map((r, i) => [r.id, i]));
  const items = rows
    .filter((c) => QUEUE_STATUSES.includes(c.status))
    .map((c): ReviewQueueItem => {
      const waitingSince = (c.status === 'DISPUTED' ? c.disputedAt : c.submittedAt) ?? c.submittedAt ?? c.createdAt;
      const ageBusinessDays = businessDaysBetween(waitingSince, now);
      const targetBusinessDays = reviewTargetDays(c.status);
      return {
        claimId: c.id,
        version: c.version,
        number: c.number,
        name: c.name,
        organisationName: c.organisation.name,
        locationName: c.location.name,
        programName: c.program.name,
        ownerName: c.owner.displayName,
        reviewer: c.reviewer ? { id: c.reviewer.id, name: c.reviewer.displayName } : null,
        amountMinor: c.amountMinor,
        currency: c.currency,
        status: c.status,
        waitingSince,
        ageBusinessDays,
        targetBusinessDays,
        overdue: ageBusinessDays > targetBusinessDays,
        escalated: ageBusinessDays > 2 * targetBusinessDays,
      };
    })
    .sort((a, b) => order.get(a.claimId)! - order.get(b.claimId)!);
  const filter = { organisationId: f.organisationId, programId: f.programId, status: f.status, owner: f.owner, age: f.age };
  return { items, total, page, pageCount, pageSize: f.pageSize, filter, options: { organisations, programs } };
}

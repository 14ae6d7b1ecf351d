import { z } from 'zod';
import { Prisma } from '../prisma/generated/client';
import { ClaimStatus as ClaimStatusValues, type ClaimStatus } from '../prisma/generated/enums';
import { isReviewer, PARTNER_ROLES, type Principal, principalOf } from './authz';
import { forbidden } from './errors';
import type { Actor, Services } from './context';
import type { Db, Tx } from './db/client';
import { COUNTS_AS_CLAIMED } from './lifecycle';
import { fields, parseInput } from './input';
import { isoDate, utcTimestamp } from './periods';
import type { ClaimSummary, FundsOverview, FundsRow, FundsTotals } from './views';

/** Per allocation: claimed (domain.md §9) and approved, summed by the database. */
export type AllocationSums = { claimedMinor: number; approvedMinor: number };

/**
 * Claimed = SUBMITTED + IN_REVIEW + ACTION_REQUIRED + DISPUTED at the claimed amount, plus APPROVED
 * at the approved amount (partial approval frees the rest). Drafts, rejected, expired and cancelled
 * claims do not hold funds. One GROUP BY over (allocation, status); no claim rows are loaded.
 */
export async function allocationSums(db: Db | Tx, allocationIds: string[], excludeClaimId?: string): Promise<Map<string, AllocationSums>> {
  const out = new Map<string, AllocationSums>(allocationIds.map((id) => [id, { claimedMinor: 0, approvedMinor: 0 }]));
  if (allocationIds.length === 0) return out;
  const groups = await db.claim.groupBy({
    by: ['fundAllocationId', 'status'],
    where: {
      fundAllocationId: { in: allocationIds },
      status: { in: [...COUNTS_AS_CLAIMED] },
      ...(excludeClaimId ? { id: { not: excludeClaimId } } : {}),
    },
    _sum: { amountMinor: true, approvedMinor: true },
  });
  for (const g of groups) {
    const s = out.get(g.fundAllocationId)!;
    if (g.status === 'APPROVED') {
      const approved = g._sum.approvedMinor ?? 0;
      s.claimedMinor += approved;
      s.approvedMinor += approved;
    } else {
      s.claimedMinor += g._sum.amountMinor ?? 0;
    }
  }
  return out;
}

/** What can still be claimed on an allocation: earned − claimed, never below 0. `excludeClaimId`: the claim being submitted. */
export async function remainingMinor(db: Db | Tx, allocationId: string, excludeClaimId?: string): Promise<number> {
  const alloc = await db.fundAllocation.findUniqueOrThrow({ where: { id: allocationId }, select: { earnedMinor: true } });
  const sums = (await allocationSums(db, [allocationId], excludeClaimId)).get(allocationId)!;
  return Math.max(0, alloc.earnedMinor - sums.claimedMinor);
}

/**
 * The allocations a principal's partner grants cover (domain.md §7: roles per location and/or
 * program, or organisation-wide), as a Prisma filter. Null when they hold no partner role at all.
 */
export function allocationScope(p: Principal): Prisma.FundAllocationWhereInput | null {
  const grants = p.roles.filter((g) => PARTNER_ROLES.includes(g.role));
  if (grants.length === 0) return null;
  const inOrganisation = { location: { organisationId: p.organisationId } };
  // An organisation-wide grant covers everything (and Prisma does not read `OR: [{}]` as "all").
  if (grants.some((g) => !g.locationId && !g.programId)) return inOrganisation;
  return {
    ...inOrganisation,
    OR: grants.map((g) => ({ ...(g.locationId ? { locationId: g.locationId } : {}), ...(g.programId ? { programId: g.programId } : {}) })),
  };
}

/** Inclusive: claims may be made on the deadline day itself. */
export const windowOpen = (claimingDeadline: Date, now: Date) => isoDate(now) <= isoDate(claimingDeadline);

const STATUS_ORDER: ClaimStatus[] = [
  'ACTION_REQUIRED',
  'EDITING',
  'SUBMITTED',
  'IN_REVIEW',
  'DISPUTED',
  'REJECTED',
  'APPROVED',
  'EXPIRED',
  'CANCELLED',
];

/** Claims listed per status on the overview; the rest are counted. */
export const OVERVIEW_CLAIMS_PER_STATUS = 8;
const ADMIN_ROLES = ['INCENTIVES_ADMIN', 'GLOBAL_ADMIN'] as const;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const overviewFilterInput = z.object({
  locationId: z.preprocess(blank, fields.id.optional()),
  programId: z.preprocess(blank, fields.id.optional()),
  ownerId: z.preprocess(blank, fields.id.optional()),
});

/** The claims an incentives or global admin oversees: their organisation, within their admin grants. Null for everyone else. */
function adminClaimScope(p: Principal): Prisma.ClaimWhereInput | null {
  const grants = p.roles.filter((g) => (ADMIN_ROLES as readonly string[]).includes(g.role));
  if (grants.length === 0) return null;
  const inOrganisation = { organisationId: p.organisationId };
  if (grants.some((g) => !g.locationId && !g.programId)) return inOrganisation;
  return {
    ...inOrganisation,
    OR: grants.map((g) => ({ ...(g.locationId ? { locationId: g.locationId } : {}), ...(g.programId ? { programId: g.programId } : {}) })),
  };
}

/**
 * The co-op overview (domain.md §4): earned / claimed / approved per allocation in scope, with what
 * can still be claimed apart from what a closed window left unclaimed, totals per currency, and the
 * claims: the actor's own, or for admins the organisation's (optionally by location, program, owner).
 */
export async function getOverview(svc: Services, actor: Actor, filter: unknown = {}): Promise<FundsOverview> {
  const p = await principalOf(svc.db, actor);
  const now = svc.clock.now();
  const scope = allocationScope(p);
  // Someone with no role at all gets the welcome that names their admins, not an empty overview.
  if (!scope && !isReviewer(p))
    throw forbidden('role_required', 'The funds overview needs an incentives role', { roles: [...PARTNER_ROLES] });
  const oversees = adminClaimScope(p) !== null;
  const f = oversees ? parseInput(overviewFilterInput, filter ?? {}) : {};
  const { allocations, claims, owners } = await overviewData(svc.db, p, oversees, f);
  const rows: FundsRow[] = allocations.map((a) => {
    const s = a;
    const open = windowOpen(a.claimingDeadline, now);
    const unclaimed = Math.max(0, a.earnedMinor - s.claimedMinor);
    return {
      allocationId: a.id,
      locationName: a.locationName,
      partnerId: a.partnerId,
      programName: a.programName,
      period: a.period,
      currency: a.currency,
      earnedMinor: a.earnedMinor,
      claimedMinor: s.claimedMinor,
      approvedMinor: s.approvedMinor,
      remainingMinor: open ? unclaimed : 0,
      expiredMinor: open ? 0 : unclaimed,
      claimingDeadline: isoDate(a.claimingDeadline),
      windowOpen: open,
    };
  });
  const totals = new Map<string, FundsTotals>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? {
      currency: r.currency,
      earnedMinor: 0,
      claimedMinor: 0,
      approvedMinor: 0,
      remainingMinor: 0,
      expiredMinor: 0,
    };
    t.earnedMinor += r.earnedMinor;
    t.claimedMinor += r.claimedMinor;
    t.approvedMinor += r.approvedMinor;
    t.remainingMinor += r.remainingMinor;
    t.expiredMinor += r.expiredMinor;
    totals.set(r.currency, t);
  }

  const byStatus = new Map<ClaimStatus, { claims: ClaimSummary[]; total: number }>();
  for (const { status, total, ...c } of claims) {
    const g = byStatus.get(status) ?? { claims: [], total: 0 };
    // Each row carries its status's count (of one's own newest 200 claims, or of an admin's scope).
    g.total = total ?? g.total + 1;
    if (g.claims.length < OVERVIEW_CLAIMS_PER_STATUS) g.claims.push(c);
    byStatus.set(status, g);
  }
  const myClaims = STATUS_ORDER.filter((st) => byStatus.has(st)).map((status) => ({ status, ...byStatus.get(status)! }));
  if (!oversees) return { rows, totals: [...totals.values()], myClaims, claimsScope: 'mine' };
  const distinct = <T extends { id: string }>(xs: T[]) => [...new Map(xs.map((x) => [x.id, x])).values()];
  return {
    rows,
    totals: [...totals.values()],
    myClaims,
    claimsScope: 'organisation',
    filters: {
      locations: distinct(allocations.map((a) => ({ id: a.locationId, name: a.locationName }))).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
      programs: distinct(allocations.map((a) => ({ id: a.programId, name: a.programName }))).sort((a, b) => a.name.localeCompare(b.name)),
      owners,
      selected: f,
    },
  };
}

const grantsJson = (p: Principal, roles: readonly string[]) =>
  JSON.stringify(p.roles.filter((g) => roles.includes(g.role)).map((g) => ({ locationId: g.locationId, programId: g.programId })));

const overviewRow = z.object({
  allocations: z.array(
    z.object({
      id: z.string(),
      locationId: z.string(),
      programId: z.string(),
      period: z.string(),
      currency: z.string(),
      earnedMinor: z.number(),
      claimingDeadline: utcTimestamp,
      locationName: z.string(),
      partnerId: z.string(),
      programName: z.string(),
      claimedMinor: z.number(),
      approvedMinor: z.number(),
    }),
  ),
  claims: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      name: z.string(),
      amountMinor: z.number(),
      approvedMinor: z.number().nullable(),
      currency: z.string(),
      updatedAt: utcTimestamp,
      status: z.enum(Object.values(ClaimStatusValues) as [ClaimStatus, ...ClaimStatus[]]),
      ownerName: z.string(),
      /** How many claims have this status (of one's own newest 200, or in an admin's scope). */
      total: z.number().optional(),
    }),
  ),
  owners: z.array(z.object({ id: z.string(), name: z.string() })),
});

/**
 * The overview's data in one statement: the allocations the partner grants cover with their sums
 * (allocationScope and allocationSums in SQL), and the claims: one's own newest 200, or for an
 * admin the newest few of each status in their scope with each status's count, and the owners
 * they may filter by. Grants match as in allocationScope / adminClaimScope: a null location or
 * program in a grant covers every one.
 */
async function overviewData(db: Db, p: Principal, oversees: boolean, f: z.infer<typeof overviewFilterInput>) {
  const partnerGrants = grantsJson(p, PARTNER_ROLES);
  const adminGrants = grantsJson(p, ADMIN_ROLES);
  const counts = [...COUNTS_AS_CLAIMED] as string[];
  const claimed = Prisma.sql`CASE WHEN c.status = 'APPROVED' THEN COALESCE(c."approvedMinor", 0) ELSE c."amountMinor" END`;
  const claimJson = Prisma.sql`json_build_object('id', c.id, 'number', c.number, 'name', c.name, 'amountMinor', c."amountMinor",
      'approvedMinor', c."approvedMinor", 'currency', c.currency, 'updatedAt', c."updatedAt", 'status', c.status::text,
      'ownerName', (SELECT o."displayName" FROM "User" o WHERE o.id = c."ownerId")`;
  const claims = oversees
    ? Prisma.sql`(
        WITH scoped AS (
          SELECT c.* FROM "Claim" c
          WHERE c."organisationId" = ${p.organisationId}
            AND EXISTS (SELECT 1 FROM json_to_recordset(${adminGrants}::json) g("locationId" text, "programId" text)
                        WHERE (g."locationId" IS NULL OR g."locationId" = c."locationId")
                          AND (g."programId" IS NULL OR g."programId" = c."programId"))
            AND (${f.locationId ?? null}::text IS NULL OR c."locationId" = ${f.locationId ?? null})
            AND (${f.programId ?? null}::text IS NULL OR c."programId" = ${f.programId ?? null})
            AND (${f.ownerId ?? null}::text IS NULL OR c."ownerId" = ${f.ownerId ?? null})
        ), totals AS (SELECT status, count(*)::int AS total FROM scoped GROUP BY status)
        SELECT COALESCE(json_agg(x.j), '[]'::json) FROM totals t
        CROSS JOIN LATERAL (
          SELECT (${claimJson}, 'total', t.total)) AS j FROM scoped c WHERE c.status = t.status
          ORDER BY c."updatedAt" DESC, c.number DESC LIMIT ${OVERVIEW_CLAIMS_PER_STATUS}
        ) x)`
    : // One's own newest 200 claims, of which only the newest few of each status are shown (as JSON) and
      // the rest counted: the statement builds and sends those few, not all 200 with their owner's name.
      Prisma.sql`(
        WITH mine AS (
          SELECT c.* FROM "Claim" c
          WHERE c."ownerId" = ${p.userId} AND c."organisationId" = ${p.organisationId}
          ORDER BY c."updatedAt" DESC LIMIT 200
        ), totals AS (SELECT status, count(*)::int AS total FROM mine GROUP BY status)
        SELECT COALESCE(json_agg(x.j ORDER BY x."updatedAt" DESC), '[]'::json) FROM totals t
        CROSS JOIN LATERAL (
          SELECT (${claimJson}, 'total', t.total)) AS j, c."updatedAt" FROM mine c WHERE c.status = t.status
          ORDER BY c."updatedAt" DESC LIMIT ${OVERVIEW_CLAIMS_PER_STATUS}
        ) x)`;
  const owners = oversees
    ? Prisma.sql`(
        SELECT COALESCE(json_agg(json_build_object('id', u.id, 'name', u."displayName") ORDER BY u."displayName"), '[]'::json) FROM (
          SELECT u.id, u."displayName" FROM "User" u
          WHERE u."organisationId" = ${p.organisationId}
            AND EXISTS (SELECT 1 FROM "RoleAssignment" r WHERE r."userId" = u.id AND r.role::text = ANY(${[...PARTNER_ROLES]}::text[]))
          ORDER BY u."displayName" LIMIT 100
        ) u)`
    : Prisma.sql`'[]'::json`;
  const rows = await db.$queryRaw<unknown[]>`
    SELECT
      (SELECT COALESCE(json_agg(x ORDER BY x."usageStart" DESC, x."locationName", x."programName"), '[]'::json) FROM (
         SELECT a.id, a."locationId", a."programId", a.period, a.currency, a."earnedMinor", a."claimingDeadline", a."usageStart",
                l.name AS "locationName", l."partnerId", pr.name AS "programName",
                s."claimedMinor", s."approvedMinor"
         FROM "FundAllocation" a
         JOIN "Location" l ON l.id = a."locationId"
         JOIN "Program" pr ON pr.id = a."programId"
         CROSS JOIN LATERAL (
           SELECT COALESCE(SUM(${claimed}), 0)::float8 AS "claimedMinor",
                  COALESCE(SUM(CASE WHEN c.status = 'APPROVED' THEN COALESCE(c."approvedMinor", 0) ELSE 0 END), 0)::float8 AS "approvedMinor"
           FROM "Claim" c WHERE c."fundAllocationId" = a.id AND c.status::text = ANY(${counts}::text[])
         ) s
         WHERE l."organisationId" = ${p.organisationId}
           AND EXISTS (SELECT 1 FROM json_to_recordset(${partnerGrants}::json) g("locationId" text, "programId" text)
                       WHERE (g."locationId" IS NULL OR g."locationId" = a."locationId")
                         AND (g."programId" IS NULL OR g."programId" = a."programId"))
       ) x) AS allocations,
      ${claims} AS claims,
      ${owners} AS owners`;
  return overviewRow.parse(rows[0]);
}

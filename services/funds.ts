import { z } from 'zod';
import type { ClaimStatus, Prisma } from '../prisma/generated/client';
import { isReviewer, PARTNER_ROLES, type Principal, principalOf } from './authz';
import { forbidden } from './errors';
import type { Actor, Services } from './context';
import type { Db, Tx } from './db/client';
import { COUNTS_AS_CLAIMED } from './lifecycle';
import { fields, parseInput } from './input';
import { isoDate } from './periods';
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
  const allocations = scope
    ? await svc.db.fundAllocation.findMany({
        where: scope,
        include: { location: { select: { name: true, partnerId: true } }, program: { select: { name: true } } },
        orderBy: [{ usageStart: 'desc' }, { location: { name: 'asc' } }, { program: { name: 'asc' } }],
      })
    : [];
  const sums = await allocationSums(
    svc.db,
    allocations.map((a) => a.id),
  );
  const rows: FundsRow[] = allocations.map((a) => {
    const s = sums.get(a.id)!;
    const open = windowOpen(a.claimingDeadline, now);
    const unclaimed = Math.max(0, a.earnedMinor - s.claimedMinor);
    return {
      allocationId: a.id,
      locationName: a.location.name,
      partnerId: a.location.partnerId,
      programName: a.program.name,
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

  const oversees = adminClaimScope(p);
  const claims = oversees
    ? await organisationClaims(svc, p, oversees, allocations, parseInput(overviewFilterInput, filter ?? {}))
    : { myClaims: await ownClaims(svc, p), claimsScope: 'mine' as const };
  return { rows, totals: [...totals.values()], ...claims };
}

const claimSelect = {
  id: true,
  number: true,
  name: true,
  amountMinor: true,
  approvedMinor: true,
  currency: true,
  updatedAt: true,
  status: true,
  owner: { select: { displayName: true } },
} satisfies Prisma.ClaimSelect;
type ClaimRow = Prisma.ClaimGetPayload<{ select: typeof claimSelect }>;
const summary = ({ status: _status, owner, ...c }: ClaimRow): ClaimSummary => ({ ...c, ownerName: owner.displayName });

async function ownClaims(svc: Services, p: Principal): Promise<FundsOverview['myClaims']> {
  const mine = await svc.db.claim.findMany({
    where: { ownerId: p.userId, organisationId: p.organisationId },
    select: claimSelect,
    orderBy: { updatedAt: 'desc' },
    take: 200,
  });
  const byStatus = new Map<ClaimStatus, ClaimSummary[]>();
  for (const c of mine) byStatus.set(c.status, [...(byStatus.get(c.status) ?? []), summary(c)]);
  return STATUS_ORDER.filter((s) => byStatus.has(s)).map((status) => {
    const all = byStatus.get(status)!;
    return { status, claims: all.slice(0, OVERVIEW_CLAIMS_PER_STATUS), total: all.length };
  });
}

/** An admin's view: the organisation's claims in scope by status (counts in SQL, the newest few of each). */
async function organisationClaims(
  svc: Services,
  p: Principal,
  oversees: Prisma.ClaimWhereInput,
  allocations: Array<{ locationId: string; programId: string; location: { name: string }; program: { name: string } }>,
  f: z.infer<typeof overviewFilterInput>,
): Promise<Pick<FundsOverview, 'myClaims' | 'claimsScope' | 'filters'>> {
  const where: Prisma.ClaimWhereInput = {
    AND: [
      oversees,
      {
        ...(f.locationId ? { locationId: f.locationId } : {}),
        ...(f.programId ? { programId: f.programId } : {}),
        ...(f.ownerId ? { ownerId: f.ownerId } : {}),
      },
    ],
  };
  const [counts, owners] = await Promise.all([
    svc.db.claim.groupBy({ by: ['status'], where, _count: { _all: true } }),
    svc.db.user.findMany({
      where: { organisationId: p.organisationId, roles: { some: { role: { in: [...PARTNER_ROLES] } } } },
      select: { id: true, displayName: true },
      orderBy: { displayName: 'asc' },
      take: 100,
    }),
  ]);
  const total = new Map(counts.map((c) => [c.status, c._count._all]));
  const statuses = STATUS_ORDER.filter((s) => (total.get(s) ?? 0) > 0);
  const groups = await Promise.all(
    statuses.map((status) =>
      svc.db.claim.findMany({
        where: { AND: [where, { status }] },
        select: claimSelect,
        orderBy: [{ updatedAt: 'desc' }, { number: 'desc' }],
        take: OVERVIEW_CLAIMS_PER_STATUS,
      }),
    ),
  );
  const distinct = <T extends { id: string }>(xs: T[]) => [...new Map(xs.map((x) => [x.id, x])).values()];
  return {
    claimsScope: 'organisation',
    myClaims: statuses.map((status, i) => ({ status, claims: groups[i]!.map(summary), total: total.get(status)! })),
    filters: {
      locations: distinct(allocations.map((a) => ({ id: a.locationId, name: a.location.name }))).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
      programs: distinct(allocations.map((a) => ({ id: a.programId, name: a.program.name }))).sort((a, b) => a.name.localeCompare(b.name)),
      owners: owners.map((o) => ({ id: o.id, name: o.displayName })),
      selected: f,
    },
  };
}

import type { ClaimStatus, Prisma } from '../prisma/generated/client';
import { isReviewer, loadPrincipal, PARTNER_ROLES, type Principal } from './authz';
import { forbidden } from './errors';
import type { Actor, Services } from './context';
import type { Db, Tx } from './db/client';
import { COUNTS_AS_CLAIMED } from './lifecycle';
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

/** The co-op overview (domain.md §4): earned / claimed / approved / remaining per allocation in scope, totals per currency, and the actor's claims. */
export async function getOverview(svc: Services, actor: Actor): Promise<FundsOverview> {
  const p = await loadPrincipal(svc.db, actor.userId);
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
      remainingMinor: Math.max(0, a.earnedMinor - s.claimedMinor),
      claimingDeadline: isoDate(a.claimingDeadline),
      windowOpen: windowOpen(a.claimingDeadline, now),
    };
  });
  const totals = new Map<string, FundsTotals>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { currency: r.currency, earnedMinor: 0, claimedMinor: 0, approvedMinor: 0, remainingMinor: 0 };
    t.earnedMinor += r.earnedMinor;
    t.claimedMinor += r.claimedMinor;
    t.approvedMinor += r.approvedMinor;
    t.remainingMinor += r.remainingMinor;
    totals.set(r.currency, t);
  }

  const mine = await svc.db.claim.findMany({
    where: { ownerId: p.userId, organisationId: p.organisationId },
    select: { id: true, number: true, name: true, amountMinor: true, approvedMinor: true, currency: true, updatedAt: true, status: true },
    orderBy: { updatedAt: 'desc' },
    take: 200,
  });
  const byStatus = new Map<ClaimStatus, ClaimSummary[]>();
  for (const { status, ...c } of mine) byStatus.set(status, [...(byStatus.get(status) ?? []), c]);
  const myClaims = STATUS_ORDER.filter((s) => byStatus.has(s)).map((status) => ({ status, claims: byStatus.get(status)! }));

  return { rows, totals: [...totals.values()], myClaims };
}

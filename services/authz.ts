import type { Claim, ReviewScope, Role } from '../prisma/generated/client';
import type { Tx, Db } from './db/client';
import { forbidden, notFound } from './errors';

export const PARTNER_ROLES: readonly Role[] = ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER'];

export type RoleGrant = { role: Role; locationId: string | null; programId: string | null };
export type Principal = {
  userId: string;
  organisationId: string;
  tenantId: string;
  displayName: string;
  locale: string;
  roles: RoleGrant[];
  /** Whose claims this person's REVIEWER role covers (their organisation's review scope, from REVIEW_TENANT_ID). */
  reviewScope: ReviewScope;
};

/** Loads the acting user and their roles from the database (never from card data). */
export async function loadPrincipal(db: Db | Tx, userId: string): Promise<Principal> {
  const u = await db.user.findUnique({
    where: { id: userId },
    include: { roles: true, organisation: { select: { reviewScope: true } } },
  });
  if (!u) throw notFound('user', userId);
  return {
    userId: u.id,
    organisationId: u.organisationId,
    tenantId: u.tenantId,
    displayName: u.displayName,
    locale: u.locale,
    roles: u.roles.map((r) => ({ role: r.role, locationId: r.locationId, programId: r.programId })),
    reviewScope: u.organisation.reviewScope,
  };
}

const grantCovers = (g: RoleGrant, scope: { locationId?: string; programId?: string }) =>
  (g.locationId === null || scope.locationId === undefined || g.locationId === scope.locationId) &&
  (g.programId === null || scope.programId === undefined || g.programId === scope.programId);

/** True when the principal holds one of `roles` for the scope (role grants may be limited to a location and/or program). */
export function hasRole(p: Principal, roles: readonly Role[], scope: { locationId?: string; programId?: string } = {}): boolean {
  return p.roles.some((g) => roles.includes(g.role) && grantCovers(g, scope));
}

export function requireRole(p: Principal, roles: readonly Role[], scope: { locationId?: string; programId?: string } = {}): void {
  if (!hasRole(p, roles, scope)) {
    throw forbidden('role_required', `This needs one of: ${roles.join(', ')}`, { roles: [...roles] });
  }
}

export const isPartner = (p: Principal, scope?: { locationId?: string; programId?: string }) => hasRole(p, PARTNER_ROLES, scope);
/** A REVIEWER role counts only where the organisation reviews: every organisation (the review tenant) or its own (no review tenant configured). */
export const isReviewer = (p: Principal) => p.reviewScope !== 'NONE' && hasRole(p, ['REVIEWER']);

/** True when this reviewer may review claims of `organisationId`. */
export const reviewsOrganisation = (p: Principal, organisationId: string) =>
  isReviewer(p) && (p.reviewScope === 'ALL' || p.organisationId === organisationId);

/** Partner staff and colleagues act only inside their own organisation; the review organisation's reviewers see every organisation. */
export function requireSameOrganisation(p: Principal, organisationId: string): void {
  if (p.organisationId !== organisationId && !reviewsOrganisation(p, organisationId)) {
    throw forbidden('not_in_organisation', 'This claim belongs to another organisation');
  }
}

/**
 * Segregation of duties: a person who owns a claim, worked on it (created, edited, added or removed
 * a document, submitted, disputed, asked a colleague) or was asked to upload for it never reviews,
 * approves or decides a dispute on it, whatever roles they hold. Comments do not count: reviewers comment.
 */
export async function workedOnClaim(db: Db | Tx, userId: string, claim: Pick<Claim, 'id' | 'ownerId'>): Promise<boolean> {
  if (claim.ownerId === userId) return true;
  const [row] = await db.$queryRaw<Array<{ worked: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "Document" WHERE "claimId" = ${claim.id} AND "uploaderId" = ${userId})
        OR EXISTS (SELECT 1 FROM "UploadRequest" WHERE "claimId" = ${claim.id} AND "assigneeId" = ${userId})
        OR EXISTS (SELECT 1 FROM "HistoryEvent" WHERE "claimId" = ${claim.id} AND "actorId" = ${userId}
                   AND "actorKind" = 'USER' AND type <> 'comment_added') AS worked`;
  return row?.worked ?? false;
}

/** A reviewer of the claim's organisation who did not work on the claim (see workedOnClaim). */
export async function requireIndependentReviewer(db: Db | Tx, p: Principal, claim: Pick<Claim, 'id' | 'ownerId' | 'organisationId'>) {
  requireRole(p, ['REVIEWER']);
  if (!reviewsOrganisation(p, claim.organisationId)) {
    throw forbidden(isReviewer(p) ? 'not_in_organisation' : 'role_required', 'This claim is not yours to review', { roles: ['REVIEWER'] });
  }
  if (await workedOnClaim(db, p.userId, claim)) {
    throw forbidden('own_claim_review', 'You worked on this claim, so another reviewer decides it');
  }
}

/**
 * Who is told a claim waits for review: reviewers whose organisation reviews the claim's (the review
 * organisation, or the claim's own under internal review), never its owner.
 */
export async function reviewerIdsFor(db: Db | Tx, claim: Pick<Claim, 'organisationId' | 'ownerId'>): Promise<string[]> {
  const rows = await db.user.findMany({
    where: {
      id: { not: claim.ownerId },
      roles: { some: { role: 'REVIEWER' } },
      organisation: { OR: [{ reviewScope: 'ALL' }, { reviewScope: 'OWN', id: claim.organisationId }] },
    },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

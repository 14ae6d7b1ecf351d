import type { Claim, ReviewScope, Role } from '../prisma/generated/client';
import type { Actor } from './context';
import type { Prisma, Tx, Db } from './db/client';
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

/** The actor's principal: the one this turn already loaded, else from the database. */
export async function principalOf(db: Db | Tx, actor: Actor): Promise<Principal> {
  return actor.principal && actor.principal.userId === actor.userId ? actor.principal : loadPrincipal(db, actor.userId);
}

export const grantCovers = (g: RoleGrant, scope: { locationId?: string; programId?: string }) =>
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
  return (await claimWorkers(db, [claim])).get(claim.id)?.has(userId) ?? false;
}

/** Everyone who worked on each of `claims` (see workedOnClaim), by claim id: for many people at once (a reviewer picker, a reminder run). */
export async function claimWorkers(db: Db | Tx, claims: Array<Pick<Claim, 'id' | 'ownerId'>>): Promise<Map<string, Set<string>>> {
  const out = new Map(claims.map((c) => [c.id, new Set([c.ownerId])]));
  if (claims.length === 0) return out;
  const ids = claims.map((c) => c.id);
  const rows = await db.$queryRaw<Array<{ claimId: string; userId: string }>>`
    SELECT "claimId", "uploaderId" AS "userId" FROM "Document" WHERE "claimId" = ANY(${ids}::text[])
    UNION SELECT "claimId", "assigneeId" FROM "UploadRequest" WHERE "claimId" = ANY(${ids}::text[])
    UNION SELECT "claimId", "actorId" FROM "HistoryEvent" WHERE "claimId" = ANY(${ids}::text[]) AND "actorId" IS NOT NULL
      AND "actorKind" = 'USER' AND type <> 'comment_added'`;
  for (const r of rows) out.get(r.claimId)?.add(r.userId);
  return out;
}

/** Why `p` may not review the claim (null: a reviewer of the claim's organisation who did not work on it, see workedOnClaim). */
export async function independentReviewerRefusal(
  db: Db | Tx,
  p: Principal,
  claim: Pick<Claim, 'id' | 'ownerId' | 'organisationId'>,
): Promise<'role_required' | 'not_in_organisation' | 'own_claim_review' | null> {
  if (!hasRole(p, ['REVIEWER'])) return 'role_required';
  if (!reviewsOrganisation(p, claim.organisationId)) return isReviewer(p) ? 'not_in_organisation' : 'role_required';
  if (await workedOnClaim(db, p.userId, claim)) return 'own_claim_review';
  return null;
}

/** A reviewer of the claim's organisation who did not work on the claim (see workedOnClaim). */
export async function requireIndependentReviewer(db: Db | Tx, p: Principal, claim: Pick<Claim, 'id' | 'ownerId' | 'organisationId'>) {
  const refusal = await independentReviewerRefusal(db, p, claim);
  if (refusal === 'own_claim_review') throw forbidden('own_claim_review', 'You worked on this claim, so another reviewer decides it');
  if (refusal === 'role_required') throw forbidden('role_required', 'This needs one of: REVIEWER', { roles: ['REVIEWER'] });
  if (refusal) throw forbidden(refusal, 'This claim is not yours to review', { roles: ['REVIEWER'] });
}

/** The organisations that review claims of `organisationId`: the review organisation, or its own under internal review. */
export const organisationsReviewing = (organisationId: string) =>
  ({ OR: [{ reviewScope: 'ALL' }, { reviewScope: 'OWN', id: organisationId }] }) satisfies Prisma.OrganisationWhereInput;

/** Users whose REVIEWER role covers claims of `organisationId` (see organisationsReviewing). */
export const reviewersOfOrganisation = (organisationId: string) =>
  ({ roles: { some: { role: 'REVIEWER' } }, organisation: organisationsReviewing(organisationId) }) satisfies Prisma.UserWhereInput;

/**
 * Who is told a claim waits for review: reviewers whose organisation reviews the claim's (the review
 * organisation, or the claim's own under internal review), never its owner.
 */
export async function reviewerIdsFor(db: Db | Tx, claim: Pick<Claim, 'organisationId' | 'ownerId'>): Promise<string[]> {
  const rows = await db.user.findMany({
    where: { id: { not: claim.ownerId }, ...reviewersOfOrganisation(claim.organisationId) },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => r.id);
}

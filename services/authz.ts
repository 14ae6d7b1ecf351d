import type { Role } from '../prisma/generated/client';
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
};

/** Loads the acting user and their roles from the database (never from card data). */
export async function loadPrincipal(db: Db | Tx, userId: string): Promise<Principal> {
  const u = await db.user.findUnique({ where: { id: userId }, include: { roles: true } });
  if (!u) throw notFound('user', userId);
  return {
    userId: u.id,
    organisationId: u.organisationId,
    tenantId: u.tenantId,
    displayName: u.displayName,
    locale: u.locale,
    roles: u.roles.map((r) => ({ role: r.role, locationId: r.locationId, programId: r.programId })),
  };
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
export const isReviewer = (p: Principal) => hasRole(p, ['REVIEWER']);

/** Partner staff and colleagues act only inside their own organisation; reviewers (Microsoft side) see every organisation. */
export function requireSameOrganisation(p: Principal, organisationId: string): void {
  if (p.organisationId !== organisationId && !isReviewer(p)) {
    throw forbidden('not_in_organisation', 'This claim belongs to another organisation');
  }
}

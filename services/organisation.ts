import { z } from 'zod';
import type { ActorKind, Prisma, ReviewScope, Role } from '../prisma/generated/client';
import { hasRole, loadPrincipal, PARTNER_ROLES, type Principal } from './authz';
import type { Actor, Services } from './context';
import type { Db, Tx } from './db/client';
import { conflict, forbidden, invalid, notFound } from './errors';
import { fields, parseInput } from './input';
import { enqueueNotification } from './notifications';

/**
 * Administration of one organisation, Partner Center style: its name, its locations (PartnerIDs)
 * and who holds which role. Guard rails live here, not on the cards:
 * - a Global admin manages everything, admins included; an Incentives admin manages Incentives
 *   users, locations (and funds, services/fundsImport.ts) within the scope of their own grant;
 * - REVIEWER exists only in the organisation that reviews (the review tenant, or every organisation
 *   for itself when none is configured) and only its Global admins grant it;
 * - nobody grants themselves anything; the last Global admin cannot be removed;
 * - every change writes an OrganisationEvent (who, what, when), kept for good.
 * All commands of one organisation run one at a time (a transaction-scoped advisory lock), so two
 * admins removing each other cannot both succeed and leave nobody in charge.
 */

export const ADMIN_ROLES: readonly Role[] = ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN'];
const REVIEW_ORG_ROLES: readonly Role[] = ['GLOBAL_ADMIN', 'REVIEWER'];

export type OrganisationEventType =
  | 'organisation_renamed'
  | 'location_added'
  | 'location_updated'
  | 'location_deactivated'
  | 'location_reactivated'
  | 'role_granted'
  | 'role_revoked'
  | 'admin_recognised'
  | 'funds_imported'
  | 'allocation_updated';

export async function recordOrganisationEvent(
  tx: Tx,
  e: {
    organisationId: string;
    actorId: string | null;
    actorKind?: ActorKind;
    type: OrganisationEventType;
    summary: string;
    data?: Prisma.InputJsonValue;
    at: Date;
  },
): Promise<void> {
  await tx.organisationEvent.create({
    data: {
      organisationId: e.organisationId,
      actorId: e.actorId,
      actorKind: e.actorKind ?? (e.actorId ? 'USER' : 'SYSTEM'),
      type: e.type,
      summary: e.summary,
      data: e.data ?? {},
      createdAt: e.at,
    },
  });
}

/** Serialises the administration of one organisation for the rest of the transaction. */
export async function lockOrganisation(tx: Tx, organisationId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`organisation:${organisationId}`}, 0))`;
}

/** The review scope an organisation of `tenantId` gets under REVIEW_TENANT_ID (unset: internal review). */
export function reviewScopeFor(tenantId: string, reviewTenantId: string | undefined): ReviewScope {
  if (!reviewTenantId) return 'OWN';
  return tenantId.toLowerCase() === reviewTenantId.toLowerCase() ? 'ALL' : 'NONE';
}

/**
 * At start: every organisation's review scope follows REVIEW_TENANT_ID as configured now. Changing the
 * setting takes effect on restart; REVIEWER roles outside the review tenant then count for nothing.
 */
export async function applyReviewTenant(db: Db, reviewTenantId: string | undefined): Promise<void> {
  if (!reviewTenantId) {
    await db.organisation.updateMany({ where: { reviewScope: { not: 'OWN' } }, data: { reviewScope: 'OWN' } });
    return;
  }
  await db.$executeRaw`
    UPDATE "Organisation" SET "reviewScope" = (CASE WHEN lower("tenantId") = lower(${reviewTenantId}) THEN 'ALL' ELSE 'NONE' END)::"ReviewScope"
    WHERE "reviewScope" <> (CASE WHEN lower("tenantId") = lower(${reviewTenantId}) THEN 'ALL' ELSE 'NONE' END)::"ReviewScope"`;
}

// ---------------------------------------------------------------------------------------------
// Who may do what
// ---------------------------------------------------------------------------------------------

type Scope = { locationId?: string | null; programId?: string | null };

const isGlobalAdmin = (p: Principal) => hasRole(p, ['GLOBAL_ADMIN']);
/** A reviewing organisation (the review tenant) has no partner roles: only Global admins and reviewers. */
const isReviewOrganisation = (p: Principal) => p.reviewScope === 'ALL';

/** Who may open the organisation card: its Global admins and Incentives admins. */
function requireAdmin(p: Principal): void {
  if (!hasRole(p, ADMIN_ROLES)) throw forbidden('role_required', 'Only admins manage the organisation', { roles: [...ADMIN_ROLES] });
}

/** Locations and funds: Global admins, and Incentives admins whose grant covers the location (a new location: an organisation-wide grant). */
export function canManageLocation(p: Principal, locationId?: string): boolean {
  if (isReviewOrganisation(p)) return false;
  return isGlobalAdmin(p) || hasRole(p, ['INCENTIVES_ADMIN'], locationId ? { locationId } : {});
}

function requireLocationManager(p: Principal, locationId?: string): void {
  if (isReviewOrganisation(p)) throw forbidden('not_a_partner_organisation', 'The review organisation has no locations');
  if (!canManageLocation(p, locationId)) {
    throw forbidden('role_required', 'Only Global admins and Incentives admins manage locations', { roles: [...ADMIN_ROLES] });
  }
}

/** Why `p` may not grant or revoke `role` for `scope` (null: allowed). Self-grants are checked by the command. */
export function roleChangeRefusal(p: Principal, role: Role, scope: Scope): { code: string; message: string } | null {
  if (role === 'REVIEWER') {
    if (p.reviewScope === 'NONE')
      return { code: 'reviewer_review_organisation_only', message: 'Only the review organisation can have reviewers' };
    return isGlobalAdmin(p) ? null : { code: 'global_admin_only', message: 'Only Global admins grant the reviewer role' };
  }
  if (isReviewOrganisation(p) && role !== 'GLOBAL_ADMIN')
    return { code: 'not_a_partner_organisation', message: 'The review organisation has no partner roles' };
  if (role === 'GLOBAL_ADMIN' || role === 'INCENTIVES_ADMIN')
    return isGlobalAdmin(p) ? null : { code: 'global_admin_only', message: 'Only Global admins manage admin roles' };
  // INCENTIVES_USER: a Global admin, or an Incentives admin whose own grant covers the whole of the new one.
  if (isGlobalAdmin(p)) return null;
  const covered = p.roles.some(
    (g) =>
      g.role === 'INCENTIVES_ADMIN' &&
      (g.locationId === null || g.locationId === (scope.locationId ?? null)) &&
      (g.programId === null || g.programId === (scope.programId ?? null)),
  );
  return covered ? null : { code: 'role_required', message: 'Only admins manage roles in this scope' };
}

/** The roles `p` may hand out at all (the form's choices); the scope is checked again on submit. */
export function grantableRoles(p: Principal): Role[] {
  const all: Role[] = isReviewOrganisation(p) ? [...REVIEW_ORG_ROLES] : [...PARTNER_ROLES, 'REVIEWER'];
  return all.filter((r) => roleChangeRefusal(p, r, r === 'INCENTIVES_USER' ? incentivesAdminScope(p) : {}) === null);
}

const incentivesAdminScope = (p: Principal): Scope => {
  const g = p.roles.find((r) => r.role === 'INCENTIVES_ADMIN');
  return g ? { locationId: g.locationId, programId: g.programId } : {};
};

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export type RoleGrantView = {
  id: string;
  role: Role;
  locationId: string | null;
  locationName: string | null;
  programId: string | null;
  programName: string | null;
  /** The viewer may revoke this grant (guard rails allowing). */
  revocable: boolean;
};
export type MemberView = { userId: string; displayName: string; email: string | null; isMe: boolean; roles: RoleGrantView[] };
export type LocationView = { id: string; partnerId: string; name: string; country: string; active: boolean; manageable: boolean };
export type OrganisationEventView = { id: string; at: Date; actorName: string | null; type: string; data: Record<string, unknown> };
export type OrganisationView = {
  id: string;
  /** null until an admin names it: the card then says so instead of showing a tenant id prefix. */
  name: string | null;
  isReviewOrganisation: boolean;
  viewer: {
    isGlobalAdmin: boolean;
    canManageLocations: boolean;
    canManageFunds: boolean;
    grantableRoles: Role[];
  };
  locations: LocationView[];
  members: MemberView[];
  /** People who talked to the bot but hold no role yet (newest first). */
  withoutRole: Array<{ userId: string; displayName: string; email: string | null }>;
  programs: Array<{ id: string; code: string; name: string }>;
  recentChanges: OrganisationEventView[];
};

const MEMBERS_SHOWN = 40;
const WITHOUT_ROLE_SHOWN = 10;
const CHANGES_SHOWN = 8;

/** The organisation card for an admin: locations, members and their roles, and the latest changes. */
export async function getOrganisation(svc: Services, actor: Actor): Promise<OrganisationView> {
  const p = await loadPrincipal(svc.db, actor.userId);
  requireAdmin(p);
  const [org, locations, members, withoutRole, programs, events] = await Promise.all([
    svc.db.organisation.findUniqueOrThrow({ where: { id: p.organisationId } }),
    svc.db.location.findMany({ where: { organisationId: p.organisationId }, orderBy: [{ active: 'desc' }, { name: 'asc' }] }),
    svc.db.user.findMany({
      where: { organisationId: p.organisationId, roles: { some: {} } },
      include: { roles: { include: { location: { select: { name: true } }, program: { select: { name: true } } } } },
      orderBy: { displayName: 'asc' },
      take: MEMBERS_SHOWN,
    }),
    svc.db.user.findMany({
      where: { organisationId: p.organisationId, roles: { none: {} } },
      select: { id: true, displayName: true, email: true },
      orderBy: { createdAt: 'desc' },
      take: WITHOUT_ROLE_SHOWN,
    }),
    svc.db.program.findMany({ select: { id: true, code: true, name: true }, orderBy: { name: 'asc' } }),
    svc.db.organisationEvent.findMany({
      where: { organisationId: p.organisationId },
      include: { actor: { select: { displayName: true } } },
      orderBy: { id: 'desc' },
      take: CHANGES_SHOWN,
    }),
  ]);
  const globalAdmins = members.filter((m) => m.roles.some((r) => r.role === 'GLOBAL_ADMIN')).length;
  return {
    id: org.id,
    name: namedOrganisation(org),
    isReviewOrganisation: org.reviewScope === 'ALL',
    viewer: {
      isGlobalAdmin: isGlobalAdmin(p),
      canManageLocations: canManageLocation(p),
      canManageFunds: locations.some((l) => l.active && canManageLocation(p, l.id)),
      grantableRoles: grantableRoles(p),
    },
    locations: locations.map((l) => ({
      id: l.id,
      partnerId: l.partnerId,
      name: l.name,
      country: l.country,
      active: l.active,
      manageable: canManageLocation(p, l.id),
    })),
    members: members.map((m) => memberView(p, m, globalAdmins)),
    withoutRole: withoutRole.map((u) => ({ userId: u.id, displayName: u.displayName, email: u.email })),
    programs,
    recentChanges: events.map((e) => ({
      id: String(e.id),
      at: e.createdAt,
      actorName: e.actor?.displayName ?? null,
      type: e.type,
      data: (e.data ?? {}) as Record<string, unknown>,
    })),
  };
}

/** One member and their grants, for the role form. */
export async function getMember(svc: Services, actor: Actor, userId: unknown): Promise<MemberView> {
  const id = parseInput(fields.id, userId);
  const p = await loadPrincipal(svc.db, actor.userId);
  requireAdmin(p);
  const u = await svc.db.user.findUnique({
    where: { id },
    include: { roles: { include: { location: { select: { name: true } }, program: { select: { name: true } } } } },
  });
  if (!u || u.organisationId !== p.organisationId) throw notFound('user', id);
  const globalAdmins = await svc.db.roleAssignment.count({ where: { role: 'GLOBAL_ADMIN', user: { organisationId: p.organisationId } } });
  return memberView(p, u, globalAdmins);
}

type MemberRow = {
  id: string;
  displayName: string;
  email: string | null;
  roles: Array<{
    id: string;
    role: Role;
    locationId: string | null;
    programId: string | null;
    location: { name: string } | null;
    program: { name: string } | null;
  }>;
};

/** A member as the admin sees them: each grant says whether this admin may revoke it (never the last Global admin). */
function memberView(p: Principal, m: MemberRow, globalAdmins: number): MemberView {
  return {
    userId: m.id,
    displayName: m.displayName,
    email: m.email,
    isMe: m.id === p.userId,
    roles: m.roles.map((r) => ({
      id: r.id,
      role: r.role,
      locationId: r.locationId,
      locationName: r.location?.name ?? null,
      programId: r.programId,
      programName: r.program?.name ?? null,
      revocable: roleChangeRefusal(p, r.role, r) === null && !(r.role === 'GLOBAL_ADMIN' && globalAdmins <= 1),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** One admin transaction: the organisation locked, the actor reloaded and authorised inside it. */
async function adminCommand<T>(svc: Services, actor: Actor, body: (tx: Tx, p: Principal, at: Date) => Promise<T>): Promise<T> {
  return svc.db.$transaction(async (tx) => {
    const first = await loadPrincipal(tx, actor.userId);
    await lockOrganisation(tx, first.organisationId);
    // Reloaded under the lock: a role revoked a moment ago no longer counts.
    const p = await loadPrincipal(tx, actor.userId);
    return body(tx, p, svc.clock.now());
  });
}

export const renameOrganisationInput = z.object({ name: fields.text(120) });

export async function renameOrganisation(svc: Services, actor: Actor, input: unknown): Promise<void> {
  const i = parseInput(renameOrganisationInput, input);
  await adminCommand(svc, actor, async (tx, p, at) => {
    if (!isGlobalAdmin(p)) throw forbidden('global_admin_only', 'Only Global admins rename the organisation');
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: p.organisationId } });
    if (org.name === i.name) return;
    await tx.organisation.update({ where: { id: org.id }, data: { name: i.name } });
    await recordOrganisationEvent(tx, {
      organisationId: org.id,
      actorId: p.userId,
      type: 'organisation_renamed',
      summary: `Organisation renamed from "${org.name}" to "${i.name}"`,
      data: { from: org.name, to: i.name },
      at,
    });
  });
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** Codes Intl names that are not countries: unknown region, outlying Oceania, EU, UN, exceptional reservations. */
const NOT_COUNTRIES = new Set(['ZZ', 'QO', 'EU', 'EZ', 'UN', 'AC', 'CP', 'DG', 'EA', 'IC', 'TA']);
/** ISO 3166-1 alpha-2, as Intl knows it (an unknown code is "displayed" as itself). */
export const isCountryCode = (c: string) => /^[A-Z]{2}$/.test(c) && !NOT_COUNTRIES.has(c) && regionNames.of(c) !== c;

const country = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isCountryCode, 'Use a two-letter country code such as US, KR or DE');
/** Partner Center PartnerIDs (formerly MPN IDs) are numbers. */
const partnerId = z
  .string()
  .trim()
  .regex(/^[0-9]{4,12}$/, 'A PartnerID is a number of 4 to 12 digits');

export const addLocationInput = z.object({ partnerId, name: fields.text(120), country });
export const updateLocationInput = z.object({ locationId: fields.id, partnerId: partnerId.optional(), name: fields.text(120), country });

/** PartnerIDs are unique across the whole service: one location belongs to one partner organisation. */
async function requireFreePartnerId(tx: Tx, partnerIdValue: string, exceptLocationId?: string): Promise<void> {
  const taken = await tx.location.findUnique({ where: { partnerId: partnerIdValue } });
  if (taken && taken.id !== exceptLocationId) {
    // Same answer whichever organisation holds it: PartnerIDs of other partners are not disclosed.
    throw invalid([{ path: 'partnerId', code: 'custom', message: 'This PartnerID is already registered', params: { reason: 'taken' } }]);
  }
}

export async function addLocation(svc: Services, actor: Actor, input: unknown): Promise<{ locationId: string }> {
  const i = parseInput(addLocationInput, input);
  return adminCommand(svc, actor, async (tx, p, at) => {
    requireLocationManager(p);
    await requireFreePartnerId(tx, i.partnerId);
    const l = await tx.location.create({
      data: { organisationId: p.organisationId, partnerId: i.partnerId, name: i.name, country: i.country },
    });
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: 'location_added',
      summary: `Location ${i.name} (${i.partnerId}, ${i.country}) added`,
      data: { locationId: l.id, partnerId: i.partnerId, name: i.name, country: i.country },
      at,
    });
    return { locationId: l.id };
  });
}

async function locationOf(tx: Tx, p: Principal, locationId: string) {
  const l = await tx.location.findUnique({ where: { id: locationId } });
  if (!l || l.organisationId !== p.organisationId) throw notFound('location', locationId);
  return l;
}

/** Name and country; the PartnerID only while nothing (funds, claims) refers to the location yet. */
export async function updateLocation(svc: Services, actor: Actor, input: unknown): Promise<void> {
  const i = parseInput(updateLocationInput, input);
  await adminCommand(svc, actor, async (tx, p, at) => {
    const l = await locationOf(tx, p, i.locationId);
    requireLocationManager(p, l.id);
    const newPartnerId = i.partnerId && i.partnerId !== l.partnerId ? i.partnerId : undefined;
    if (newPartnerId) {
      const used =
        (await tx.fundAllocation.count({ where: { locationId: l.id } })) + (await tx.claim.count({ where: { locationId: l.id } }));
      if (used > 0) throw conflict('partner_id_in_use', 'The PartnerID of a location with funds or claims cannot change');
      await requireFreePartnerId(tx, newPartnerId, l.id);
    }
    if (!newPartnerId && l.name === i.name && l.country === i.country) return;
    await tx.location.update({
      where: { id: l.id },
      data: { name: i.name, country: i.country, ...(newPartnerId ? { partnerId: newPartnerId } : {}) },
    });
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: 'location_updated',
      summary: `Location ${l.name} (${l.partnerId}) updated`,
      data: {
        locationId: l.id,
        partnerId: newPartnerId ?? l.partnerId,
        name: i.name,
        country: i.country,
        before: { partnerId: l.partnerId, name: l.name, country: l.country },
      },
      at,
    });
  });
}

export const setLocationActiveInput = z.object({ locationId: fields.id, active: z.boolean() });

/** A deactivated location keeps its claims and history; it takes no new claims and no fund imports. */
export async function setLocationActive(svc: Services, actor: Actor, input: unknown): Promise<void> {
  const i = parseInput(setLocationActiveInput, input);
  await adminCommand(svc, actor, async (tx, p, at) => {
    const l = await locationOf(tx, p, i.locationId);
    requireLocationManager(p, l.id);
    if (l.active === i.active) return;
    await tx.location.update({ where: { id: l.id }, data: { active: i.active } });
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: i.active ? 'location_reactivated' : 'location_deactivated',
      summary: `Location ${l.name} (${l.partnerId}) ${i.active ? 'reactivated' : 'deactivated'}`,
      data: { locationId: l.id, partnerId: l.partnerId, name: l.name },
      at,
    });
  });
}

/**
 * The name a tenant's organisation gets on first contact, until its admin names it in "admin". People
 * read "your organisation" instead (namedOrganisation): a tenant id prefix means nothing to them.
 */
export const defaultOrganisationName = (tenantId: string): string => `Organisation ${tenantId.slice(0, 8)}`;
export const namedOrganisation = (org: { name: string; tenantId: string }): string | null =>
  org.name === defaultOrganisationName(org.tenantId) ? null : org.name;

const blankToNull = (v: unknown) => (v === '' || v === undefined ? null : v);
export const grantRoleInput = z.object({
  userId: fields.id,
  role: z.enum(['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REVIEWER']),
  locationId: z.preprocess(blankToNull, fields.id.nullable()),
  programId: z.preprocess(blankToNull, fields.id.nullable()),
});

const ROLE_NAME: Record<Role, string> = {
  GLOBAL_ADMIN: 'Global admin',
  INCENTIVES_ADMIN: 'Incentives admin',
  INCENTIVES_USER: 'Incentives user',
  REVIEWER: 'Reviewer',
};

/** Gives a member of the actor's organisation one role, optionally for one location and/or program. Granting what they already hold is a no-op. */
export async function grantRole(svc: Services, actor: Actor, input: unknown): Promise<{ roleAssignmentId: string; created: boolean }> {
  const i = parseInput(grantRoleInput, input);
  // Global admin and reviewer are organisation-wide by nature (Partner Center: admins manage everything).
  if ((i.role === 'GLOBAL_ADMIN' || i.role === 'REVIEWER') && (i.locationId || i.programId)) {
    throw invalid([
      { path: 'locationId', code: 'custom', message: 'This role is for the whole organisation', params: { reason: 'org_wide_role' } },
    ]);
  }
  return adminCommand(svc, actor, async (tx, p, at) => {
    requireAdmin(p);
    if (i.userId === p.userId) throw forbidden('own_roles', 'Nobody grants themselves a role: ask another admin');
    const refusal = roleChangeRefusal(p, i.role, i);
    if (refusal) throw forbidden(refusal.code, refusal.message, { roles: ['GLOBAL_ADMIN'] });
    const target = await tx.user.findUnique({ where: { id: i.userId } });
    // Same answer for "no such person" and "someone of another organisation".
    if (!target || target.organisationId !== p.organisationId) throw notFound('user', i.userId);
    const location = i.locationId ? await locationOf(tx, p, i.locationId) : null;
    const program = i.programId ? await tx.program.findUnique({ where: { id: i.programId } }) : null;
    if (i.programId && !program) throw notFound('program', i.programId);
    const existing = await tx.roleAssignment.findFirst({
      where: { userId: target.id, role: i.role, locationId: i.locationId, programId: i.programId },
    });
    if (existing) return { roleAssignmentId: existing.id, created: false };
    const r = await tx.roleAssignment.create({
      data: { userId: target.id, role: i.role, locationId: i.locationId, programId: i.programId, grantedById: p.userId, grantedAt: at },
    });
    const scope = [location?.name, program?.name].filter(Boolean).join(' · ');
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: 'role_granted',
      summary: `${ROLE_NAME[i.role]}${scope ? ` (${scope})` : ''} granted to ${target.displayName}`,
      data: {
        roleAssignmentId: r.id,
        userId: target.id,
        userName: target.displayName,
        role: i.role,
        locationName: location?.name ?? null,
        programName: program?.name ?? null,
      },
      at,
    });
    const organisation = await tx.organisation.findUniqueOrThrow({
      where: { id: p.organisationId },
      select: { name: true, tenantId: true },
    });
    const by = await tx.user.findUniqueOrThrow({ where: { id: p.userId }, select: { displayName: true } });
    await enqueueNotification(tx, {
      recipientId: target.id,
      payload: {
        kind: 'role_granted',
        role: i.role,
        byName: by.displayName,
        organisationName: namedOrganisation(organisation) ?? '',
        ...(scope ? { scope } : {}),
      },
      dedupeKey: `role_granted:${r.id}`,
      at,
    });
    return { roleAssignmentId: r.id, created: true };
  });
}

export const revokeRoleInput = z.object({ roleAssignmentId: fields.id });

/** Takes one grant away. Anyone may give up their own roles, except the last Global admin. */
export async function revokeRole(svc: Services, actor: Actor, input: unknown): Promise<{ userId: string }> {
  const i = parseInput(revokeRoleInput, input);
  return adminCommand(svc, actor, async (tx, p, at) => {
    const r = await tx.roleAssignment.findUnique({
      where: { id: i.roleAssignmentId },
      include: { user: true, location: { select: { name: true } }, program: { select: { name: true } } },
    });
    if (!r || r.user.organisationId !== p.organisationId) throw notFound('role', i.roleAssignmentId);
    const own = r.userId === p.userId;
    if (!own) {
      requireAdmin(p);
      const refusal = roleChangeRefusal(p, r.role, r);
      if (refusal) throw forbidden(refusal.code, refusal.message, { roles: ['GLOBAL_ADMIN'] });
    }
    if (r.role === 'GLOBAL_ADMIN') {
      const others = await tx.roleAssignment.count({
        where: { role: 'GLOBAL_ADMIN', id: { not: r.id }, user: { organisationId: p.organisationId } },
      });
      if (others === 0) throw conflict('last_global_admin', 'The last Global admin cannot be removed');
    }
    await tx.roleAssignment.delete({ where: { id: r.id } });
    const scope = [r.location?.name, r.program?.name].filter(Boolean).join(' · ');
    await recordOrganisationEvent(tx, {
      organisationId: p.organisationId,
      actorId: p.userId,
      type: 'role_revoked',
      summary: `${ROLE_NAME[r.role]}${scope ? ` (${scope})` : ''} removed from ${r.user.displayName}`,
      data: {
        userId: r.userId,
        userName: r.user.displayName,
        role: r.role,
        locationName: r.location?.name ?? null,
        programName: r.program?.name ?? null,
      },
      at,
    });
    return { userId: r.userId };
  });
}

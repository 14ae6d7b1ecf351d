import type { Role } from '../prisma/generated/client';
import { hasRole, isPartner, isReviewer, loadPrincipal } from './authz';
import type { BootstrapAdmin } from './config';
import type { Actor, Services } from './context';
import { lockOrganisation, namedOrganisation, recordOrganisationEvent } from './organisation';

/**
 * Who is who on first contact: an organisation's first Global admin comes from the directory (a
 * user holding Entra's Global Administrator role, asked through Graph) or from configuration
 * (BOOTSTRAP_ADMINS). Either way the grant is made once per person: if the organisation's admins
 * later take it away, that stands.
 */

/** Entra's built-in Global Administrator role (the template id is the same in every tenant). */
export const GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID = '62e90394-69f5-4237-9190-012177145e10';

export type AdminSource = 'directory' | 'configuration';

/** True when a BOOTSTRAP_ADMINS entry names this person (ids and names compared case-insensitively). */
export function isBootstrapAdmin(
  entries: readonly BootstrapAdmin[],
  who: { tenantId: string; aadObjectId: string; userPrincipalName?: string | null },
): boolean {
  const tenant = who.tenantId.toLowerCase();
  const aad = who.aadObjectId.toLowerCase();
  const upn = who.userPrincipalName?.toLowerCase() ?? null;
  return entries.some((e) =>
    'userPrincipalName' in e ? upn !== null && e.userPrincipalName === upn : e.tenantId === tenant && e.aadObjectId === aad,
  );
}

/** True when some BOOTSTRAP_ADMINS entry is a user principal name (so the bot must learn people's names). */
export const bootstrapNeedsPrincipalNames = (entries: readonly BootstrapAdmin[]) => entries.some((e) => 'userPrincipalName' in e);

/**
 * Makes the user a Global admin of their organisation, once: nothing happens when they already are
 * one, or when they were recognised before (and an admin has since removed the role). Returns
 * whether the role was granted now.
 */
export async function recogniseGlobalAdmin(svc: Services, userId: string, source: AdminSource): Promise<boolean> {
  return svc.db.$transaction(async (tx) => {
    const { organisationId } = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { organisationId: true } });
    await lockOrganisation(tx, organisationId);
    // Read under the lock: two first turns at once grant once.
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: { roles: true } });
    if (user.roles.some((r) => r.role === 'GLOBAL_ADMIN')) return false;
    const before = await tx.organisationEvent.count({
      where: { organisationId: user.organisationId, type: 'admin_recognised', data: { path: ['userId'], equals: userId } },
    });
    if (before > 0) return false;
    const at = svc.clock.now();
    await tx.roleAssignment.create({ data: { userId, role: 'GLOBAL_ADMIN', grantedAt: at } });
    await recordOrganisationEvent(tx, {
      organisationId: user.organisationId,
      actorId: null,
      actorKind: 'SYSTEM',
      type: 'admin_recognised',
      summary: `${user.displayName} recognised as Global admin (${source === 'directory' ? 'Entra Global Administrator' : 'BOOTSTRAP_ADMINS'})`,
      data: { userId, userName: user.displayName, source },
      at,
    });
    return true;
  });
}

/** Remembers what the bot learnt about a person on first contact (principal name; that the directory was asked). */
export async function recordDirectoryFacts(
  svc: Services,
  userId: string,
  facts: { userPrincipalName?: string | null; directoryChecked?: boolean; displayName?: string | null; email?: string | null },
): Promise<void> {
  const data: { userPrincipalName?: string; directoryCheckedAt?: Date; displayName?: string; email?: string } = {};
  if (facts.userPrincipalName) data.userPrincipalName = facts.userPrincipalName.toLowerCase();
  if (facts.displayName?.trim()) data.displayName = facts.displayName.trim().slice(0, 200);
  if (facts.email?.trim()) data.email = facts.email.trim().slice(0, 320);
  if (facts.directoryChecked) data.directoryCheckedAt = svc.clock.now();
  if (Object.keys(data).length > 0) await svc.db.user.update({ where: { id: userId }, data });
}

export type WelcomeFacts = {
  /** Null until an admin names it (the welcome then says "your organisation"). */
  organisationName: string | null;
  isReviewOrganisation: boolean;
  /** The organisation has a Global admin (someone to ask). */
  organisationSetUp: boolean;
  /** Admins to ask for a role: Global admins first, then Incentives admins (at most 5 names). */
  admins: string[];
  roles: Role[];
  isPartner: boolean;
  isReviewer: boolean;
  isAdmin: boolean;
  /** Upload requests waiting for this person (a colleague without a role still has something to do). */
  openRequests: number;
};

/** What the welcome says to this person: what they can do, or whom to ask when they can do nothing yet. */
export async function getWelcomeFacts(svc: Services, actor: Actor): Promise<WelcomeFacts> {
  const p = await loadPrincipal(svc.db, actor.userId);
  const [org, admins, openRequests] = await Promise.all([
    svc.db.organisation.findUniqueOrThrow({ where: { id: p.organisationId }, select: { name: true, tenantId: true, reviewScope: true } }),
    svc.db.user.findMany({
      where: {
        organisationId: p.organisationId,
        id: { not: p.userId },
        roles: { some: { role: { in: ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN'] } } },
      },
      select: { displayName: true, roles: { select: { role: true } } },
      orderBy: { displayName: 'asc' },
      take: 20,
    }),
    svc.db.uploadRequest.count({ where: { assigneeId: p.userId, status: 'OPEN' } }),
  ]);
  const isGlobal = (u: (typeof admins)[number]) => u.roles.some((r) => r.role === 'GLOBAL_ADMIN');
  const ordered = [...admins.filter(isGlobal), ...admins.filter((u) => !isGlobal(u))];
  return {
    organisationName: namedOrganisation(org),
    isReviewOrganisation: org.reviewScope === 'ALL',
    organisationSetUp: admins.some(isGlobal) || hasRole(p, ['GLOBAL_ADMIN']),
    admins: ordered.slice(0, 5).map((u) => u.displayName),
    roles: [...new Set(p.roles.map((r) => r.role))],
    isPartner: isPartner(p) && org.reviewScope !== 'ALL',
    isReviewer: isReviewer(p),
    isAdmin: hasRole(p, ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN']),
    openRequests,
  };
}

import { z } from 'zod';
import type { Services } from './context';
import { forbidden } from './errors';
import { parseInput } from './input';
import { Prisma } from './db/client';
import { reviewScopeFor } from './organisation';

/** The name of someone whose activity carried none (until the roster or Graph tells it). */
export const UNKNOWN_NAME = 'Teams user';

export const resolveUserInput = z.object({
  tenantId: z.string().min(1).max(100),
  aadObjectId: z.string().min(1).max(100),
  displayName: z.string().trim().min(1).max(200).catch(UNKNOWN_NAME),
  email: z.string().max(320).optional(),
  locale: z.string().max(20).optional(),
});

export type ResolvedUser = {
  id: string;
  organisationId: string;
  displayName: string;
  locale: string;
  isNew: boolean;
  /** Holds at least one role (a person with none gets the welcome that names their admins). */
  hasRoles: boolean;
  userPrincipalName: string | null;
  /** Graph was already asked whether this person is an Entra Global Administrator. */
  directoryChecked: boolean;
};

/**
 * Finds the user behind an activity, creating them on first contact (and their organisation on the
 * tenant's first contact). Profile data comes from Graph when the bot has it, else from the activity.
 * The locale follows the Teams client on every turn.
 */
export async function resolveUser(svc: Services, input: unknown, opts: { allowedTenantIds: string[] }): Promise<ResolvedUser> {
  const p = parseInput(resolveUserInput, input);
  if (opts.allowedTenantIds.length > 0 && !opts.allowedTenantIds.includes(p.tenantId)) {
    throw forbidden('tenant_not_allowed', `Tenant ${p.tenantId} is not allowed`);
  }
  const existing = await svc.db.user.findUnique({
    where: { tenantId_aadObjectId: { tenantId: p.tenantId, aadObjectId: p.aadObjectId } },
    include: { _count: { select: { roles: true } } },
  });
  if (existing) {
    if (p.locale && p.locale !== existing.locale) {
      await svc.db.user.update({ where: { id: existing.id }, data: { locale: p.locale } });
    }
    return {
      id: existing.id,
      organisationId: existing.organisationId,
      displayName: existing.displayName,
      locale: p.locale ?? existing.locale,
      isNew: false,
      hasRoles: existing._count.roles > 0,
      userPrincipalName: existing.userPrincipalName,
      directoryChecked: existing.directoryCheckedAt !== null,
    };
  }
  const org = await svc.db.organisation.upsert({
    where: { tenantId: p.tenantId },
    create: {
      tenantId: p.tenantId,
      name: `Organisation ${p.tenantId.slice(0, 8)}`,
      reviewScope: reviewScopeFor(p.tenantId, svc.settings.reviewTenantId),
    },
    update: {},
  });
  // Two first turns of the same user race (Teams sends installationUpdate and conversationUpdate together):
  // the unique (tenant, aad id) decides, and the loser reads the winner's row. Prisma's upsert with an
  // include is a read then an insert, not INSERT … ON CONFLICT, so the loser gets a unique violation
  // (the fuzz test saw it as a 500 for a stranger's first turns).
  const user = await svc.db.user
    .upsert({
      where: { tenantId_aadObjectId: { tenantId: p.tenantId, aadObjectId: p.aadObjectId } },
      create: {
        organisationId: org.id,
        tenantId: p.tenantId,
        aadObjectId: p.aadObjectId,
        displayName: p.displayName,
        email: p.email,
        locale: p.locale ?? 'en-US',
      },
      update: {},
      include: { _count: { select: { roles: true } } },
    })
    .catch(async (e: unknown) => {
      if (!(e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002')) throw e;
      return svc.db.user.findUniqueOrThrow({
        where: { tenantId_aadObjectId: { tenantId: p.tenantId, aadObjectId: p.aadObjectId } },
        include: { _count: { select: { roles: true } } },
      });
    });
  return {
    id: user.id,
    organisationId: user.organisationId,
    displayName: user.displayName,
    locale: user.locale,
    isNew: true,
    hasRoles: user._count.roles > 0,
    userPrincipalName: user.userPrincipalName,
    directoryChecked: user.directoryCheckedAt !== null,
  };
}

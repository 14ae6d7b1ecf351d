import { z } from 'zod';
import { Prisma } from './db/client';
import type { Services } from './context';
import { forbidden } from './errors';
import { parseInput } from './input';
import { defaultOrganisationName, reviewScopeFor } from './organisation';

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
  // First turns race: Teams sends the install's conversationUpdate and the first message together,
  // and a tenant's people open the app at once when it is rolled out. The unique key decides and the
  // loser reads the winner's row: Prisma runs these upserts as read-then-insert, so the loser sees
  // the unique violation (P2002).
  const lostRace = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
  const org = await svc.db.organisation
    .upsert({
      where: { tenantId: p.tenantId },
      create: {
        tenantId: p.tenantId,
        name: defaultOrganisationName(p.tenantId),
        reviewScope: reviewScopeFor(p.tenantId, svc.settings.reviewTenantId),
      },
      update: {},
    })
    .catch(async (e: unknown) => {
      if (!lostRace(e)) throw e;
      return svc.db.organisation.findUniqueOrThrow({ where: { tenantId: p.tenantId } });
    });
  let lost = false;
  const where = { tenantId_aadObjectId: { tenantId: p.tenantId, aadObjectId: p.aadObjectId } };
  const include = { _count: { select: { roles: true } } } as const;
  const user = await svc.db.user
    .upsert({
      where,
      create: {
        organisationId: org.id,
        tenantId: p.tenantId,
        aadObjectId: p.aadObjectId,
        displayName: p.displayName,
        email: p.email,
        locale: p.locale ?? 'en-US',
      },
      update: {},
      include,
    })
    .catch(async (e: unknown) => {
      if (!lostRace(e)) throw e;
      lost = true;
      return svc.db.user.findUniqueOrThrow({ where, include });
    });
  return {
    id: user.id,
    organisationId: user.organisationId,
    displayName: user.displayName,
    locale: user.locale,
    // The winner's turn greets the newcomer; the loser's is an ordinary turn.
    isNew: !lost,
    hasRoles: user._count.roles > 0,
    userPrincipalName: user.userPrincipalName,
    directoryChecked: user.directoryCheckedAt !== null,
  };
}

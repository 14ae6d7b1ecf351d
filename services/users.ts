import { z } from 'zod';
import { ReviewScope, Role } from '../prisma/generated/enums';
import type { Principal } from './authz';
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
  /** The user and their role grants as read by this statement (an existing user only): the turn's principal. */
  principal?: Principal;
  /**
   * The stored reference of `conversationId` when one was asked for (an existing user only).
   * `unreachableReason` is this user's.
   */
  storedConversation?: ConversationLookup;
};

/** What is stored for a conversation (`stored` null: nothing), as the turn prologue read it. */
export type ConversationLookup = {
  conversationId: string;
  stored: { userId: string | null; reference: unknown; unreachableReason: string | null } | null;
};

// The turn prologue's row (one statement: user, organisation's review scope, role grants, the conversation's stored reference).
const turnRow = z.object({
  id: z.string(),
  organisationId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  locale: z.string(),
  userPrincipalName: z.string().nullable(),
  directoryChecked: z.boolean(),
  unreachableReason: z.string().nullable(),
  reviewScope: z.enum(Object.values(ReviewScope) as [ReviewScope, ...ReviewScope[]]),
  roles: z.array(
    z.object({
      role: z.enum(Object.values(Role) as [Role, ...Role[]]),
      locationId: z.string().nullable(),
      programId: z.string().nullable(),
    }),
  ),
  conversation: z.object({ userId: z.string().nullable(), reference: z.unknown() }).nullable(),
});

/**
 * Finds the user behind an activity, creating them on first contact (and their organisation on the
 * tenant's first contact). Profile data comes from Graph when the bot has it, else from the activity.
 * The locale follows the Teams client on every turn.
 */
export async function resolveUser(
  svc: Services,
  input: unknown,
  opts: { allowedTenantIds: string[]; /** Also read this conversation's stored reference (bot/proactive.ts). */ conversationId?: string },
): Promise<ResolvedUser> {
  const p = parseInput(resolveUserInput, input);
  if (opts.allowedTenantIds.length > 0 && !opts.allowedTenantIds.includes(p.tenantId)) {
    throw forbidden('tenant_not_allowed', `Tenant ${p.tenantId} is not allowed`);
  }
  // Every turn starts here: one statement answers who this is, what they may do and whether the
  // conversation reference needs writing (docs/performance.md, the turn prologue).
  const conversationId = opts.conversationId ?? null;
  const rows = await svc.db.$queryRaw<unknown[]>`
    SELECT u.id, u."organisationId", u."tenantId", u."displayName", u.locale, u."userPrincipalName",
           u."directoryCheckedAt" IS NOT NULL AS "directoryChecked", u."unreachableReason",
           o."reviewScope"::text AS "reviewScope",
           COALESCE((SELECT json_agg(json_build_object('role', r.role, 'locationId', r."locationId", 'programId', r."programId"))
                       FROM "RoleAssignment" r WHERE r."userId" = u.id), '[]'::json) AS roles,
           (SELECT json_build_object('userId', cr."userId", 'reference', cr.reference)
              FROM "ConversationRef" cr WHERE cr."conversationId" = ${conversationId}) AS conversation
    FROM "User" u JOIN "Organisation" o ON o.id = u."organisationId"
    WHERE u."tenantId" = ${p.tenantId} AND u."aadObjectId" = ${p.aadObjectId}`;
  if (rows.length > 0) {
    const existing = turnRow.parse(rows[0]);
    const locale = p.locale ?? existing.locale;
    if (p.locale && p.locale !== existing.locale) {
      await svc.db.user.update({ where: { id: existing.id }, data: { locale: p.locale } });
    }
    return {
      id: existing.id,
      organisationId: existing.organisationId,
      displayName: existing.displayName,
      locale,
      isNew: false,
      hasRoles: existing.roles.length > 0,
      userPrincipalName: existing.userPrincipalName,
      directoryChecked: existing.directoryChecked,
      principal: {
        userId: existing.id,
        organisationId: existing.organisationId,
        tenantId: existing.tenantId,
        displayName: existing.displayName,
        locale,
        roles: existing.roles,
        reviewScope: existing.reviewScope,
      },
      ...(conversationId === null
        ? {}
        : {
            storedConversation: {
              conversationId,
              stored: existing.conversation && {
                userId: existing.conversation.userId,
                reference: existing.conversation.reference,
                // Whether the stored owner is unreachable matters only when the owner is this user.
                unreachableReason: existing.conversation.userId === existing.id ? existing.unreachableReason : null,
              },
            },
          }),
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

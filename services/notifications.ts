import { z } from 'zod';
import { grantCovers, PARTNER_ROLES } from './authz';
import type { Tx } from './db/client';

/** Whom a claim notification speaks to: what they can do next differs (a colleague cannot resubmit). */
export const AUDIENCES = ['partner', 'reviewer', 'colleague'] as const;
export type Audience = (typeof AUDIENCES)[number];
const audience = z.enum(AUDIENCES).optional();
/** The claim a notification is about, as every kind names it. */
const onClaim = { claimId: z.string(), number: z.string(), name: z.string() };
/** Reviews past their target in a daily reminder: how many, and the oldest few by name. */
const reviewDigestPart = z.object({
  count: z.number().int(),
  claims: z.array(
    z.object({
      ...onClaim,
      status: z.string(),
      ageBusinessDays: z.number().int(),
      targetBusinessDays: z.number().int(),
    }),
  ),
});

/**
 * What a notification says, as data. The outbox worker renders it with a card from cards/ in the
 * recipient's language at delivery time. Every kind the services enqueue is listed here.
 */
export const notificationPayload = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status_changed'),
    ...onClaim,
    from: z.string(),
    to: z.string(),
    byName: z.string(),
    amountMinor: z.number().int().optional(),
    currency: z.string().optional(),
    reason: z.string().optional(),
    audience,
  }),
  z.object({
    kind: z.literal('feedback'),
    ...onClaim,
    feedbackId: z.string(),
    documentId: z.string().optional(),
    documentLabel: z.string().optional(),
    documentKind: z.string().optional(),
    documentName: z.string().optional(),
    text: z.string(),
    byName: z.string(),
    audience,
  }),
  z.object({
    kind: z.literal('upload_requested'),
    ...onClaim,
    uploadRequestId: z.string(),
    documentKind: z.string(),
    message: z.string(),
    dueAt: z.string(),
    byName: z.string(),
    /** Set when the card is sent again after the colleague could not be reached: its delivery is news for the asker. */
    redelivered: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('upload_reached'),
    ...onClaim,
    uploadRequestId: z.string(),
    documentKind: z.string(),
    /** The colleague the request finally reached. */
    assigneeName: z.string(),
  }),
  z.object({
    kind: z.literal('upload_fulfilled'),
    ...onClaim,
    uploadRequestId: z.string(),
    documentKind: z.string(),
    byName: z.string(),
  }),
  z.object({
    kind: z.literal('upload_declined'),
    ...onClaim,
    uploadRequestId: z.string(),
    documentKind: z.string(),
    reason: z.string(),
    byName: z.string(),
  }),
  z.object({
    kind: z.literal('upload_cancelled'),
    ...onClaim,
    uploadRequestId: z.string(),
    documentKind: z.string(),
    byName: z.string(),
  }),
  z.object({
    kind: z.literal('upload_reminder'),
    ...onClaim,
    uploadRequestId: z.string(),
    documentKind: z.string(),
    dueAt: z.string(),
  }),
  z.object({
    kind: z.literal('file_prompt'),
    ...onClaim,
    documentKind: z.string(),
    expiresAt: z.string(),
    maxMb: z.number(),
  }),
  z.object({ kind: z.literal('expiry_warning'), claimId: z.string(), number: z.string(), name: z.string(), deadline: z.string() }),
  z.object({
    kind: z.literal('review_needed'),
    ...onClaim,
    status: z.string(),
    /** For a dispute: the partner's argument. */
    reason: z.string().optional(),
  }),
  z.object({
    kind: z.literal('review_assigned'),
    ...onClaim,
    status: z.string(),
    byName: z.string(),
  }),
  // Not about a claim: the person an admin gave a role learns what they can do now.
  z.object({
    kind: z.literal('role_granted'),
    role: z.enum(['GLOBAL_ADMIN', 'INCENTIVES_ADMIN', 'INCENTIVES_USER', 'REVIEWER']),
    byName: z.string(),
    organisationName: z.string(),
    scope: z.string().optional(),
  }),
  z.object({
    kind: z.literal('review_reminder'),
    /** The first claim listed (the outbox files the message under it). */
    ...onClaim,
    /** One card per person and day: their own overdue reviews, and those nobody owns. */
    owned: reviewDigestPart,
    unassigned: reviewDigestPart,
  }),
  z.object({
    kind: z.literal('review_escalated'),
    ...onClaim,
    status: z.string(),
    ageBusinessDays: z.number().int(),
    targetBusinessDays: z.number().int(),
    reviewerName: z.string().optional(),
  }),
]);
export type NotificationPayload = z.infer<typeof notificationPayload>;

/**
 * Queues a notification inside the caller's transaction: it exists if and only if the change that
 * caused it committed. `dedupeKey` must be stable for the same event and recipient. `at` is the
 * business time of the change (createdAt); delivery is due at once.
 */
export async function enqueueNotification(
  tx: Tx,
  n: { recipientId?: string; conversationId?: string; payload: NotificationPayload; dedupeKey: string; at: Date },
): Promise<void> {
  await tx.outboxMessage.upsert({
    where: { dedupeKey: n.dedupeKey },
    create: {
      dedupeKey: n.dedupeKey,
      recipientId: n.recipientId ?? null,
      conversationId: n.conversationId ?? null,
      claimId: 'claimId' in n.payload ? n.payload.claimId : null,
      kind: n.payload.kind,
      payload: n.payload,
      // Due now on the delivery clock (the wall clock the outbox runs on), whatever business time `at` says.
      nextAttemptAt: new Date(),
      createdAt: n.at,
    },
    update: {},
  });
}

/** Everyone on a claim: its owner and every user who added a document, commented or was asked to upload. */
export async function claimParticipants(tx: Tx, claimId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "ownerId" AS id FROM "Claim" WHERE id = ${claimId}
    UNION SELECT "uploaderId" FROM "Document" WHERE "claimId" = ${claimId}
    UNION SELECT "authorId" FROM "Comment" WHERE "claimId" = ${claimId}
    UNION SELECT "assigneeId" FROM "UploadRequest" WHERE "claimId" = ${claimId}
    UNION SELECT "requesterId" FROM "UploadRequest" WHERE "claimId" = ${claimId}`;
  return rows.map((r) => r.id);
}

/**
 * Everyone on a claim with the part they play in it: partner staff whose role covers the claim,
 * reviewers, and colleagues (asked for a document, no role on the claim).
 */
export async function claimAudience(tx: Tx, claimId: string): Promise<Array<{ id: string; audience: Audience }>> {
  const ids = await claimParticipants(tx, claimId);
  // One after the other: a transaction is one connection, and pg queues overlapping queries (deprecated in pg 9).
  const claim = await tx.claim.findUniqueOrThrow({
    where: { id: claimId },
    select: { organisationId: true, locationId: true, programId: true },
  });
  const users = await tx.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, organisationId: true, roles: { select: { role: true, locationId: true, programId: true } } },
  });
  const scope = { locationId: claim.locationId, programId: claim.programId };
  const byId = new Map(users.map((u) => [u.id, u]));
  return ids.map((id) => {
    const u = byId.get(id);
    const partner =
      u?.organisationId === claim.organisationId && u.roles.some((g) => PARTNER_ROLES.includes(g.role) && grantCovers(g, scope));
    const reviewer = u?.roles.some((g) => g.role === 'REVIEWER') ?? false;
    return { id, audience: partner ? 'partner' : reviewer ? 'reviewer' : 'colleague' };
  });
}

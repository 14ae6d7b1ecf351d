import { z } from 'zod';
import type { ClaimStatus, DocumentKind, UploadRequestStatus } from '../prisma/generated/client';
import { hasRole, PARTNER_ROLES, requireRole, type Principal, principalOf } from './authz';
import type { Actor, CommandResult, Services } from './context';
import type { Db, Prisma, Tx } from './db/client';
import { conflict, forbidden, invalid, notFound } from './errors';
import { recordHistory } from './history';
import { once } from './idempotency';
import { fields, likeText, parseInput } from './input';
import { assertEditable, EDITABLE } from './lifecycle';
import { enqueueNotification, type NotificationPayload } from './notifications';
import { isoDate } from './periods';
import { commandTransaction } from './review';

/**
 * Asking a colleague to upload a document to a claim (domain.md §2.2 "ask a colleague to upload").
 * The request is its own record: it never bumps the claim's version, so cards of people editing
 * the claim stay valid. Fulfilling a request happens in pendingUploads.ts when the file arrives.
 */

/** `status` is the claim's (as in every CommandResult); the request's own status is `requestStatus`. */
export type UploadRequestResult = CommandResult & { uploadRequestId: string; requestStatus: UploadRequestStatus };

export type UploadRequestView = {
  id: string;
  claimId: string;
  claimNumber: string;
  claimName: string;
  claimStatus: ClaimStatus;
  claimVersion: number;
  requesterId: string;
  requesterName: string;
  assigneeId: string;
  assigneeName: string;
  kind: DocumentKind;
  message: string;
  /** The last moment the request is on time (end of the due day, UTC). */
  dueAt: Date;
  /** The due day as picked, YYYY-MM-DD. */
  dueDate: string;
  overdue: boolean;
  status: UploadRequestStatus;
  declineReason: string | null;
  createdAt: Date;
  closedAt: Date | null;
};

export type Colleague = { id: string; displayName: string; email: string | null };

const REQUESTABLE_KINDS = ['INVOICE', 'PROOF', 'METRIC', 'ADDITIONAL_INFO'] as const;
const PARTNER_ADMINS = ['GLOBAL_ADMIN', 'INCENTIVES_ADMIN'] as const;
const DAY_MS = 86_400_000;

const startOfUtcDay = (d: Date) => new Date(`${isoDate(d)}T00:00:00.000Z`);

export const requestUploadInput = z.object({
  claimId: fields.id,
  assigneeId: fields.id,
  kind: z.enum(REQUESTABLE_KINDS),
  message: fields.text(1000),
  dueDate: fields.date,
  idempotencyKey: fields.idempotencyKey.optional(),
});

export const declineUploadRequestInput = z.object({
  uploadRequestId: fields.id,
  reason: fields.text(1000),
  idempotencyKey: fields.idempotencyKey.optional(),
});

export const cancelUploadRequestInput = z.object({
  uploadRequestId: fields.id,
  idempotencyKey: fields.idempotencyKey.optional(),
});

export const searchColleaguesInput = z.string().trim().max(100);

/** Locks the claim row so a concurrent submit or expiry cannot slip between our status check and our insert. */
async function lockClaim(tx: Tx, claimId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Claim" WHERE id = ${claimId} FOR UPDATE`;
}

/** A partner user on an editable claim asks a colleague of the same organisation for one document. */
export async function requestUpload(svc: Services, actor: Actor, input: unknown): Promise<UploadRequestResult> {
  const i = parseInput(requestUploadInput, input);
  const now = svc.clock.now();
  if (i.dueDate.getTime() < startOfUtcDay(now).getTime()) {
    throw invalid([{ path: 'dueDate', code: 'too_small', message: 'Pick today or a later date', params: { minimum: isoDate(now) } }]);
  }
  return commandTransaction(svc, i.idempotencyKey, async (tx) => {
    const { result, replayed } = await once(tx, i.idempotencyKey, { userId: actor.userId, command: 'requestUpload' }, async () => {
      const p = await principalOf(tx, actor);
      await lockClaim(tx, i.claimId);
      const claim = await tx.claim.findUnique({ where: { id: i.claimId } });
      if (!claim) throw notFound('claim', i.claimId);
      if (p.organisationId !== claim.organisationId) throw forbidden('not_in_organisation', 'This claim belongs to another organisation');
      requireRole(p, PARTNER_ROLES, { locationId: claim.locationId, programId: claim.programId });
      assertEditable(claim.status);
      if (i.assigneeId === p.userId) {
        throw invalid([{ path: 'assigneeId', code: 'self', message: 'Ask someone other than yourself' }]);
      }
      const assignee = await tx.user.findUnique({ where: { id: i.assigneeId }, include: { roles: { select: { role: true } } } });
      // Same answer for "no such user", "another organisation's user" and a reviewer, so ids of other tenants leak nothing.
      if (!assignee || assignee.organisationId !== claim.organisationId || assignee.roles.some((r) => r.role === 'REVIEWER')) {
        throw invalid([{ path: 'assigneeId', code: 'not_in_organisation', message: 'Pick a colleague from your organisation' }]);
      }
      const dueAt = new Date(i.dueDate.getTime() + DAY_MS - 1);
      const dueDate = isoDate(i.dueDate);
      const req = await tx.uploadRequest.create({
        data: {
          claimId: claim.id,
          requesterId: p.userId,
          assigneeId: assignee.id,
          kind: i.kind,
          message: i.message,
          dueAt,
          createdAt: now,
        },
      });
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'USER',
        type: 'upload_requested',
        summary: `Asked ${assignee.displayName} to upload ${i.kind}`,
        data: {
          uploadRequestId: req.id,
          assigneeId: assignee.id,
          assigneeName: assignee.displayName,
          kind: i.kind,
          message: i.message,
          dueDate,
        },
        at: now,
      });
      await enqueueNotification(tx, {
        recipientId: assignee.id,
        payload: {
          kind: 'upload_requested',
          claimId: claim.id,
          number: claim.number,
          name: claim.name,
          uploadRequestId: req.id,
          documentKind: i.kind,
          message: i.message,
          dueAt: dueDate,
          byName: p.displayName,
        },
        dedupeKey: `upload_requested:${req.id}:${assignee.id}`,
        at: now,
      });
      const r: UploadRequestResult = {
        uploadRequestId: req.id,
        requestStatus: req.status,
        claimId: claim.id,
        version: claim.version,
        status: claim.status,
      };
      return r;
    });
    return replayed ? { ...result, replayed: true } : result;
  });
}

const requestInclude = {
  claim: {
    select: { id: true, number: true, name: true, status: true, version: true, organisationId: true, locationId: true, programId: true },
  },
  requester: { select: { id: true, displayName: true } },
  assignee: { select: { id: true, displayName: true } },
} satisfies Prisma.UploadRequestInclude;

type RequestWithClaim = Prisma.UploadRequestGetPayload<{ include: typeof requestInclude }>;
const findRequest = (db: Db | Tx, id: string) => db.uploadRequest.findUnique({ where: { id }, include: requestInclude });

/** Closes an OPEN request; the row condition makes two concurrent closers end with exactly one winner. */
async function closeRequest(
  tx: Tx,
  req: RequestWithClaim,
  status: 'DECLINED' | 'CANCELLED',
  at: Date,
  declineReason?: string,
): Promise<void> {
  if (req.status !== 'OPEN') throw conflict('upload_request_closed', `This request is already ${req.status}`, { status: req.status });
  const r = await tx.uploadRequest.updateMany({
    where: { id: req.id, status: 'OPEN' },
    data: { status, closedAt: at, declineReason: declineReason ?? null },
  });
  if (r.count === 0) throw conflict('upload_request_closed', 'This request was closed meanwhile', {});
}

async function requestCommand(
  svc: Services,
  actor: Actor,
  command: string,
  uploadRequestId: string,
  idempotencyKey: string | undefined,
  body: (ctx: { tx: Tx; p: Principal; req: RequestWithClaim; at: Date }) => Promise<void>,
): Promise<UploadRequestResult> {
  return commandTransaction(svc, idempotencyKey, async (tx) => {
    const { result, replayed } = await once(tx, idempotencyKey, { userId: actor.userId, command }, async () => {
      const at = svc.clock.now();
      const p = await principalOf(tx, actor);
      const req = await findRequest(tx, uploadRequestId);
      if (!req) throw notFound('upload_request', uploadRequestId);
      await body({ tx, p, req, at });
      const after = await tx.uploadRequest.findUniqueOrThrow({ where: { id: req.id }, select: { status: true } });
      const r: UploadRequestResult = {
        uploadRequestId: req.id,
        requestStatus: after.status,
        claimId: req.claim.id,
        version: req.claim.version,
        status: req.claim.status,
      };
      return r;
    });
    return replayed ? { ...result, replayed: true } : result;
  });
}

/** The colleague says they cannot provide the document; the requester is told why. */
export async function declineUploadRequest(svc: Services, actor: Actor, input: unknown): Promise<UploadRequestResult> {
  const i = parseInput(declineUploadRequestInput, input);
  return requestCommand(svc, actor, 'declineUploadRequest', i.uploadRequestId, i.idempotencyKey, async ({ tx, p, req, at }) => {
    if (req.assigneeId !== p.userId) throw forbidden('upload_request_scope', 'Only the person asked can decline this request');
    await closeRequest(tx, req, 'DECLINED', at, i.reason);
    await recordHistory(tx, {
      claimId: req.claimId,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'upload_declined',
      summary: `${p.displayName} declined to upload ${req.kind}`,
      data: { uploadRequestId: req.id, kind: req.kind, reason: i.reason },
      at,
    });
    await enqueueNotification(tx, {
      recipientId: req.requesterId,
      payload: {
        kind: 'upload_declined',
        claimId: req.claim.id,
        number: req.claim.number,
        name: req.claim.name,
        uploadRequestId: req.id,
        documentKind: req.kind,
        reason: i.reason,
        byName: p.displayName,
      },
      dedupeKey: `upload_declined:${req.id}:${req.requesterId}`,
      at,
    });
  });
}

/** The requester (or a partner admin of the organisation) withdraws an open request; the colleague is told. */
export async function cancelUploadRequest(svc: Services, actor: Actor, input: unknown): Promise<UploadRequestResult> {
  const i = parseInput(cancelUploadRequestInput, input);
  return requestCommand(svc, actor, 'cancelUploadRequest', i.uploadRequestId, i.idempotencyKey, async ({ tx, p, req, at }) => {
    const isAdmin =
      p.organisationId === req.claim.organisationId &&
      hasRole(p, PARTNER_ADMINS, { locationId: req.claim.locationId, programId: req.claim.programId });
    if (req.requesterId !== p.userId && !isAdmin)
      throw forbidden('upload_request_scope', 'Only the requester or an admin can cancel this request');
    await closeRequest(tx, req, 'CANCELLED', at);
    await recordHistory(tx, {
      claimId: req.claimId,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'upload_cancelled',
      summary: `Upload request to ${req.assignee.displayName} cancelled`,
      data: { uploadRequestId: req.id, kind: req.kind, assigneeId: req.assigneeId, assigneeName: req.assignee.displayName },
      at,
    });
    if (req.assigneeId !== p.userId) {
      await enqueueNotification(tx, {
        recipientId: req.assigneeId,
        payload: {
          kind: 'upload_cancelled',
          claimId: req.claim.id,
          number: req.claim.number,
          name: req.claim.name,
          uploadRequestId: req.id,
          documentKind: req.kind,
          byName: p.displayName,
        },
        dedupeKey: `upload_cancelled:${req.id}:${req.assigneeId}`,
        at,
      });
    }
  });
}

/**
 * A request card that had waited for its colleague (unreachable, then sent again) was delivered:
 * the person who asked is told, once, that it finally reached them. Called by the outbox worker
 * after a successful send; nothing to say for a request closed meanwhile.
 */
export async function noteRequestReached(svc: Services, payload: NotificationPayload): Promise<boolean> {
  if (payload.kind !== 'upload_requested' || !payload.redelivered) return false;
  const req = await svc.db.uploadRequest.findUnique({
    where: { id: payload.uploadRequestId },
    include: { assignee: { select: { displayName: true } } },
  });
  if (!req || req.status !== 'OPEN') return false;
  await svc.db.$transaction((tx) =>
    enqueueNotification(tx, {
      recipientId: req.requesterId,
      dedupeKey: `upload_reached:${req.id}:${req.requesterId}`,
      at: svc.clock.now(),
      payload: {
        kind: 'upload_reached',
        claimId: payload.claimId,
        number: payload.number,
        name: payload.name,
        uploadRequestId: req.id,
        documentKind: req.kind,
        assigneeName: req.assignee.displayName,
      },
    }),
  );
  return true;
}

function toView(req: RequestWithClaim, now: Date): UploadRequestView {
  return {
    id: req.id,
    claimId: req.claim.id,
    claimNumber: req.claim.number,
    claimName: req.claim.name,
    claimStatus: req.claim.status,
    claimVersion: req.claim.version,
    requesterId: req.requester.id,
    requesterName: req.requester.displayName,
    assigneeId: req.assignee.id,
    assigneeName: req.assignee.displayName,
    kind: req.kind,
    message: req.message,
    dueAt: req.dueAt,
    dueDate: isoDate(req.dueAt),
    overdue: req.status === 'OPEN' && req.dueAt.getTime() < now.getTime(),
    status: req.status,
    declineReason: req.declineReason,
    createdAt: req.createdAt,
    closedAt: req.closedAt,
  };
}

/** One request, for its assignee, its requester, or partner staff of the claim's organisation. */
export async function getUploadRequest(svc: Services, actor: Actor, id: unknown): Promise<UploadRequestView> {
  const requestId = parseInput(fields.id, id);
  const p = await principalOf(svc.db, actor);
  const req = await findRequest(svc.db, requestId);
  if (!req) throw notFound('upload_request', requestId);
  const involved = req.assigneeId === p.userId || req.requesterId === p.userId;
  const partner =
    p.organisationId === req.claim.organisationId &&
    hasRole(p, PARTNER_ROLES, { locationId: req.claim.locationId, programId: req.claim.programId });
  if (!involved && !partner) throw forbidden('upload_request_scope', 'This upload request is not yours');
  return toView(req, svc.clock.now());
}

/** What the actor has been asked to upload and can do now, soonest due first. */
export async function listOpenUploadRequestsFor(svc: Services, actor: Actor): Promise<UploadRequestView[]> {
  const now = svc.clock.now();
  const rows = await svc.db.uploadRequest.findMany({
    // A request on a claim that is submitted (or closed) cannot be acted on now; it shows again if the claim comes back.
    where: { assigneeId: actor.userId, status: 'OPEN', claim: { status: { in: [...EDITABLE] } } },
    orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }],
    include: requestInclude,
  });
  return rows.map((r) => toView(r, now));
}

/**
 * People of the actor's organisation to ask for a document; the bot's fallback when Graph is not
 * configured. Reviewers are never offered: they judge the claim, they do not supply its documents.
 */
export async function searchColleagues(svc: Services, actor: Actor, query: unknown): Promise<Colleague[]> {
  const q = parseInput(searchColleaguesInput, query ?? '');
  const p = await principalOf(svc.db, actor);
  const like = likeText(q);
  return svc.db.user.findMany({
    where: {
      organisationId: p.organisationId,
      id: { not: p.userId },
      roles: { none: { role: 'REVIEWER' } },
      ...(q ? { OR: [{ displayName: { contains: like, mode: 'insensitive' } }, { email: { contains: like, mode: 'insensitive' } }] } : {}),
    },
    select: { id: true, displayName: true, email: true },
    orderBy: { displayName: 'asc' },
    take: 20,
  });
}

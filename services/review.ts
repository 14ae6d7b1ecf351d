import { z } from 'zod';
import type { Claim, ClaimStatus, Document } from '../prisma/generated/client';
import { PARTNER_ROLES, requireIndependentReviewer, requireRole, reviewerIdsFor, type Principal, principalOf } from './authz';
import { bumpVersion, loadClaim } from './claimHelpers';
import type { Actor, CommandResult, Services } from './context';
import { Prisma, type Tx } from './db/client';
import { conflict, forbidden, invalid, isServiceError, notFound } from './errors';
import { recordHistory } from './history';
import { once } from './idempotency';
import { fields, parseInput } from './input';
import { transition } from './lifecycle';
import { claimAudience, enqueueNotification, type NotificationPayload } from './notifications';

// ---------------------------------------------------------------------------------------------
// Shared command plumbing (also used by uploadRequests.ts)
// ---------------------------------------------------------------------------------------------

/**
 * Runs one command transaction. With an idempotency key, a double click that lost the race (its
 * transaction blocked on the claim row and then saw `stale_version`, or hit the key's primary key)
 * is run once more, so it finds the winner's stored result and replays it instead of failing.
 */
export async function commandTransaction<T>(svc: Services, idempotencyKey: string | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await svc.db.$transaction(fn);
  } catch (e) {
    const lostRace =
      (isServiceError(e) && e.code === 'stale_version') || (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002');
    if (idempotencyKey && lostRace) return svc.db.$transaction(fn);
    throw e;
  }
}

/** The card's version must be the claim's: a decision is only valid on what the reviewer saw. */
function requireVersion(claim: Claim, version: number): void {
  if (claim.version !== version) {
    throw conflict('stale_version', 'This claim changed since the card was shown', { expected: version, current: claim.version });
  }
}

/**
 * Queues `payload` to everyone on the claim except the actor (who sees the result in their card),
 * each with their part in it, so the card says what they (not the owner) can do next.
 */
export async function notifyParticipants(
  tx: Tx,
  claimId: string,
  exceptUserId: string | null,
  payload: Extract<NotificationPayload, { kind: 'status_changed' | 'feedback' }>,
  eventKey: string | number,
  at: Date,
): Promise<number> {
  let n = 0;
  for (const { id: recipientId, audience } of await claimAudience(tx, claimId)) {
    if (recipientId === exceptUserId) continue;
    await enqueueNotification(tx, {
      recipientId,
      payload: { ...payload, audience },
      dedupeKey: `${payload.kind}:${claimId}:${eventKey}:${recipientId}`,
      at,
    });
    n++;
  }
  return n;
}

/** Tells the validation team a claim waits for them: the reviewers' channel if configured, else each reviewer 1:1. */
export async function notifyReviewers(
  tx: Tx,
  svc: Services,
  claim: Pick<Claim, 'id' | 'number' | 'name'>,
  status: ClaimStatus,
  eventKey: string | number,
  at: Date,
  /** A dispute's argument: the reviewers read it in the notification itself. */
  reason?: string,
): Promise<void> {
  const payload: NotificationPayload = {
    kind: 'review_needed',
    claimId: claim.id,
    number: claim.number,
    name: claim.name,
    status,
    ...(reason ? { reason } : {}),
  };
  const channel = svc.settings.reviewersConversationId;
  if (channel) {
    await enqueueNotification(tx, { conversationId: channel, payload, dedupeKey: `review_needed:${claim.id}:${eventKey}:channel`, at });
    return;
  }
  const owner = await tx.claim.findUniqueOrThrow({ where: { id: claim.id }, select: { organisationId: true, ownerId: true } });
  for (const id of await reviewerIdsFor(tx, owner)) {
    await enqueueNotification(tx, { recipientId: id, payload, dedupeKey: `review_needed:${claim.id}:${eventKey}:${id}`, at });
  }
}

const KIND_LABEL: Record<Document['kind'], string> = {
  INVOICE: 'Invoice',
  CSR: 'CSR',
  PROOF: 'Proof of execution',
  METRIC: 'Metric',
  ADDITIONAL_INFO: 'Additional information',
};

/** What tells a document apart from others of its kind: its file, metric name or the start of its note. */
export function documentName(doc: Pick<Document, 'kind' | 'fileName' | 'details' | 'fields'>): string | null {
  const f = doc.fields as Record<string, unknown> | null;
  const metricName = doc.kind === 'METRIC' && f && typeof f.name === 'string' ? f.name : null;
  return doc.fileName || metricName || doc.details.slice(0, 60) || null;
}

/** A short human name for a document in logs and English summaries, e.g. "Proof of execution: agenda.pdf". */
export function documentLabel(doc: Pick<Document, 'kind' | 'fileName' | 'details' | 'fields'>): string {
  const what = documentName(doc);
  return what ? `${KIND_LABEL[doc.kind]}: ${what}` : KIND_LABEL[doc.kind];
}

/** The document as history and notifications name it; cards put the kind in the reader's language. */
const documentRef = (doc: Pick<Document, 'id' | 'kind' | 'fileName' | 'details' | 'fields'>) => ({
  documentId: doc.id,
  documentLabel: documentLabel(doc),
  documentKind: doc.kind,
  ...(documentName(doc) ? { documentName: documentName(doc)! } : {}),
});

type ClaimCommandInput = { claimId: string; version: number; idempotencyKey?: string };
type ClaimCommandCtx = { tx: Tx; p: Principal; claim: Claim; at: Date };

/**
 * The common shape of every command on one claim: one transaction, applied once per idempotency
 * key; the actor and the claim are reloaded, authorised, and the card's version checked before `body`.
 */
async function claimCommand(
  svc: Services,
  actor: Actor,
  command: string,
  input: ClaimCommandInput,
  authorise: (p: Principal, claim: Claim, tx: Tx) => void | Promise<void>,
  body: (ctx: ClaimCommandCtx) => Promise<CommandResult>,
): Promise<CommandResult> {
  return commandTransaction(svc, input.idempotencyKey, async (tx) => {
    const { result, replayed } = await once(tx, input.idempotencyKey, { userId: actor.userId, command }, async () => {
      const at = svc.clock.now();
      const p = await principalOf(tx, actor);
      const claim = await loadClaim(tx, input.claimId);
      await authorise(p, claim, tx);
      requireVersion(claim, input.version);
      return body({ tx, p, claim, at });
    });
    return replayed ? { ...result, replayed: true } : result;
  });
}

/** Reviewer commands: a reviewer of the claim's organisation who did not work on the claim (segregation of duties, authz.ts). */
const asReviewer = (p: Principal, claim: Claim, tx: Tx) => requireIndependentReviewer(tx, p, claim);

/** Partner staff of the claim's own organisation, with a role covering its location and program. */
function asClaimPartner(p: Principal, claim: Claim): void {
  if (p.organisationId !== claim.organisationId) throw forbidden('not_in_organisation', 'This claim belongs to another organisation');
  requireRole(p, PARTNER_ROLES, { locationId: claim.locationId, programId: claim.programId });
}

const statusPayload = (
  claim: Claim,
  to: ClaimStatus,
  byName: string,
  extra: { amountMinor?: number; reason?: string } = {},
): Extract<NotificationPayload, { kind: 'status_changed' }> => ({
  kind: 'status_changed',
  claimId: claim.id,
  number: claim.number,
  name: claim.name,
  from: claim.status,
  to,
  byName,
  ...(extra.amountMinor !== undefined ? { amountMinor: extra.amountMinor, currency: claim.currency } : {}),
  ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
});

// ---------------------------------------------------------------------------------------------
// Reviewer commands
// ---------------------------------------------------------------------------------------------

const claimRef = {
  claimId: fields.id,
  version: fields.version,
  idempotencyKey: fields.idempotencyKey.optional(),
};

/** Card inputs send "" for an untouched optional field. */
const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

export const startReviewInput = z.object(claimRef);

/** SUBMITTED → IN_REVIEW. */
export async function startReview(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(startReviewInput, input);
  return claimCommand(svc, actor, 'startReview', i, asReviewer, async ({ tx, p, claim, at }) => {
    const to = transition('startReview', claim.status);
    // Starting a review takes it: the reviewer owns it until it is reassigned (services/reviewWorkload.ts).
    const version = await bumpVersion(tx, claim.id, i.version, { status: to, reviewStartedAt: at, reviewerId: p.userId });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'REVIEWER',
      type: 'review_started',
      summary: `Review started by ${p.displayName}`,
      data: { reviewerId: p.userId, reviewerName: p.displayName, previousReviewerId: claim.reviewerId },
      statusBefore: claim.status,
      statusAfter: to,
      at,
    });
    await notifyParticipants(tx, claim.id, p.userId, statusPayload(claim, to, p.displayName), version, at);
    return { claimId: claim.id, version, status: to };
  });
}

/** Document review happens only while the validation team holds the claim. */
function requireUnderReview(claim: Claim): void {
  if (claim.status !== 'IN_REVIEW' && claim.status !== 'DISPUTED') {
    throw conflict('not_in_review', `A claim that is ${claim.status} is not under review`, {
      status: claim.status,
      allowedFrom: ['IN_REVIEW', 'DISPUTED'],
    });
  }
}

async function loadClaimDocument(tx: Tx, claimId: string, documentId: string): Promise<Document> {
  const doc = await tx.document.findFirst({ where: { id: documentId, claimId, removedAt: null } });
  if (!doc) throw notFound('document', documentId);
  return doc;
}

export const reviewDocumentInput = z
  .object({
    ...claimRef,
    documentId: fields.id,
    decision: z.enum(['ACCEPT', 'NEEDS_FIX']),
    feedback: z.preprocess(blankToUndefined, z.string().trim().max(2000).optional()),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'NEEDS_FIX' && !v.feedback) {
      ctx.addIssue({ code: 'custom', path: ['feedback'], message: 'Say what needs to be fixed', params: { code: 'feedback_required' } });
    }
  });

/** Marks one document accepted or needs-fix; needs-fix leaves feedback on that document for the partner. */
export async function reviewDocument(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(reviewDocumentInput, input);
  return claimCommand(svc, actor, 'reviewDocument', i, asReviewer, async ({ tx, p, claim, at }) => {
    requireUnderReview(claim);
    const doc = await loadClaimDocument(tx, claim.id, i.documentId);
    const version = await bumpVersion(tx, claim.id, i.version);
    const comment = i.feedback || null;
    await tx.document.update({
      where: { id: doc.id },
      data: { reviewState: i.decision === 'ACCEPT' ? 'ACCEPTED' : 'NEEDS_FIX', reviewComment: comment },
    });
    const label = documentLabel(doc);
    if (i.decision === 'ACCEPT') {
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'REVIEWER',
        type: 'document_accepted',
        summary: `Accepted ${label}`,
        data: { ...documentRef(doc), ...(comment ? { comment } : {}) },
        documentId: doc.id,
        at,
      });
    } else {
      const text = i.feedback!;
      const fb = await tx.feedback.create({ data: { claimId: claim.id, reviewerId: p.userId, documentId: doc.id, text, createdAt: at } });
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'REVIEWER',
        type: 'feedback_given',
        summary: `Feedback on ${label}`,
        data: { feedbackId: fb.id, ...documentRef(doc), text, needsFix: true },
        documentId: doc.id,
        feedbackId: fb.id,
        at,
      });
      await notifyParticipants(
        tx,
        claim.id,
        p.userId,
        {
          kind: 'feedback',
          claimId: claim.id,
          number: claim.number,
          name: claim.name,
          feedbackId: fb.id,
          ...documentRef(doc),
          text,
          byName: p.displayName,
        },
        version,
        at,
      );
    }
    return { claimId: claim.id, version, status: claim.status };
  });
}

export const giveFeedbackInput = z.object({
  ...claimRef,
  text: fields.text(2000),
  documentId: z.preprocess(blankToUndefined, fields.id.optional()),
});

/** Feedback on the claim or one of its documents, without changing its status. */
export async function giveFeedback(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(giveFeedbackInput, input);
  return claimCommand(svc, actor, 'giveFeedback', i, asReviewer, async ({ tx, p, claim, at }) => {
    requireUnderReview(claim);
    const doc = i.documentId ? await loadClaimDocument(tx, claim.id, i.documentId) : null;
    const version = await bumpVersion(tx, claim.id, i.version);
    const label = doc ? documentLabel(doc) : undefined;
    const fb = await tx.feedback.create({
      data: { claimId: claim.id, reviewerId: p.userId, documentId: doc?.id ?? null, text: i.text, createdAt: at },
    });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'REVIEWER',
      type: 'feedback_given',
      summary: label ? `Feedback on ${label}` : 'Feedback on the claim',
      data: { feedbackId: fb.id, text: i.text, ...(doc ? documentRef(doc) : {}) },
      documentId: doc?.id,
      feedbackId: fb.id,
      at,
    });
    await notifyParticipants(
      tx,
      claim.id,
      p.userId,
      {
        kind: 'feedback',
        claimId: claim.id,
        number: claim.number,
        name: claim.name,
        feedbackId: fb.id,
        ...(doc ? documentRef(doc) : {}),
        text: i.text,
        byName: p.displayName,
      },
      version,
      at,
    );
    return { claimId: claim.id, version, status: claim.status };
  });
}

export const requestInformationInput = z.object({ ...claimRef, message: fields.text(2000) });

/** IN_REVIEW or DISPUTED → ACTION_REQUIRED: the partner may edit and resubmit; the message is kept as feedback. */
export async function requestInformation(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(requestInformationInput, input);
  return claimCommand(svc, actor, 'requestInformation', i, asReviewer, async ({ tx, p, claim, at }) => {
    const to = transition('requestInformation', claim.status);
    const version = await bumpVersion(tx, claim.id, i.version, { status: to });
    const fb = await tx.feedback.create({ data: { claimId: claim.id, reviewerId: p.userId, text: i.message, createdAt: at } });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'REVIEWER',
      type: 'information_requested',
      summary: 'More information requested',
      data: { message: i.message, feedbackId: fb.id, resolvesDispute: claim.status === 'DISPUTED' },
      statusBefore: claim.status,
      statusAfter: to,
      feedbackId: fb.id,
      at,
    });
    await notifyParticipants(tx, claim.id, p.userId, statusPayload(claim, to, p.displayName, { reason: i.message }), version, at);
    return { claimId: claim.id, version, status: to };
  });
}

export const approveClaimInput = z.object({
  ...claimRef,
  amount: z.preprocess(blankToUndefined, fields.amountMinor.optional()),
  /** Why less than the claimed amount is approved: required for a partial approval, kept with the decision. */
  reason: z.preprocess(blankToUndefined, z.string().trim().max(2000).optional()),
});

/**
 * IN_REVIEW or DISPUTED → APPROVED, for the full claimed amount or a part of it (0 < approved ≤ claimed).
 * A cut always says why: the partner reads the reason on the claim card and in the notification.
 */
export async function approveClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(approveClaimInput, input);
  return claimCommand(svc, actor, 'approveClaim', i, asReviewer, async ({ tx, p, claim, at }) => {
    const to = transition('approve', claim.status);
    const approved = i.amount ?? claim.amountMinor;
    if (approved > claim.amountMinor) {
      throw invalid([
        {
          path: 'amount',
          code: 'too_big',
          message: 'The approved amount cannot exceed the claimed amount',
          params: { maximum: claim.amountMinor, currency: claim.currency, limit: 'claimed' },
        },
      ]);
    }
    const partial = approved < claim.amountMinor;
    if (partial && !i.reason) {
      throw invalid([
        {
          path: 'reason',
          code: 'partial_needs_reason',
          message: 'Say why less than the claimed amount is approved',
          params: { claimedMinor: claim.amountMinor, currency: claim.currency },
        },
      ]);
    }
    const reason = partial ? i.reason : undefined;
    const version = await bumpVersion(tx, claim.id, i.version, { status: to, approvedMinor: approved, decidedAt: at });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'REVIEWER',
      type: 'approved',
      summary: `Approved ${(approved / 100).toFixed(2)} ${claim.currency}`,
      data: {
        amountMinor: approved,
        claimedMinor: claim.amountMinor,
        currency: claim.currency,
        partial,
        ...(reason ? { reason } : {}),
        resolvesDispute: claim.status === 'DISPUTED',
      },
      statusBefore: claim.status,
      statusAfter: to,
      at,
    });
    await notifyParticipants(
      tx,
      claim.id,
      p.userId,
      statusPayload(claim, to, p.displayName, { amountMinor: approved, reason }),
      version,
      at,
    );
    return { claimId: claim.id, version, status: to };
  });
}

export const rejectClaimInput = z.object({ ...claimRef, reason: fields.text(2000) });

/** IN_REVIEW or DISPUTED → REJECTED, with the reason the partner will read in History. */
export async function rejectClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(rejectClaimInput, input);
  return claimCommand(svc, actor, 'rejectClaim', i, asReviewer, async ({ tx, p, claim, at }) => {
    const to = transition('reject', claim.status);
    const version = await bumpVersion(tx, claim.id, i.version, { status: to, approvedMinor: null, decidedAt: at });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'REVIEWER',
      type: 'rejected',
      summary: 'Rejected',
      data: { reason: i.reason, resolvesDispute: claim.status === 'DISPUTED' },
      statusBefore: claim.status,
      statusAfter: to,
      at,
    });
    await notifyParticipants(tx, claim.id, p.userId, statusPayload(claim, to, p.displayName, { reason: i.reason }), version, at);
    return { claimId: claim.id, version, status: to };
  });
}

// ---------------------------------------------------------------------------------------------
// Partner: dispute
// ---------------------------------------------------------------------------------------------

export const disputeClaimInput = z.object({ ...claimRef, reason: fields.text(2000) });

/** REJECTED → DISPUTED by partner staff of the claim's organisation; the validation team is told. */
export async function disputeClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(disputeClaimInput, input);
  return claimCommand(svc, actor, 'disputeClaim', i, asClaimPartner, async ({ tx, p, claim, at }) => {
    const to = transition('dispute', claim.status);
    const version = await bumpVersion(tx, claim.id, i.version, { status: to, disputedAt: at });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'disputed',
      summary: 'Rejection disputed',
      data: { reason: i.reason },
      statusBefore: claim.status,
      statusAfter: to,
      at,
    });
    await notifyParticipants(tx, claim.id, p.userId, statusPayload(claim, to, p.displayName, { reason: i.reason }), version, at);
    await notifyReviewers(tx, svc, claim, to, version, at, i.reason);
    return { claimId: claim.id, version, status: to };
  });
}

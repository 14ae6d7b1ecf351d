import { z } from 'zod';
import type { Claim, DocumentKind, UploadRequest } from '../prisma/generated/client';
import type { Principal } from './authz';
import { bumpVersion } from './claimHelpers';
import type { Actor, CommandResult, Services } from './context';
import type { Prisma, Tx } from './db/client';
import {
  checkKindFields,
  claimFor,
  documentIssues,
  isPartnerOn,
  proofNote,
  requirePartnerOn,
  requireVersion,
  resolveDocumentFeedback,
  withClaimCurrency,
} from './documents';
import { conflict, forbidden, invalid, notFound } from './errors';
import { storedFileInput } from './files';
import { recordHistory } from './history';
import { fields, parseInput, toFieldIssue } from './input';
import { assertEditable } from './lifecycle';
import { enqueueNotification } from './notifications';

/**
 * "Send me the file": the user describes the document on a card, then sends the file in 1:1 chat
 * (the only place Teams hands files to a bot). Between the two the context is a PendingUpload row
 * (one per user, expires after settings.pendingUploadMinutes), so any bot replica can finish it.
 */

export const FILE_KINDS = ['INVOICE', 'PROOF', 'METRIC', 'ADDITIONAL_INFO'] as const satisfies readonly DocumentKind[];

export const beginFileUploadInput = z.object({
  claimId: fields.id,
  /** The card's version; checked for partner staff. A colleague answering a request acts on the request, not on a card of the claim. */
  version: fields.version.optional(),
  kind: z.enum(FILE_KINDS),
  details: z.string().trim().max(2000).optional().default(''),
  fields: z.unknown().optional(),
  replacesDocumentId: z.preprocess((v) => (v === '' ? undefined : v), fields.id.optional()),
  uploadRequestId: z.preprocess((v) => (v === '' ? undefined : v), fields.id.optional()),
});

export const uploadedFile = storedFileInput;
export type UploadedFile = z.infer<typeof uploadedFile>;

export type PendingUploadView = {
  claimId: string;
  claimNumber: string;
  claimName: string;
  kind: DocumentKind;
  details: string;
  uploadRequestId: string | null;
  replacesDocumentId: string | null;
  expiresAt: Date;
};

// PendingUpload has no column for the document being replaced; it rides in the fields JSON under
// this key (which no kind's schema accepts, so it can never come from a user) and is stripped again.
const REPLACES = '$replacesDocumentId';

type Grant = { request: UploadRequest | null };

/**
 * Who may add a file: partner staff on an editable claim, or a colleague answering their own OPEN
 * upload request on this claim for this kind of document. Checked at begin and again at completion.
 */
async function authoriseUpload(
  tx: Tx,
  p: Principal,
  claim: Claim,
  kind: DocumentKind,
  uploadRequestId: string | undefined,
  replacesDocumentId: string | undefined,
): Promise<Grant> {
  let request: UploadRequest | null = null;
  if (uploadRequestId) {
    request = await tx.uploadRequest.findUnique({ where: { id: uploadRequestId } });
    if (!request || request.claimId !== claim.id) throw notFound('upload_request', uploadRequestId);
    if (request.assigneeId !== p.userId) throw forbidden('upload_request_scope', 'This upload request was sent to someone else');
    if (request.status !== 'OPEN')
      throw conflict('upload_request_closed', `This upload request is ${request.status}`, { status: request.status });
    if (request.kind !== kind)
      throw forbidden('upload_request_scope', `This request asks for ${request.kind}, not ${kind}`, { requested: request.kind, kind });
  } else if (!isPartnerOn(p, claim)) {
    const asked = await tx.uploadRequest.count({ where: { claimId: claim.id, assigneeId: p.userId, status: 'OPEN' } });
    if (asked > 0)
      throw invalid([{ path: 'uploadRequestId', code: 'answer_upload_request', message: 'Answer the upload request you were sent' }]);
    requirePartnerOn(p, claim);
  }
  assertEditable(claim.status);
  if (replacesDocumentId) {
    // Replacing someone's document is an edit of the claim, which only partner staff make.
    if (!isPartnerOn(p, claim)) throw forbidden('upload_request_scope', 'Only partner staff can replace documents');
    const old = await tx.document.findFirst({ where: { id: replacesDocumentId, claimId: claim.id, removedAt: null, kind } });
    if (!old) throw notFound('document', replacesDocumentId);
  }
  return { request };
}

export type BeginFileUploadOptions = {
  /**
   * The user is not in their 1:1 chat with the bot (a channel or group chat, where Teams hands no
   * files to bots): the "send me the file" prompt goes to their 1:1 chat through the outbox, in the
   * same transaction as the wait, so there is never a wait without the prompt.
   */
  promptInPersonalChat?: { maxMb: number };
};

/** Validates the document description and remembers it until the user's next file (or expiry). */
export async function beginFileUpload(
  svc: Services,
  actor: Actor,
  input: unknown,
  opts: BeginFileUploadOptions = {},
): Promise<{ claimId: string; kind: DocumentKind; expiresAt: Date }> {
  const i = parseInput(beginFileUploadInput, input);
  // Everything about the input is checked before any row is read, and reported together.
  const { value: kindFieldValues, issues } = checkKindFields(i.kind, i.fields);
  if (i.kind === 'PROOF') {
    const r = proofNote.safeParse(i.details);
    if (!r.success) issues.push(...r.error.issues.map((x) => ({ ...toFieldIssue(x), path: 'details' })));
  }
  if (issues.length) throw invalid(issues);

  return svc.db.$transaction(async (tx) => {
    const { p, claim } = await claimFor(tx, actor, i.claimId);
    const grant = await authoriseUpload(tx, p, claim, i.kind, i.uploadRequestId, i.replacesDocumentId);
    if (!grant.request && i.version !== undefined) requireVersion(claim, i.version);
    // The claim's own rules for this document (currency, dates, duplicates, …), said on the form before the file is sent.
    const withCurrency = withClaimCurrency(i.kind, kindFieldValues, claim.currency);
    const claimIssues = await documentIssues(tx, claim, i.kind, withCurrency, { replacesDocumentId: i.replacesDocumentId });
    if (claimIssues.length) throw invalid(claimIssues);
    const now = svc.clock.now();
    const expiresAt = new Date(now.getTime() + svc.settings.pendingUploadMinutes * 60_000);
    const stored = {
      ...withCurrency,
      ...(i.replacesDocumentId ? { [REPLACES]: i.replacesDocumentId } : {}),
    };
    const row = {
      claimId: claim.id,
      kind: i.kind,
      details: i.details,
      fields: stored,
      uploadRequestId: i.uploadRequestId ?? null,
      expiresAt,
      createdAt: now,
    };
    await tx.pendingUpload.upsert({
      where: { userId: p.userId },
      create: { userId: p.userId, purpose: 'DOCUMENT', ...row },
      update: { purpose: 'DOCUMENT', ...row },
    });
    if (opts.promptInPersonalChat) {
      await enqueueNotification(tx, {
        recipientId: p.userId,
        dedupeKey: `file_prompt:${p.userId}:${now.getTime()}`,
        at: now,
        payload: {
          kind: 'file_prompt',
          claimId: claim.id,
          number: claim.number,
          name: claim.name,
          documentKind: i.kind,
          expiresAt: expiresAt.toISOString(),
          maxMb: opts.promptInPersonalChat.maxMb,
        },
      });
    }
    return { claimId: claim.id, kind: i.kind, expiresAt };
  });
}

/** The user's live pending claim document, or null (none, expired, or waiting for a funds CSV instead). */
export async function getPendingUpload(svc: Services, actor: Actor): Promise<PendingUploadView | null> {
  const row = await svc.db.pendingUpload.findUnique({
    where: { userId: actor.userId },
    include: { claim: { select: { number: true, name: true } } },
  });
  if (!row || row.expiresAt <= svc.clock.now()) return null;
  if (row.purpose !== 'DOCUMENT' || !row.claimId || !row.claim || !row.kind) return null;
  const f = (row.fields ?? {}) as Record<string, unknown>;
  return {
    claimId: row.claimId,
    claimNumber: row.claim.number,
    claimName: row.claim.name,
    kind: row.kind,
    details: row.details,
    uploadRequestId: row.uploadRequestId,
    replacesDocumentId: typeof f[REPLACES] === 'string' ? (f[REPLACES] as string) : null,
    expiresAt: row.expiresAt,
  };
}

/**
 * The file arrived (already stored by the file store): consume the pending row, re-check who may
 * add it to the claim as it is now, and add the document. Answers the upload request it came from.
 */
export async function completeFileUpload(svc: Services, actor: Actor, file: unknown): Promise<CommandResult & { documentId: string }> {
  const f = parseInput(uploadedFile, file);
  return svc.db.$transaction(async (tx) => {
    const now = svc.clock.now();
    const row = await tx.pendingUpload.findUnique({ where: { userId: actor.userId } });
    if (!row || row.purpose !== 'DOCUMENT' || !row.claimId || !row.kind)
      throw conflict('no_pending_upload', 'No document is waiting for a file');
    const pending = { ...row, claimId: row.claimId, kind: row.kind };
    if (pending.expiresAt <= now)
      throw conflict('pending_upload_expired', 'The wait for this file has expired', { expiredAt: pending.expiresAt.toISOString() });
    // Deleting by the row we read makes a concurrent second completion find nothing.
    const consumed = await tx.pendingUpload.deleteMany({ where: { userId: actor.userId, createdAt: pending.createdAt } });
    if (consumed.count === 0) throw conflict('no_pending_upload', 'No document is waiting for a file');

    const { [REPLACES]: replaces, ...docFields } = (pending.fields ?? {}) as Record<string, Prisma.InputJsonValue>;
    const replacesId = typeof replaces === 'string' ? replaces : undefined;
    const { p, claim } = await claimFor(tx, actor, pending.claimId);
    const { request } = await authoriseUpload(tx, p, claim, pending.kind, pending.uploadRequestId ?? undefined, replacesId);

    if (replacesId) {
      await tx.document.update({ where: { id: replacesId }, data: { removedAt: now } });
      await resolveDocumentFeedback(tx, replacesId, now);
    }
    const doc = await tx.document.create({
      data: {
        claimId: claim.id,
        kind: pending.kind,
        details: pending.details,
        fields: docFields,
        url: typeof docFields.url === 'string' ? docFields.url : null,
        fileKey: f.fileKey,
        fileName: f.fileName,
        fileSize: f.fileSize,
        contentType: f.contentType,
        sha256: f.sha256.toLowerCase(),
        uploaderId: p.userId,
        replacesId: replacesId ?? null,
        createdAt: now,
      },
    });
    const version = await bumpVersion(tx, claim.id, claim.version);
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: replacesId ? 'document_replaced' : 'document_added',
      at: now,
      documentId: doc.id,
      summary: `${pending.kind} ${f.fileName} ${replacesId ? 'replaced' : 'added'}`,
      data: {
        kind: pending.kind,
        fileName: f.fileName,
        ...(replacesId ? { replacedDocumentId: replacesId } : {}),
        ...(request ? { uploadRequestId: request.id } : {}),
      },
    });
    if (request) {
      await tx.uploadRequest.update({ where: { id: request.id }, data: { status: 'FULFILLED', documentId: doc.id, closedAt: now } });
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'USER',
        type: 'upload_fulfilled',
        at: now,
        documentId: doc.id,
        summary: `${p.displayName} uploaded the requested ${request.kind}`,
        data: { uploadRequestId: request.id, kind: request.kind },
      });
      await enqueueNotification(tx, {
        recipientId: request.requesterId,
        dedupeKey: `upload_fulfilled:${request.id}`,
        at: now,
        payload: {
          kind: 'upload_fulfilled',
          claimId: claim.id,
          number: claim.number,
          name: claim.name,
          uploadRequestId: request.id,
          documentKind: request.kind,
          byName: p.displayName,
        },
      });
    }
    return { claimId: claim.id, version, status: claim.status, documentId: doc.id };
  });
}

/**
 * "Import funds": the next CSV this admin sends in 1:1 chat is a funds file (services/fundsImport.ts).
 * Same row as a document upload, so one "cancel upload" and one expiry cover both; the row stays
 * while the preview is open, so a corrected file can simply be sent again.
 */
export async function beginFundsFileUpload(svc: Services, actor: Actor): Promise<{ expiresAt: Date }> {
  const now = svc.clock.now();
  const expiresAt = new Date(now.getTime() + svc.settings.pendingUploadMinutes * 60_000);
  const row = {
    purpose: 'FUNDS_IMPORT' as const,
    claimId: null,
    kind: null,
    details: '',
    fields: {},
    uploadRequestId: null,
    expiresAt,
    createdAt: now,
  };
  await svc.db.pendingUpload.upsert({ where: { userId: actor.userId }, create: { userId: actor.userId, ...row }, update: row });
  return { expiresAt };
}

/** True while this user's next file is awaited as a funds CSV. */
export async function isAwaitingFundsFile(svc: Services, actor: Actor): Promise<boolean> {
  const row = await svc.db.pendingUpload.findUnique({ where: { userId: actor.userId }, select: { purpose: true, expiresAt: true } });
  return row?.purpose === 'FUNDS_IMPORT' && row.expiresAt > svc.clock.now();
}

/** Stop waiting for a funds CSV (after Confirm or Cancel); a document awaited meanwhile is left alone. */
export async function endFundsFileUpload(db: Tx | Services['db'], userId: string): Promise<void> {
  await db.pendingUpload.deleteMany({ where: { userId, purpose: 'FUNDS_IMPORT' } });
}

/** Forget the pending upload (the user changed their mind). */
export async function cancelPendingUpload(svc: Services, actor: Actor): Promise<{ cancelled: boolean }> {
  const r = await svc.db.$transaction((tx) => tx.pendingUpload.deleteMany({ where: { userId: actor.userId } }));
  return { cancelled: r.count > 0 };
}

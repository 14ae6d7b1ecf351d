import { z } from 'zod';
import type { ActorKind, Claim, DocumentKind } from '../prisma/generated/client';
import { isPartner, isReviewer, loadPrincipal, PARTNER_ROLES, requireRole, requireSameOrganisation, type Principal } from './authz';
import { bumpVersion, loadClaim } from './claimHelpers';
import type { Actor, CommandResult, Services } from './context';
import type { Prisma, Tx } from './db/client';
import { conflict, forbidden, invalid, notFound, type FieldIssue } from './errors';
import { recordHistory } from './history';
import { once } from './idempotency';
import { fields, parseInput, toFieldIssue } from './input';
import { assertEditable, TERMINAL } from './lifecycle';
import { isoDate } from './periods';

// ---------------------------------------------------------------------------------------------
// Access: shared by every claim command in claims.ts, documents.ts, submission.ts, pendingUploads.ts
// ---------------------------------------------------------------------------------------------

/** The acting principal and the claim, reloaded inside the transaction; other organisations are refused (reviewers excepted). */
export async function claimFor(tx: Tx, actor: Actor, claimId: string): Promise<{ p: Principal; claim: Claim }> {
  const p = await loadPrincipal(tx, actor.userId);
  const claim = await loadClaim(tx, claimId);
  requireSameOrganisation(p, claim.organisationId);
  return { p, claim };
}

/** Role grants are per location and/or program, so the claim's own scope decides. */
export const claimScope = (c: Pick<Claim, 'locationId' | 'programId'>) => ({ locationId: c.locationId, programId: c.programId });

/** Partner staff of the claim's own organisation (a reviewer's other roles never reach across organisations) and scope. */
export function requirePartnerOn(p: Principal, c: Pick<Claim, 'organisationId' | 'locationId' | 'programId'>): void {
  if (p.organisationId !== c.organisationId) throw forbidden('not_in_organisation', 'This claim belongs to another organisation');
  requireRole(p, PARTNER_ROLES, claimScope(c));
}

export const isPartnerOn = (p: Principal, c: Pick<Claim, 'organisationId' | 'locationId' | 'programId'>) =>
  p.organisationId === c.organisationId && isPartner(p, claimScope(c));

/** Checked before the lifecycle, so a card older than the claim always says "stale" (bumpVersion re-checks under the row lock). */
export function requireVersion(c: Pick<Claim, 'version'>, expected: number): void {
  if (c.version !== expected) {
    throw conflict('stale_version', 'This claim changed since the card was shown', { expected, current: c.version });
  }
}

export const actorKindOf = (p: Principal, c: Pick<Claim, 'organisationId' | 'locationId' | 'programId'>): ActorKind =>
  !isPartnerOn(p, c) && isReviewer(p) ? 'REVIEWER' : 'USER';

type EditContext = { tx: Tx; p: Principal; claim: Claim; now: Date; version: number };
type Extra = Record<string, Prisma.InputJsonValue>;

/**
 * The common shape of a partner's change to an editable claim: one transaction; reload, same
 * organisation, partner role on the claim's scope, version, editable status; bump the version; then
 * `body` writes the change and its history. A repeated idempotency key replays the first result.
 */
export async function partnerEdit<E extends Extra>(
  svc: Services,
  actor: Actor,
  input: { claimId: string; version: number; idempotencyKey?: string },
  command: string,
  body: (c: EditContext) => Promise<E>,
): Promise<CommandResult & E> {
  const { result, replayed } = await svc.db.$transaction((tx) =>
    once(tx, input.idempotencyKey, { userId: actor.userId, command }, async () => {
      const { p, claim } = await claimFor(tx, actor, input.claimId);
      requirePartnerOn(p, claim);
      requireVersion(claim, input.version);
      assertEditable(claim.status);
      const version = await bumpVersion(tx, claim.id, input.version);
      const extra = await body({ tx, p, claim, now: svc.clock.now(), version });
      return { claimId: claim.id, version, status: claim.status, ...extra } as CommandResult & E;
    }),
  );
  return replayed ? { ...result, replayed: true } : result;
}

/** Feedback on a document is settled once that document is replaced or removed. */
export async function resolveDocumentFeedback(tx: Tx, documentId: string, at: Date): Promise<void> {
  await tx.feedback.updateMany({ where: { documentId, resolvedAt: null }, data: { resolvedAt: at } });
}

// ---------------------------------------------------------------------------------------------
// Structured fields per document kind (domain.md §3.2). Input shapes; `amount` arrives in major units.
// ---------------------------------------------------------------------------------------------

const currencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'Use a 3-letter currency code like USD');
const calendarDate = fields.date.transform(isoDate);

export const invoiceFields = z
  .object({
    vendor: fields.text(200),
    invoiceNumber: fields.text(100),
    invoiceDate: calendarDate,
    amount: fields.amountMinor,
    /** Defaults to the claim's currency; a different one fails the one-currency rule at submit. */
    currency: currencyCode.optional(),
  })
  .transform(({ amount, ...rest }) => ({ ...rest, amountMinor: amount }));

/** The proof's explanatory note is the document's `details` (mandatory, see `proofNote`); fields carry an optional link. */
export const proofFields = z.object({
  // Teams sends an untouched optional input as "": no link, not a malformed one.
  url: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
  ),
});
export const proofNote = fields.text(2000);

export const metricFields = z.object({ name: fields.text(100), value: fields.text(200) });

const csrShape = {
  description: fields.text(2000),
  expenseType: fields.text(100),
  quantity: z.coerce.number().positive().max(1_000_000),
  rate: fields.amountMinor,
  amount: fields.amountMinor,
  certifiedBy: fields.text(200),
  // Input.Toggle sends the strings "true"/"false".
  attestation: z.preprocess((v) => (v === 'true' ? true : v), z.literal(true, { error: 'The statement must be certified' })),
  currency: currencyCode.optional(),
};
const csrStored = <T extends { rate: number; amount: number }>({ rate, amount, ...rest }: T) => ({
  ...rest,
  rateMinor: rate,
  amountMinor: amount,
});

export const csrFields = z.object(csrShape).transform(csrStored);

export const additionalInfoFields = z.object({}).strip();

export const kindFields = {
  INVOICE: invoiceFields,
  PROOF: proofFields,
  METRIC: metricFields,
  CSR: csrFields,
  ADDITIONAL_INFO: additionalInfoFields,
} as const satisfies Record<DocumentKind, z.ZodType>;

/** A kind's structured fields, or the issues with them reported under `fields.<name>`. */
export function checkKindFields(kind: DocumentKind, raw: unknown): { value: Record<string, Prisma.InputJsonValue>; issues: FieldIssue[] } {
  const r = (kindFields[kind] as z.ZodType).safeParse(raw ?? {});
  if (!r.success)
    return {
      value: {},
      issues: r.error.issues.map((i) => {
        const f = toFieldIssue(i);
        return { ...f, path: f.path ? `fields.${f.path}` : 'fields' };
      }),
    };
  const value: Record<string, Prisma.InputJsonValue> = {};
  for (const [k, v] of Object.entries(r.data as Record<string, unknown>)) if (v !== undefined) value[k] = v as Prisma.InputJsonValue;
  return { value, issues: [] };
}

export function parseKindFields(kind: DocumentKind, raw: unknown): Record<string, Prisma.InputJsonValue> {
  const { value, issues } = checkKindFields(kind, raw);
  if (issues.length) throw invalid(issues);
  return value;
}

/** Money-bearing kinds default to the claim's currency. */
export function withClaimCurrency(kind: DocumentKind, f: Record<string, Prisma.InputJsonValue>, currency: string) {
  return kind === 'INVOICE' || kind === 'CSR' ? { ...f, currency: f.currency ?? currency } : f;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

const claimRef = { claimId: fields.id, version: fields.version, idempotencyKey: fields.idempotencyKey.optional() };

export const addMetricInput = z.object({
  ...claimRef,
  name: fields.text(100),
  value: fields.text(200),
  details: fields.optionalText(2000),
});

/** Adds a metric; a metric of the same name (case-insensitive) is replaced, so each required metric has one value. */
export async function addMetric(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { documentId: string }> {
  const i = parseInput(addMetricInput, input);
  return partnerEdit(svc, actor, i, 'addMetric', async ({ tx, p, claim, now }) => {
    const metrics = await tx.document.findMany({ where: { claimId: claim.id, kind: 'METRIC', removedAt: null } });
    const old = metrics.find((m) => String((m.fields as { name?: unknown }).name ?? '').toLowerCase() === i.name.toLowerCase());
    if (old) {
      await tx.document.update({ where: { id: old.id }, data: { removedAt: now } });
      await resolveDocumentFeedback(tx, old.id, now);
    }
    const doc = await tx.document.create({
      data: {
        claimId: claim.id,
        kind: 'METRIC',
        details: i.details,
        fields: { name: i.name, value: i.value },
        uploaderId: p.userId,
        replacesId: old?.id ?? null,
        createdAt: now,
      },
    });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'metric_added',
      at: now,
      documentId: doc.id,
      summary: `Metric ${i.name}: ${i.value}`,
      data: { name: i.name, value: i.value, ...(old ? { replacedDocumentId: old.id } : {}) },
    });
    return { documentId: doc.id };
  });
}

export const generateCsrInput = z.object({ ...claimRef, ...csrShape }).transform(csrStored);

/** A Certification Statement and Report: a self-certified cost statement generated from the form; it has no file. */
export async function generateCsr(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { documentId: string }> {
  const { claimId, version, idempotencyKey, ...csr } = parseInput(generateCsrInput, input);
  return partnerEdit(svc, actor, { claimId, version, idempotencyKey }, 'generateCsr', async ({ tx, p, claim, now }) => {
    const stored = { ...csr, currency: csr.currency ?? claim.currency };
    const doc = await tx.document.create({
      data: { claimId: claim.id, kind: 'CSR', details: csr.description, fields: stored, uploaderId: p.userId, createdAt: now },
    });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'csr_generated',
      at: now,
      documentId: doc.id,
      summary: `CSR for ${csr.expenseType} certified by ${csr.certifiedBy}`,
      data: { expenseType: csr.expenseType, amountMinor: csr.amountMinor, currency: stored.currency, certifiedBy: csr.certifiedBy },
    });
    return { documentId: doc.id };
  });
}

export const addAdditionalInfoInput = z.object({ ...claimRef, text: fields.text(4000) });

export async function addAdditionalInfo(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { documentId: string }> {
  const i = parseInput(addAdditionalInfoInput, input);
  return partnerEdit(svc, actor, i, 'addAdditionalInfo', async ({ tx, p, claim, now }) => {
    const doc = await tx.document.create({
      data: { claimId: claim.id, kind: 'ADDITIONAL_INFO', details: i.text, uploaderId: p.userId, createdAt: now },
    });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'additional_info_added',
      at: now,
      documentId: doc.id,
      summary: 'Additional information added',
      data: { text: i.text.slice(0, 200) },
    });
    return { documentId: doc.id };
  });
}

export const removeDocumentInput = z.object({ ...claimRef, documentId: fields.id });

/** Soft delete: the document stays for history; open feedback on it is settled. */
export async function removeDocument(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(removeDocumentInput, input);
  return partnerEdit(svc, actor, i, 'removeDocument', async ({ tx, p, claim, now }) => {
    const doc = await tx.document.findFirst({ where: { id: i.documentId, claimId: claim.id, removedAt: null } });
    if (!doc) throw notFound('document', i.documentId);
    await tx.document.update({ where: { id: doc.id }, data: { removedAt: now } });
    await resolveDocumentFeedback(tx, doc.id, now);
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'document_removed',
      at: now,
      documentId: doc.id,
      summary: `${doc.kind} ${doc.fileName ?? ''} removed`.replace(/\s+/g, ' '),
      data: { kind: doc.kind, fileName: doc.fileName },
    });
    return {};
  });
}

export const addCommentInput = z.object({ claimId: fields.id, text: fields.text(2000), idempotencyKey: fields.idempotencyKey.optional() });

/**
 * Partner staff, reviewers and colleagues asked for a document on the claim talk on it in any
 * non-terminal status; each comment is stored in History. A comment changes no claim state, so it
 * takes no version and does not bump it (cards stay valid).
 */
export async function addComment(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { commentId: string }> {
  const i = parseInput(addCommentInput, input);
  const { result, replayed } = await svc.db.$transaction((tx) =>
    once(tx, i.idempotencyKey, { userId: actor.userId, command: 'addComment' }, async () => {
      const { p, claim } = await claimFor(tx, actor, i.claimId);
      const colleague =
        !isPartnerOn(p, claim) &&
        !isReviewer(p) &&
        (await tx.uploadRequest.count({ where: { claimId: claim.id, assigneeId: p.userId } })) > 0;
      if (!isPartnerOn(p, claim) && !isReviewer(p) && !colleague)
        throw forbidden('role_required', 'Only people on the claim can comment', { roles: [...PARTNER_ROLES, 'REVIEWER'] });
      if (TERMINAL.includes(claim.status))
        throw conflict('claim_closed', `A claim that is ${claim.status} takes no more comments`, { status: claim.status });
      const now = svc.clock.now();
      const c = await tx.comment.create({ data: { claimId: claim.id, authorId: p.userId, text: i.text, createdAt: now } });
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: actorKindOf(p, claim),
        type: 'comment_added',
        at: now,
        summary: 'Comment added',
        data: { commentId: c.id, text: i.text.slice(0, 200) },
      });
      return { claimId: claim.id, version: claim.version, status: claim.status, commentId: c.id };
    }),
  );
  return replayed ? { ...result, replayed: true } : result;
}

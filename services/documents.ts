import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ActorKind, Claim, DocumentKind } from '../prisma/generated/client';
import { isPartner, isReviewer, PARTNER_ROLES, requireRole, requireSameOrganisation, type Principal, principalOf } from './authz';
import { claimFromRow, claimRowJson, loadClaim, staleVersion, versionBump } from './claimHelpers';
import type { Actor, CommandResult, Services } from './context';
import { Prisma, type Tx } from './db/client';
import { parseActivityRules, PROOF_ITEMS, type ProofItem } from './catalogue/rules';
import { conflict, forbidden, invalid, notFound, type FieldIssue } from './errors';
import {
  csrLineExpectedMinor,
  csrLineOk,
  evidenceTotals,
  findDuplicate,
  invoiceDateInWindow,
  invoiceDateWindow,
  invoicesSharingNumbers,
  withinActivity,
  type CsrLine,
} from './evidence';
import { storedFileInput } from './files';
import { historyInsert, sqlTimestamp, type HistoryInput } from './history';
import { alreadyApplied, onceReading } from './idempotency';
import { fields, parseInput, toFieldIssue } from './input';
import { assertEditable, TERMINAL } from './lifecycle';
import { isoDate } from './periods';

// ---------------------------------------------------------------------------------------------
// Access: shared by every claim command in claims.ts, documents.ts, submission.ts, pendingUploads.ts
// ---------------------------------------------------------------------------------------------

/** The acting principal and the claim, reloaded inside the transaction; other organisations are refused (reviewers excepted). */
export async function claimFor(tx: Tx, actor: Actor, claimId: string): Promise<{ p: Principal; claim: Claim }> {
  const p = await principalOf(tx, actor);
  const claim = await loadClaim(tx, claimId);
  requireSameOrganisation(p, claim.organisationId);
  return { p, claim };
}

/** claimFor on the claim row read with the idempotency key (onceReading + claimRowJson). */
async function claimFrom(tx: Tx, actor: Actor, claimId: string, row: unknown): Promise<{ p: Principal; claim: Claim }> {
  const p = await principalOf(tx, actor);
  const claim = claimFromRow(row, claimId);
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

/** Checked before the lifecycle, so a card older than the claim always says "stale" (the bump re-checks under the row lock). */
export function requireVersion(c: Pick<Claim, 'version'>, expected: number): void {
  if (c.version !== expected) {
    throw conflict('stale_version', 'This claim changed since the card was shown', { expected, current: c.version });
  }
}

export const actorKindOf = (p: Principal, c: Pick<Claim, 'organisationId' | 'locationId' | 'programId'>): ActorKind =>
  !isPartnerOn(p, c) && isReviewer(p) ? 'REVIEWER' : 'USER';

type EditContext = {
  tx: Tx;
  p: Principal;
  claim: Claim;
  now: Date;
  /** The claim's version once this change is written. */
  version: number;
  /** The condition every write of the body is gated on (claimHelpers.ts versionBump). */
  ifBumped: Prisma.Sql;
  /** What partnerEdit's `alsoRead` returned (undefined without one). */
  also?: unknown;
  /** The change's history row, as one of its writes: this claim, by this partner, now, gated on `ifBumped`. */
  history: (e: Pick<HistoryInput, 'type' | 'summary' | 'data' | 'documentId'>) => Prisma.Sql;
};
type Extra = Record<string, Prisma.InputJsonValue>;
/**
 * What a body writes: data-modifying CTEs (`name AS (…)`, each gated on `ifBumped`) that partnerEdit
 * puts in one statement after the version bump and the stored result, and the command's extras.
 */
type Edit<E extends Extra> = { extra: E; writes: Prisma.Sql[] };

/**
 * The common shape of a partner's change to an editable claim: one transaction; reload, same
 * organisation, partner role on the claim's scope, version, editable status; then `body` checks
 * what it must (it may read) and says what to write, and one statement bumps the version, stores
 * the command's result and makes the writes. A repeated idempotency key replays the first result.
 *
 * The body's reads happen before the bump: safe, because every change to a claim or its documents
 * bumps its version, so the bump succeeding proves nothing it read on this claim changed since the
 * version the card was rendered with. The bump still takes the claim's row lock before any other row
 * is written (see versionBump), so concurrent writers of one claim queue on its row; the loser of a
 * race writes nothing and gets `stale_version`, as it did when the bump was a statement of its own.
 */
export async function partnerEdit<E extends Extra>(
  svc: Services,
  actor: Actor,
  input: { claimId: string; version: number; idempotencyKey?: string },
  command: string,
  body: (c: EditContext) => Promise<Edit<E>>,
  /**
   * More for `body` to read with the claim (a scalar subquery; `EditContext.read`). It sees the rows
   * as they were before the version bump, which is safe for rows that change only with a bump.
   */
  alsoRead?: Prisma.Sql,
): Promise<CommandResult & E> {
  const read = alsoRead
    ? Prisma.sql`json_build_object('claim', ${claimRowJson(input.claimId)}, 'also', ${alsoRead})`
    : claimRowJson(input.claimId);
  const { result, replayed } = await svc.db.$transaction((tx) =>
    onceReading(tx, input.idempotencyKey, { userId: actor.userId, command }, read, async (value, keeper) => {
      const row = alsoRead ? (value as { claim: unknown } | null)?.claim : value;
      const { p, claim } = await claimFrom(tx, actor, input.claimId, row);
      requirePartnerOn(p, claim);
      requireVersion(claim, input.version);
      assertEditable(claim.status);
      const version = input.version + 1;
      const bump = versionBump(claim.id, input.version);
      const also = alsoRead ? ((value as { also?: unknown } | null)?.also ?? null) : undefined;
      const now = svc.clock.now();
      const history = (e: Pick<HistoryInput, 'type' | 'summary' | 'data' | 'documentId'>) =>
        Prisma.sql`history AS (${historyInsert({ ...e, claimId: claim.id, actorId: p.userId, actorKind: 'USER', at: now }, bump.ifBumped)})`;
      const { extra, writes } = await body({ tx, p, claim, now, version, ifBumped: bump.ifBumped, also, history });
      const result = { claimId: claim.id, version, status: claim.status, ...extra } as CommandResult & E;
      if (!writes.length) throw new Error(`${command} wrote nothing`);
      const [written] = await tx.$queryRaw<Array<{ bumped: number }>>`
        WITH ${bump.cte} ${keeper.cte(result, bump.ifBumped)} ${Prisma.join(writes, ', ')}
        SELECT (SELECT count(*) FROM bumped)::int AS bumped`;
      if (!written?.bumped) return staleVersion(tx, claim.id, input.version);
      return result;
    }),
  );
  return replayed ? { ...result, replayed: true } : result;
}

/** Feedback on a document is settled once that document is replaced or removed. */
export async function resolveDocumentFeedback(tx: Tx, documentId: string, at: Date): Promise<void> {
  await tx.feedback.updateMany({ where: { documentId, resolvedAt: null }, data: { resolvedAt: at } });
}

/** resolveDocumentFeedback with retiring the document itself, as partnerEdit writes (CTEs gated on `ifBumped`). */
const retireDocument = (documentId: string, at: Date, ifBumped: Prisma.Sql): Prisma.Sql[] => [
  Prisma.sql`retired AS (UPDATE "Document" SET "removedAt" = ${sqlTimestamp(at)} WHERE id = ${documentId} AND ${ifBumped})`,
  Prisma.sql`resolved AS (UPDATE "Feedback" SET "resolvedAt" = ${sqlTimestamp(at)}
    WHERE "documentId" = ${documentId} AND "resolvedAt" IS NULL AND ${ifBumped})`,
];

/** A new document as partnerEdit writes it (a CTE gated on `ifBumped`). */
function documentInsert(
  d: {
    id: string;
    claimId: string;
    kind: DocumentKind;
    details: string;
    fields: Prisma.InputJsonValue;
    uploaderId: string;
    replacesId?: string | null;
    file?: { fileKey: string; fileName: string; fileSize: number; contentType: string; sha256: string };
    at: Date;
  },
  ifBumped: Prisma.Sql,
): Prisma.Sql {
  const f = d.file;
  return Prisma.sql`doc AS (
    INSERT INTO "Document" (id, "claimId", kind, details, fields, "fileKey", "fileName", "fileSize", "contentType", sha256,
      "uploaderId", "replacesId", "createdAt")
    SELECT ${d.id}, ${d.claimId}, ${d.kind}::"DocumentKind", ${d.details}, ${JSON.stringify(d.fields)}::jsonb,
      ${f?.fileKey ?? null}, ${f?.fileName ?? null}, ${f?.fileSize ?? null}::int, ${f?.contentType ?? null}, ${f?.sha256 ?? null},
      ${d.uploaderId}, ${d.replacesId ?? null}, ${sqlTimestamp(d.at)}
    WHERE ${ifBumped}
  )`;
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
// Optional card inputs arrive as "" when left blank.
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const invoiceFields = z
  .object({
    vendor: fields.text(200),
    invoiceNumber: fields.text(100),
    invoiceDate: calendarDate,
    amount: fields.amountMinor,
    /** Defaults to the claim's currency; another one is refused when the invoice is added (`documentIssues`). */
    currency: z.preprocess(blank, currencyCode.optional()),
    /** Exams and tuition: the course or exam code and the completion date the invoice shows. */
    courseCode: z.preprocess(blank, fields.text(100).optional()),
    completionDate: z.preprocess(blank, calendarDate.optional()),
  })
  .transform(({ amount, ...rest }) => ({ ...rest, amountMinor: amount }));

/**
 * The proof's explanatory note is the document's `details` (mandatory, see `proofNote`); fields carry
 * which proof items it is (a card's multi-select sends "SCREENSHOT,LANDING_PAGE_URL") and an optional link.
 * A proof that names no item is "other": it backs the claim but none of the activity's required items.
 */
export const proofFields = z.object({
  url: z.preprocess(
    blank,
    z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
  ),
  items: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : v,
    z
      .array(z.enum(PROOF_ITEMS))
      .max(PROOF_ITEMS.length)
      .optional()
      .transform((v): ProofItem[] => (v && v.length ? [...new Set(v)] : ['OTHER'])),
  ),
});
export const proofNote = fields.text(2000);

export const metricFields = z.object({ name: fields.text(100), value: fields.text(200) });

/** A CSR has at most this many lines (the form adds them one at a time). */
export const CSR_MAX_LINES = 10;

const csrLine = z.object({
  /** What the line is for: an expense type ("Staff time, event planning"). */
  item: fields.text(200),
  quantity: z.coerce.number().positive().max(1_000_000),
  unitCost: fields.amountMinor,
  total: fields.amountMinor,
});

const csrShape = {
  description: fields.text(2000),
  lines: z.array(csrLine).min(1).max(CSR_MAX_LINES),
  certifiedBy: fields.text(200),
  // Input.Toggle sends the strings "true"/"false".
  attestation: z.preprocess((v) => (v === 'true' ? true : v), z.literal(true, { error: 'The statement must be certified' })),
  currency: z.preprocess(blank, currencyCode.optional()),
};

/** Each line's total is its quantity × unit cost, within a cent (services/evidence.ts `csrLineOk`). */
const csrArithmetic = (v: { lines?: unknown }, ctx: z.RefinementCtx) => {
  if (!Array.isArray(v.lines)) return;
  v.lines.forEach((l: { quantity?: unknown; unitCost?: unknown; total?: unknown }, n) => {
    if (typeof l?.quantity !== 'number' || typeof l.unitCost !== 'number' || typeof l.total !== 'number') return;
    const line = { item: '', quantity: l.quantity, unitCostMinor: l.unitCost, totalMinor: l.total };
    if (!csrLineOk(line))
      ctx.addIssue({
        code: 'custom',
        path: ['lines', n, 'total'],
        message: `${l.quantity} × ${l.unitCost / 100} is ${csrLineExpectedMinor(line) / 100}, not ${l.total / 100}`,
        params: {
          code: 'csr_line_total',
          quantity: l.quantity,
          unitCostMinor: l.unitCost,
          expectedMinor: csrLineExpectedMinor(line),
          totalMinor: l.total,
        },
      });
  });
};

/** What a CSR stores: its lines in minor units and its total as `amountMinor` (what the evidence rule adds up). */
const csrStored = <T extends { lines: Array<z.infer<typeof csrLine>> }>({ lines, ...rest }: T) => ({
  ...rest,
  lines: lines.map((l) => ({ item: l.item, quantity: l.quantity, unitCostMinor: l.unitCost, totalMinor: l.total })),
  amountMinor: lines.reduce((s, l) => s + l.total, 0),
});

export const csrFields = z.object(csrShape).superRefine(csrArithmetic).transform(csrStored);

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

/**
 * The rules that tie a document being added to its claim, per field so the form shows each where
 * the partner fixes it: one currency per claim, invoice dates within the activity (with the
 * prepayment window), no invoice claimed twice, the invoice facts the activity needs, a link for a
 * landing-page proof. The same predicates make the claim's checklist (services/evidence.ts).
 * `replacesDocumentId`: the document a replacement supersedes (its invoice number is not a duplicate).
 */
export async function documentIssues(
  tx: Tx,
  claim: Claim,
  kind: DocumentKind,
  f: Record<string, unknown>,
  opts: { replacesDocumentId?: string } = {},
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if ((kind === 'INVOICE' || kind === 'CSR') && str(f.currency) && f.currency !== claim.currency)
    issues.push({
      path: 'fields.currency',
      code: 'currency_mismatch',
      message: `This claim is in ${claim.currency}; a document in ${str(f.currency)} cannot be added to it`,
      params: { claimCurrency: claim.currency, currency: str(f.currency) },
    });
  if (kind === 'PROOF' && Array.isArray(f.items) && f.items.includes('LANDING_PAGE_URL') && !str(f.url))
    issues.push({ path: 'fields.url', code: 'landing_page_url_required', message: 'Enter the landing-page URL this proof shows' });
  if (kind !== 'INVOICE') return issues;

  const invoiceDate = str(f.invoiceDate);
  if (invoiceDate && !invoiceDateInWindow(invoiceDate, claim)) {
    const w = invoiceDateWindow(claim);
    issues.push({
      path: 'fields.invoiceDate',
      code: 'invoice_date_outside_activity',
      message: `Must be between ${w.earliest} (${w.graceDays} days before the activity, for prepayments) and ${w.latest}`,
      params: w,
    });
  }
  // One after the other: a transaction is one connection, and pg queues overlapping queries (deprecated in pg 9).
  const at = await tx.activityType.findUniqueOrThrow({ where: { id: claim.activityTypeId } });
  const alloc = await tx.fundAllocation.findUniqueOrThrow({ where: { id: claim.fundAllocationId }, select: { period: true } });
  for (const fact of parseActivityRules(at.rules).invoiceFacts) {
    if (!str(f[fact]).trim())
      issues.push({
        path: `fields.${fact}`,
        code: 'required_for_activity',
        message: `${at.name} invoices must show this`,
        params: { activity: at.name },
      });
  }
  const completion = str(f.completionDate);
  if (completion && !withinActivity(completion, claim))
    issues.push({
      path: 'fields.completionDate',
      code: 'completion_date_outside_activity',
      message: `Must be a day of the activity, ${isoDate(claim.activityStart)} – ${isoDate(claim.activityEnd)}`,
      params: { start: isoDate(claim.activityStart), end: isoDate(claim.activityEnd) },
    });
  const number = str(f.invoiceNumber);
  if (number) {
    const onRecord = await invoicesSharingNumbers(tx, { organisationId: claim.organisationId, period: alloc.period }, [number]);
    const exclude = new Set(opts.replacesDocumentId ? [opts.replacesDocumentId] : []);
    const { blockedBy } = findDuplicate({ vendor: str(f.vendor), invoiceNumber: number }, onRecord, exclude);
    if (blockedBy)
      issues.push({
        path: 'fields.invoiceNumber',
        code: 'duplicate_invoice',
        message: `Invoice ${number} is already on claim ${blockedBy.claimNumber} (${blockedBy.claimStatus})`,
        params: {
          invoiceNumber: number,
          claimNumber: blockedBy.claimNumber,
          status: blockedBy.claimStatus,
          sameClaim: blockedBy.claimId === claim.id,
        },
      });
  }
  return issues;
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
  return partnerEdit(
    svc,
    actor,
    i,
    'addMetric',
    async ({ p, claim, now, ifBumped, also, history }) => {
      // The claim's active metrics, read with the claim (alsoRead below). Every change to a claim's
      // documents bumps its version, so partnerEdit's successful bump proves they are still these.
      const metrics = activeMetrics.parse(also ?? []);
      const old = metrics.find((m) => String((m.fields as { name?: unknown }).name ?? '').toLowerCase() === i.name.toLowerCase());
      const documentId = randomUUID();
      // Retire the metric it replaces (settling that one's feedback), add it, record it: with the bump, one statement.
      return {
        extra: { documentId },
        writes: [
          ...(old ? retireDocument(old.id, now, ifBumped) : []),
          documentInsert(
            {
              id: documentId,
              claimId: claim.id,
              kind: 'METRIC',
              details: i.details ?? '',
              fields: { name: i.name, value: i.value },
              uploaderId: p.userId,
              replacesId: old?.id ?? null,
              at: now,
            },
            ifBumped,
          ),
          history({
            type: 'metric_added',
            documentId,
            summary: `Metric ${i.name}: ${i.value}`,
            data: { name: i.name, value: i.value, ...(old ? { replacedDocumentId: old.id } : {}) },
          }),
        ],
      };
    },
    Prisma.sql`(SELECT COALESCE(json_agg(json_build_object('id', d.id, 'fields', d.fields)), '[]'::json)
      FROM "Document" d WHERE d."claimId" = ${i.claimId} AND d.kind = 'METRIC' AND d."removedAt" IS NULL)`,
  );
}

const activeMetrics = z.array(z.object({ id: z.string(), fields: z.unknown() }));

const csrCommandInput = z
  .object({ ...claimRef, ...csrShape })
  .superRefine(csrArithmetic)
  .transform(csrStored);
export const generateCsrInput = z
  .object({ ...claimRef, ...csrShape, file: storedFileInput })
  .superRefine(csrArithmetic)
  .transform(csrStored);

/** What a CSR's PDF shows: the claim it certifies costs for, the statement, and how it stands against the claimed amount. */
export type CsrDocumentView = {
  claim: {
    number: string;
    name: string;
    organisation: string;
    location: { name: string; partnerId: string };
    program: string;
    period: string;
    usageStart: string;
    usageEnd: string;
    activityType: { name: string; nameKo: string };
    activityStart: string;
    activityEnd: string;
    amountMinor: number;
    currency: string;
  };
  csr: { description: string; lines: CsrLine[]; totalMinor: number; certifiedBy: string; currency: string };
  /** Invoices and other CSRs already on the claim, this CSR, and what the claimed amount exceeds them by (negative: covered). */
  evidence: { otherInvoicesMinor: number; otherCsrsMinor: number; totalMinor: number; claimedMinor: number; uncoveredMinor: number };
  preparedBy: string;
  preparedAt: Date;
};

type CsrStatement = { description: string; lines: CsrLine[]; amountMinor: number; certifiedBy: string; currency?: string };

/** What the PDF of `csr` on `claim` shows (read only). */
async function csrView(tx: Tx, p: Principal, claim: Claim, csr: CsrStatement, now: Date): Promise<CsrDocumentView> {
  const c = await tx.claim.findUniqueOrThrow({
    where: { id: claim.id },
    include: {
      organisation: { select: { name: true } },
      location: { select: { name: true, partnerId: true } },
      program: { select: { name: true } },
      allocation: { select: { period: true, usageStart: true, usageEnd: true } },
      activityType: { select: { name: true, nameKo: true } },
      documents: { where: { removedAt: null, kind: { in: ['INVOICE', 'CSR'] } }, select: { kind: true, fields: true } },
    },
  });
  const others = evidenceTotals(c.documents, claim.currency);
  const totalMinor = others.evidenceMinor + csr.amountMinor;
  return {
    claim: {
      number: c.number,
      name: c.name,
      organisation: c.organisation.name,
      location: c.location,
      program: c.program.name,
      period: c.allocation.period,
      usageStart: isoDate(c.allocation.usageStart),
      usageEnd: isoDate(c.allocation.usageEnd),
      activityType: c.activityType,
      activityStart: isoDate(c.activityStart),
      activityEnd: isoDate(c.activityEnd),
      amountMinor: c.amountMinor,
      currency: c.currency,
    },
    csr: {
      description: csr.description,
      lines: csr.lines,
      totalMinor: csr.amountMinor,
      certifiedBy: csr.certifiedBy,
      currency: claim.currency,
    },
    evidence: {
      otherInvoicesMinor: others.invoicesMinor,
      otherCsrsMinor: others.csrsMinor,
      totalMinor,
      claimedMinor: c.amountMinor,
      uncoveredMinor: c.amountMinor - totalMinor,
    },
    preparedBy: p.displayName,
    preparedAt: now,
  };
}

/**
 * Step 1 of a CSR: check the form (every line's arithmetic, the currency) and the claim, and return
 * what its PDF shows. Nothing is written; the bot renders the PDF, stores it, then calls `generateCsr`.
 * A card whose CSR was already generated (the same idempotency key: a second click) gets
 * `{ alreadyGenerated: true }`, as `generateCsr` would replay it, instead of "the claim changed".
 */
export async function previewCsr(svc: Services, actor: Actor, input: unknown): Promise<CsrDocumentView | { alreadyGenerated: true }> {
  const { claimId, version, idempotencyKey, ...csr } = parseInput(csrCommandInput, input);
  return svc.db.$transaction(async (tx) => {
    if (idempotencyKey && (await alreadyApplied(tx, idempotencyKey, { userId: actor.userId, command: 'generateCsr' })))
      return { alreadyGenerated: true as const };
    const { p, claim } = await claimFor(tx, actor, claimId);
    requirePartnerOn(p, claim);
    requireVersion(claim, version);
    assertEditable(claim.status);
    const issues = await documentIssues(tx, claim, 'CSR', csr);
    if (issues.length) throw invalid(issues);
    return csrView(tx, p, claim, csr, svc.clock.now());
  });
}

/**
 * Step 2: a Certification Statement and Report, the self-certified cost statement generated from
 * the form, added with its PDF (`file`, already stored) like any other document.
 */
export async function generateCsr(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { documentId: string }> {
  const { claimId, version, idempotencyKey, file, ...csr } = parseInput(generateCsrInput, input);
  return partnerEdit(svc, actor, { claimId, version, idempotencyKey }, 'generateCsr', async ({ tx, p, claim, now, ifBumped, history }) => {
    const issues = await documentIssues(tx, claim, 'CSR', csr);
    if (issues.length) throw invalid(issues);
    const stored = { ...csr, currency: csr.currency ?? claim.currency };
    const documentId = randomUUID();
    return {
      extra: { documentId },
      writes: [
        documentInsert(
          {
            id: documentId,
            claimId: claim.id,
            kind: 'CSR',
            details: csr.description,
            fields: stored,
            file: { ...file, sha256: file.sha256.toLowerCase() },
            uploaderId: p.userId,
            at: now,
          },
          ifBumped,
        ),
        history({
          type: 'csr_generated',
          documentId,
          summary: `CSR of ${csr.lines.length} line(s) certified by ${csr.certifiedBy}`,
          data: {
            lines: csr.lines.length,
            amountMinor: csr.amountMinor,
            currency: stored.currency,
            certifiedBy: csr.certifiedBy,
            fileName: file.fileName,
          },
        }),
      ],
    };
  });
}

export const addAdditionalInfoInput = z.object({ ...claimRef, text: fields.text(4000) });

export async function addAdditionalInfo(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { documentId: string }> {
  const i = parseInput(addAdditionalInfoInput, input);
  return partnerEdit(svc, actor, i, 'addAdditionalInfo', async ({ p, claim, now, ifBumped, history }) => {
    const documentId = randomUUID();
    return {
      extra: { documentId },
      writes: [
        documentInsert(
          { id: documentId, claimId: claim.id, kind: 'ADDITIONAL_INFO', details: i.text, fields: {}, uploaderId: p.userId, at: now },
          ifBumped,
        ),
        history({
          type: 'additional_info_added',
          documentId,
          summary: 'Additional information added',
          data: { text: i.text.slice(0, 200) },
        }),
      ],
    };
  });
}

export const removeDocumentInput = z.object({ ...claimRef, documentId: fields.id });
const removableDocument = z.object({
  id: z.string(),
  kind: z.enum(['INVOICE', 'PROOF', 'METRIC', 'CSR', 'ADDITIONAL_INFO'] as const satisfies readonly DocumentKind[]),
  fileName: z.string().nullable(),
});

/** Soft delete: the document stays for history; open feedback on it is settled. */
export async function removeDocument(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(removeDocumentInput, input);
  return partnerEdit(
    svc,
    actor,
    i,
    'removeDocument',
    async ({ now, ifBumped, also, history }) => {
      // The document, read with the claim (alsoRead below): as of the version the card was shown with.
      const doc = removableDocument.nullable().parse(also ?? null);
      if (!doc) throw notFound('document', i.documentId);
      return {
        extra: {},
        writes: [
          ...retireDocument(doc.id, now, ifBumped),
          history({
            type: 'document_removed',
            documentId: doc.id,
            summary: `${doc.kind} ${doc.fileName ?? ''} removed`.replace(/\s+/g, ' '),
            data: { kind: doc.kind, fileName: doc.fileName },
          }),
        ],
      };
    },
    Prisma.sql`(SELECT json_build_object('id', d.id, 'kind', d.kind, 'fileName', d."fileName")
      FROM "Document" d WHERE d.id = ${i.documentId} AND d."claimId" = ${i.claimId} AND d."removedAt" IS NULL)`,
  );
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
    onceReading(tx, i.idempotencyKey, { userId: actor.userId, command: 'addComment' }, claimRowJson(i.claimId), async (row, keeper) => {
      const { p, claim } = await claimFrom(tx, actor, i.claimId, row);
      const colleague =
        !isPartnerOn(p, claim) &&
        !isReviewer(p) &&
        (await tx.uploadRequest.count({ where: { claimId: claim.id, assigneeId: p.userId } })) > 0;
      if (!isPartnerOn(p, claim) && !isReviewer(p) && !colleague)
        throw forbidden('role_required', 'Only people on the claim can comment', { roles: [...PARTNER_ROLES, 'REVIEWER'] });
      if (TERMINAL.includes(claim.status))
        throw conflict('claim_closed', `A claim that is ${claim.status} takes no more comments`, { status: claim.status });
      const now = svc.clock.now();
      const commentId = randomUUID();
      const result = { claimId: claim.id, version: claim.version, status: claim.status, commentId };
      // The comment, its history row and the command's result in one statement.
      await tx.$executeRaw`
        WITH ${keeper.cte(result)} c AS (
          INSERT INTO "Comment" (id, "claimId", "authorId", text, "createdAt")
          VALUES (${commentId}, ${claim.id}, ${p.userId}, ${i.text}, ${sqlTimestamp(now)})
        )
        ${historyInsert({
          claimId: claim.id,
          actorId: p.userId,
          actorKind: actorKindOf(p, claim),
          type: 'comment_added',
          at: now,
          summary: 'Comment added',
          data: { commentId, text: i.text.slice(0, 200) },
        })}`;
      return result;
    }),
  );
  return replayed ? { ...result, replayed: true } : result;
}

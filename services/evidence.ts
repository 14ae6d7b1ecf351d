import { addDays } from 'date-fns';
import type { ClaimStatus, DocumentKind } from '../prisma/generated/client';
import type { InvoiceFact, ProofItem } from './catalogue/rules';
import type { Db, Tx } from './db/client';
import { isoDate } from './periods';

/**
 * The facts on a claim's evidence (invoices, CSRs, proofs) and the rules that hold them against the
 * claim. One definition: the add forms refuse with these (services/documents.ts, pendingUploads.ts)
 * and the completeness checklist and submit report them (services/submission.ts). docs/domain.md
 * "Evidence decisions" explains each one.
 */

/** Days before the activity's first day an invoice may be dated: deposits and prepayments (docs/domain.md). */
export const INVOICE_PREPAYMENT_DAYS = 30;

type Fields = Record<string, unknown>;
const fieldsOf = (d: { fields: unknown }): Fields =>
  d.fields && typeof d.fields === 'object' && !Array.isArray(d.fields) ? (d.fields as Fields) : {};
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : 0);

// ---------------------------------------------------------------------------------------------
// Invoices: dates, duplicates, facts
// ---------------------------------------------------------------------------------------------

export type ActivityDates = { activityStart: Date; activityEnd: Date };

/** Invoices are dated from INVOICE_PREPAYMENT_DAYS before the activity's first day to its last day, inclusive. */
export function invoiceDateWindow(c: ActivityDates): { earliest: string; latest: string; start: string; end: string; graceDays: number } {
  return {
    earliest: isoDate(addDays(c.activityStart, -INVOICE_PREPAYMENT_DAYS)),
    latest: isoDate(c.activityEnd),
    start: isoDate(c.activityStart),
    end: isoDate(c.activityEnd),
    graceDays: INVOICE_PREPAYMENT_DAYS,
  };
}

export const invoiceDateInWindow = (date: string, c: ActivityDates) => {
  const w = invoiceDateWindow(c);
  return date >= w.earliest && date <= w.latest;
};

/** A completion date (exams) is a day of the activity itself. */
export const withinActivity = (date: string, c: ActivityDates) => date >= isoDate(c.activityStart) && date <= isoDate(c.activityEnd);

/**
 * Invoice numbers compare without case, spaces or punctuation ("inv-0042" = "INV 0042"). Only ASCII
 * letters and digits count, the same in SQL (`invoicesSharingNumbers`) and here.
 */
export const invoiceNumberKey = (n: string) => n.toUpperCase().replace(/[^A-Z0-9]/g, '');

const LEGAL_FORMS = [
  'incorporated',
  'corporation',
  'company',
  'limited',
  'gmbh',
  'corp',
  'inc',
  'ltd',
  'llc',
  'llp',
  'plc',
  'pty',
  'co',
  'ag',
  'sa',
  'bv',
  'nv',
  'kk',
  '주식회사',
  '유한회사',
  '주',
];

const KOREAN_FORMS = ['주식회사', '유한회사', '주'];

/** Vendors compare without case, punctuation, spaces or a legal form ("Contoso Ads, Inc." = "contoso ads"). */
export function vendorKey(v: string): string {
  let words = v
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const isForm = (w: string | undefined) => w !== undefined && LEGAL_FORMS.includes(w);
  while (words.length > 1 && isForm(words[words.length - 1])) words = words.slice(0, -1);
  // Korean legal forms also come first ("주식회사 콘토소", "(주)콘토소").
  while (words.length > 1 && KOREAN_FORMS.includes(words[0]!)) words = words.slice(1);
  return words.join('');
}

/** An invoice on some claim of the organisation and usage period, as the duplicate rule needs it. */
export type InvoiceOnRecord = {
  documentId: string;
  claimId: string;
  claimNumber: string;
  claimStatus: ClaimStatus;
  /** Never submitted: a cancelled or expired draft whose invoice was never claimed. */
  neverSubmitted: boolean;
  createdAt: Date;
  vendor: string;
  invoiceNumber: string;
};

/**
 * Active invoices on any claim of `organisationId` in usage period `period` (every location and
 * program) whose number matches one of `numbers` once normalised. One query; only the candidates
 * sharing a number come back, so it stays cheap for an organisation with many claims.
 */
export async function invoicesSharingNumbers(
  db: Db | Tx,
  scope: { organisationId: string; period: string },
  numbers: string[],
): Promise<InvoiceOnRecord[]> {
  const keys = [...new Set(numbers.map(invoiceNumberKey).filter(Boolean))];
  if (keys.length === 0) return [];
  const rows = await db.$queryRaw<InvoiceRecordRow[]>`
    SELECT d.id AS "documentId", c.id AS "claimId", c.number AS "claimNumber", c.status::text AS "claimStatus",
           c."submittedAt", d."createdAt", d.fields->>'vendor' AS vendor, d.fields->>'invoiceNumber' AS "invoiceNumber"
    FROM "Document" d
    JOIN "Claim" c ON c.id = d."claimId"
    JOIN "FundAllocation" a ON a.id = c."fundAllocationId"
    WHERE d.kind = 'INVOICE' AND d."removedAt" IS NULL
      AND c."organisationId" = ${scope.organisationId} AND a.period = ${scope.period}
      AND regexp_replace(upper(d.fields->>'invoiceNumber'), '[^A-Z0-9]', '', 'g') = ANY(${keys})`;
  return rows.map(toInvoiceOnRecord);
}

/** An invoice of the organisation and period as SQL returns it (here and in services/claimView.ts). */
export type InvoiceRecordRow = {
  documentId: string;
  claimId: string;
  claimNumber: string;
  claimStatus: ClaimStatus;
  submittedAt: Date | null;
  createdAt: Date;
  vendor: string | null;
  invoiceNumber: string | null;
};

/** An invoice row as the duplicate rule sees it (also from services/claimView.ts). */
export function toInvoiceOnRecord(r: InvoiceRecordRow): InvoiceOnRecord {
  return {
    documentId: r.documentId,
    claimId: r.claimId,
    claimNumber: r.claimNumber,
    claimStatus: r.claimStatus,
    neverSubmitted: r.submittedAt === null && (r.claimStatus === 'CANCELLED' || r.claimStatus === 'EXPIRED'),
    createdAt: r.createdAt,
    vendor: r.vendor ?? '',
    invoiceNumber: r.invoiceNumber ?? '',
  };
}

export type DuplicateFinding = {
  /** The earlier invoice this one repeats: it blocks this one. */
  blockedBy: InvoiceOnRecord | null;
  /** The same invoice on a draft that was cancelled or expired before it was ever submitted: said, not refused. */
  onUnsubmittedDraft: InvoiceOnRecord | null;
};

/**
 * Whether an invoice (vendor + number) repeats one already on record. The earlier document wins:
 * the later one is the duplicate, on whichever claim (the same claim included). A draft that was
 * cancelled or expired without ever being submitted never claimed its invoice, so it does not block.
 */
export function findDuplicate(
  invoice: { documentId?: string; vendor: string; invoiceNumber: string; createdAt?: Date },
  onRecord: InvoiceOnRecord[],
  exclude: ReadonlySet<string> = new Set(),
): DuplicateFinding {
  const number = invoiceNumberKey(invoice.invoiceNumber);
  const vendor = vendorKey(invoice.vendor);
  const same = onRecord.filter(
    (r) =>
      r.documentId !== invoice.documentId &&
      !exclude.has(r.documentId) &&
      invoiceNumberKey(r.invoiceNumber) === number &&
      vendorKey(r.vendor) === vendor,
  );
  // A new invoice (not stored yet) comes after everything on record.
  const earlier = (r: InvoiceOnRecord) =>
    !invoice.createdAt ||
    r.createdAt < invoice.createdAt ||
    (r.createdAt.getTime() === invoice.createdAt.getTime() && r.documentId < (invoice.documentId ?? ''));
  const byAge = same.filter(earlier).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return {
    blockedBy: byAge.find((r) => !r.neverSubmitted) ?? null,
    onUnsubmittedDraft: byAge.find((r) => r.neverSubmitted) ?? null,
  };
}

export const invoiceFactValue = (d: { fields: unknown }, fact: InvoiceFact) => text(fieldsOf(d)[fact]).trim();

// ---------------------------------------------------------------------------------------------
// CSR lines and money
// ---------------------------------------------------------------------------------------------

export type CsrLine = { item: string; quantity: number; unitCostMinor: number; totalMinor: number };

/** A line total may differ from quantity × unit cost by rounding, at most one cent (one minor unit). */
export const csrLineExpectedMinor = (l: Pick<CsrLine, 'quantity' | 'unitCostMinor'>) => Math.round(l.quantity * l.unitCostMinor);
export const csrLineOk = (l: CsrLine) => Math.abs(l.quantity * l.unitCostMinor - l.totalMinor) <= 1;

/** A CSR's lines; CSRs made before lines existed had one (expense type, quantity, rate, amount). */
export function csrLinesOf(d: { fields: unknown }): CsrLine[] {
  const f = fieldsOf(d);
  if (Array.isArray(f.lines))
    return f.lines.map((l: unknown) => {
      const x = l && typeof l === 'object' ? (l as Fields) : {};
      return { item: text(x.item), quantity: Number(x.quantity) || 0, unitCostMinor: int(x.unitCostMinor), totalMinor: int(x.totalMinor) };
    });
  return [
    { item: text(f.expenseType), quantity: Number(f.quantity) || 0, unitCostMinor: int(f.rateMinor), totalMinor: int(f.amountMinor) },
  ];
}

/** What an invoice or CSR is worth, in minor units of its currency (the claim's when it names none). */
export const documentAmountMinor = (d: { fields: unknown }) => int(fieldsOf(d).amountMinor);
export const documentCurrency = (d: { fields: unknown }, claimCurrency: string) => text(fieldsOf(d).currency) || claimCurrency;

export type EvidenceTotals = { invoicesMinor: number; csrsMinor: number; evidenceMinor: number };

/** Invoices and CSRs in the claim's currency (others are refused when added; see the one-currency rule). */
export function evidenceTotals(documents: Array<{ kind: DocumentKind; fields: unknown }>, claimCurrency: string): EvidenceTotals {
  const sum = (kind: DocumentKind) =>
    documents
      .filter((d) => d.kind === kind && documentCurrency(d, claimCurrency) === claimCurrency)
      .reduce((s, d) => s + documentAmountMinor(d), 0);
  const invoicesMinor = sum('INVOICE');
  const csrsMinor = sum('CSR');
  return { invoicesMinor, csrsMinor, evidenceMinor: invoicesMinor + csrsMinor };
}

// ---------------------------------------------------------------------------------------------
// Proofs
// ---------------------------------------------------------------------------------------------

/** The items a proof says it is; proofs added before items existed are "other". */
export function proofItemsOf(d: { fields: unknown }): ProofItem[] {
  const items = fieldsOf(d).items;
  return Array.isArray(items) ? (items.filter((i) => typeof i === 'string') as ProofItem[]) : ['OTHER'];
}

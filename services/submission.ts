import { z } from 'zod';
import type { ActivityType, Claim, Document, FundAllocation, Program } from '../prisma/generated/client';
import { reviewerIdsFor } from './authz';
import { bumpVersion } from './claimHelpers';
import type { Actor, CommandResult, Services } from './context';
import type { Db, Tx } from './db/client';
import { claimFor, requirePartnerOn, requireVersion } from './documents';
import { ruleFailed } from './errors';
import { recordHistory } from './history';
import { once } from './idempotency';
import { fields, parseInput } from './input';
import { COUNTS_AS_CLAIMED, transition } from './lifecycle';
import { enqueueNotification } from './notifications';
import { remainingMinor, windowOpen } from './funds';
import { applicableCaps, parseActivityRules, type ActivityRules } from './catalogue/rules';
import {
  csrLineOk,
  csrLinesOf,
  evidenceTotals,
  findDuplicate,
  invoiceDateInWindow,
  invoiceDateWindow,
  invoiceFactValue,
  invoicesSharingNumbers,
  proofItemsOf,
  type InvoiceOnRecord,
} from './evidence';
import { isoDate } from './periods';
import type { ChecklistItem } from './views';

export type CompletenessInput = {
  claim: Pick<Claim, 'amountMinor' | 'currency' | 'preApprovalId' | 'activityStart' | 'activityEnd'> & Partial<Pick<Claim, 'id'>>;
  /** Active documents only. */
  documents: Array<Pick<Document, 'kind' | 'details' | 'fields'> & Partial<Pick<Document, 'id' | 'createdAt' | 'reviewState'>>>;
  /** Invoices of the organisation and usage period sharing a number with this claim's (`invoicesSharingNumbers`). */
  invoicesOnRecord?: InvoiceOnRecord[];
  activityType: Pick<ActivityType, 'requiredMetrics' | 'requiresPreApproval' | 'rules'>;
  /** The claim's program: caps have per-program exceptions (Surface). */
  program: Pick<Program, 'code' | 'name'>;
  allocation: Pick<FundAllocation, 'earnedMinor' | 'claimingDeadline' | 'currency'>;
  /** Remaining co-op on the allocation, not counting this claim. */
  remainingMinor: number;
  /** What other claims of the same activity (any catalogue revision) already hold on this allocation, for its caps. */
  activityUsedMinor: number;
  now: Date;
};

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const fieldOf = (d: Pick<Document, 'fields'>, k: string): unknown =>
  d.fields && typeof d.fields === 'object' && !Array.isArray(d.fields) ? (d.fields as Record<string, unknown>)[k] : undefined;
/** An invoice document's number as the duplicate rule reads it. */
export const invoiceNumberOf = (d: Pick<Document, 'fields'>) => str(fieldOf(d, 'invoiceNumber'));

/** The evidence lines of the checklist: invoices and CSRs against the claimed amount, their dates, duplicates and facts. */
function evidenceRules(i: CompletenessInput, atRules: ActivityRules): ChecklistItem[] {
  const { claim, documents } = i;
  const currency = claim.currency;
  const invoices = documents.filter((d) => d.kind === 'INVOICE');
  const csrs = documents.filter((d) => d.kind === 'CSR');
  const rules: ChecklistItem[] = [];
  rules.push({ rule: 'invoice_or_csr', ok: invoices.length + csrs.length > 0 });
  const totals = evidenceTotals(documents, currency);
  rules.push({
    rule: 'evidence_covers_amount',
    ok: totals.evidenceMinor >= claim.amountMinor,
    params: { ...totals, claimedMinor: claim.amountMinor, differenceMinor: claim.amountMinor - totals.evidenceMinor, currency },
  });
  if (invoices.length) {
    const w = invoiceDateWindow(claim);
    const outside = invoices.filter((d) => !invoiceDateInWindow(str(fieldOf(d, 'invoiceDate')), claim));
    if (outside.length === 0) rules.push({ rule: 'invoice_dates', ok: true, params: w });
    for (const d of outside)
      rules.push({
        rule: 'invoice_date',
        ok: false,
        params: { ...w, invoiceNumber: str(fieldOf(d, 'invoiceNumber')), invoiceDate: str(fieldOf(d, 'invoiceDate')) },
      });
    const onRecord = i.invoicesOnRecord ?? [];
    const duplicates: ChecklistItem[] = [];
    for (const d of invoices) {
      const found = findDuplicate(
        { documentId: d.id, createdAt: d.createdAt, vendor: str(fieldOf(d, 'vendor')), invoiceNumber: str(fieldOf(d, 'invoiceNumber')) },
        onRecord,
      );
      const on = found.blockedBy ?? found.onUnsubmittedDraft;
      if (!on) continue;
      duplicates.push({
        rule: found.blockedBy ? 'invoice_duplicate' : 'invoice_on_unsubmitted_draft',
        ok: !found.blockedBy,
        params: {
          invoiceNumber: str(fieldOf(d, 'invoiceNumber')),
          claimNumber: on.claimNumber,
          status: on.claimStatus,
          sameClaim: on.claimId === claim.id,
        },
      });
    }
    if (!duplicates.some((r) => !r.ok)) rules.push({ rule: 'invoice_unique', ok: true });
    rules.push(...duplicates);
  }
  for (const fact of atRules.invoiceFacts) {
    const missing = invoices.filter((d) => !invoiceFactValue(d, fact)).length;
    rules.push({ rule: 'invoice_fact', ok: invoices.length > 0 && missing === 0, params: { fact, missing } });
  }
  if (csrs.length) {
    const wrong = csrs.filter((d) => !csrLinesOf(d).every(csrLineOk)).length;
    rules.push({ rule: 'csr_arithmetic', ok: wrong === 0, ...(wrong ? { params: { count: wrong } } : {}) });
  }
  return rules;
}

/**
 * What a claim needs before it can be submitted (docs/domain.md "Completeness"), each rule with an
 * ok flag. Pure, and the only definition: the claim card's checklist and `submitClaim` both come
 * from it, so they never disagree. Rules that do not apply (no pre-approval needed, no cap, no
 * required proof items) are left out.
 */
export function completenessRules(i: CompletenessInput): ChecklistItem[] {
  const { claim, documents, activityType: at } = i;
  const atRules = parseActivityRules(at.rules);
  const proofs = documents.filter((d) => d.kind === 'PROOF');
  const rules: ChecklistItem[] = evidenceRules(i, atRules);
  rules.push({ rule: 'proof_present', ok: proofs.length > 0 });
  const unnoted = proofs.filter((d) => d.details.trim() === '').length;
  rules.push({ rule: 'proof_notes', ok: unnoted === 0, ...(unnoted ? { params: { missing: unnoted } } : {}) });
  const shown = new Set(proofs.flatMap((d) => proofItemsOf(d)));
  for (const item of atRules.proofItems) rules.push({ rule: 'proof_item', ok: shown.has(item), params: { item } });
  // What a reviewer marked "needs fix" is replaced or removed before the claim goes back (issue #5).
  const needsFix = documents.filter((d) => d.reviewState === 'NEEDS_FIX').length;
  if (needsFix) rules.push({ rule: 'needs_fix_resolved', ok: false, params: { count: needsFix } });
  const metricNames = new Set(documents.filter((d) => d.kind === 'METRIC').map((d) => str(fieldOf(d, 'name')).trim().toLowerCase()));
  for (const name of at.requiredMetrics)
    rules.push({ rule: 'required_metric', ok: metricNames.has(name.trim().toLowerCase()), params: { name } });
  rules.push({ rule: 'amount_positive', ok: claim.amountMinor > 0 });
  rules.push({
    rule: 'within_remaining',
    ok: claim.amountMinor <= i.remainingMinor,
    params: { remainingMinor: i.remainingMinor, amountMinor: claim.amountMinor, currency: claim.currency },
  });
  rules.push({
    rule: 'before_deadline',
    ok: windowOpen(i.allocation.claimingDeadline, i.now),
    params: { deadline: isoDate(i.allocation.claimingDeadline) },
  });
  if (at.requiresPreApproval) rules.push({ rule: 'pre_approval_id', ok: !!claim.preApprovalId?.trim() });
  const caps = applicableCaps(atRules, {
    programCode: i.program.code,
    earnedMinor: i.allocation.earnedMinor,
    currency: i.allocation.currency,
  });
  for (const cap of caps) {
    const usedMinor = cap.per === 'usage_period' ? i.activityUsedMinor : 0;
    const percent = cap.terms.find((t) => 'percentOfEarned' in t);
    const fixed = cap.terms.find((t) => 'amountMinor' in t);
    rules.push({
      rule: 'activity_cap',
      ok: usedMinor + claim.amountMinor <= cap.capMinor,
      params: {
        per: cap.per,
        capMinor: cap.capMinor,
        usedMinor,
        currency: claim.currency,
        ...(percent ? { percentOfEarned: percent.percentOfEarned } : {}),
        ...(fixed ? { fixedMinor: fixed.amountMinor } : {}),
        ...(cap.exceptionFor ? { exceptionProgram: i.program.name } : {}),
      },
    });
  }
  // One currency per claim (legacy rule): money-bearing documents without a currency are in the claim's.
  const currencies = [
    ...new Set(documents.filter((d) => d.kind === 'INVOICE' || d.kind === 'CSR').map((d) => str(fieldOf(d, 'currency')) || claim.currency)),
  ];
  const foreign = currencies.filter((c) => c !== claim.currency);
  rules.push({
    rule: 'single_currency',
    ok: foreign.length === 0,
    ...(foreign.length ? { params: { currency: claim.currency, others: foreign } } : {}),
  });
  return rules;
}

/** Gathers what `completenessRules` needs for a stored claim. */
export async function loadCompletenessInput(db: Db | Tx, claim: Claim, now: Date): Promise<CompletenessInput> {
  const activityType = await db.activityType.findUniqueOrThrow({ where: { id: claim.activityTypeId } });
  // One after the other: submit runs this inside its transaction (one connection), where pg would
  // queue overlapping queries anyway (and deprecates doing so in pg 9).
  const documents = await db.document.findMany({
    where: { claimId: claim.id, removedAt: null },
    select: { id: true, kind: true, details: true, fields: true, reviewState: true, createdAt: true },
  });
  const allocation = await db.fundAllocation.findUniqueOrThrow({
    where: { id: claim.fundAllocationId },
    include: { program: { select: { code: true, name: true } } },
  });
  const remaining = await remainingMinor(db, claim.fundAllocationId, claim.id);
  const used = await db.claim.groupBy({
    by: ['status'],
    where: {
      fundAllocationId: claim.fundAllocationId,
      activityType: { code: activityType.code },
      status: { in: [...COUNTS_AS_CLAIMED] },
      id: { not: claim.id },
    },
    _sum: { amountMinor: true, approvedMinor: true },
  });
  const activityUsedMinor = used.reduce((s, g) => s + ((g.status === 'APPROVED' ? g._sum.approvedMinor : g._sum.amountMinor) ?? 0), 0);
  const invoiceNumbers = documents.filter((d) => d.kind === 'INVOICE').map(invoiceNumberOf);
  const invoicesOnRecord = await invoicesSharingNumbers(
    db,
    { organisationId: claim.organisationId, period: allocation.period },
    invoiceNumbers,
  );
  return {
    invoicesOnRecord,
    claim,
    documents,
    activityType,
    program: allocation.program,
    allocation,
    remainingMinor: remaining,
    activityUsedMinor,
    now,
  };
}

export const submitClaimInput = z.object({ claimId: fields.id, version: fields.version, idempotencyKey: fields.idempotencyKey.optional() });

/**
 * Submit (from EDITING) or resubmit (from ACTION_REQUIRED). Every failing completeness rule is
 * reported at once (`rule_failed` / `incomplete`), and reviewers are told the claim needs review.
 */
export async function submitClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(submitClaimInput, input);
  const { result, replayed } = await svc.db.$transaction((tx) =>
    once(tx, i.idempotencyKey, { userId: actor.userId, command: 'submitClaim' }, async () => {
      const { p, claim } = await claimFor(tx, actor, i.claimId);
      requirePartnerOn(p, claim);
      requireVersion(claim, i.version);
      const action = claim.status === 'ACTION_REQUIRED' ? 'resubmit' : 'submit';
      const to = transition(action, claim.status);
      const now = svc.clock.now();
      // The allocation row is locked so that two submissions, or a submission and a funds import
      // lowering the earned amount, cannot both pass the remaining-funds rule.
      await tx.$queryRaw`SELECT id FROM "FundAllocation" WHERE id = ${claim.fundAllocationId} FOR UPDATE`;
      const failing = completenessRules(await loadCompletenessInput(tx, claim, now)).filter((r) => !r.ok);
      if (failing.length)
        throw ruleFailed(
          'incomplete',
          failing.map(({ rule, params }) => ({ rule, params })),
        );
      const version = await bumpVersion(tx, claim.id, i.version, { status: to, submittedAt: now });
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'USER',
        type: action === 'submit' ? 'submitted' : 'resubmitted',
        at: now,
        summary: action === 'submit' ? 'Claim submitted' : 'Claim resubmitted',
        statusBefore: claim.status,
        statusAfter: to,
        data: { amountMinor: claim.amountMinor, currency: claim.currency },
      });
      const payload = { kind: 'review_needed' as const, claimId: claim.id, number: claim.number, name: claim.name, status: to };
      // The version makes a resubmission a new notification, while a retried transaction stays one.
      const key = `review_needed:${claim.id}:v${version}`;
      if (svc.settings.reviewersConversationId) {
        await enqueueNotification(tx, {
          conversationId: svc.settings.reviewersConversationId,
          payload,
          dedupeKey: `${key}:channel`,
          at: now,
        });
      } else {
        for (const id of await reviewerIdsFor(tx, claim))
          await enqueueNotification(tx, { recipientId: id, payload, dedupeKey: `${key}:${id}`, at: now });
      }
      return { claimId: claim.id, version, status: to } satisfies CommandResult;
    }),
  );
  return replayed ? { ...result, replayed: true } : result;
}

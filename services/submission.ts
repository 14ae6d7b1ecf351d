import { z } from 'zod';
import type { ActivityType, Claim, Document, FundAllocation } from '../prisma/generated/client';
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
import { applicableCaps, parseActivityRules } from './catalogue/rules';
import { isoDate } from './periods';
import type { ChecklistItem } from './views';

export type CompletenessInput = {
  claim: Pick<Claim, 'amountMinor' | 'currency' | 'preApprovalId'>;
  /** Active documents only. */
  documents: Array<Pick<Document, 'kind' | 'details' | 'fields'> & Partial<Pick<Document, 'reviewState'>>>;
  activityType: Pick<ActivityType, 'requiredMetrics' | 'requiresPreApproval' | 'rules'>;
  /** The claim's program: caps have per-program exceptions (Surface). */
  programCode: string;
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

/**
 * What a claim needs before it can be submitted (domain.md §3.4), each rule with an ok flag.
 * Pure, so the claim card's checklist and `submitClaim` can never disagree. Rules that do not
 * apply (no pre-approval needed, no cap) are left out.
 */
export function completenessRules(i: CompletenessInput): ChecklistItem[] {
  const { claim, documents, activityType: at } = i;
  const proofs = documents.filter((d) => d.kind === 'PROOF');
  const rules: ChecklistItem[] = [];
  rules.push({ rule: 'invoice_or_csr', ok: documents.some((d) => d.kind === 'INVOICE' || d.kind === 'CSR') });
  rules.push({ rule: 'proof_present', ok: proofs.length > 0 });
  const unnoted = proofs.filter((d) => d.details.trim() === '').length;
  rules.push({ rule: 'proof_notes', ok: unnoted === 0, ...(unnoted ? { params: { missing: unnoted } } : {}) });
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
  const caps = applicableCaps(parseActivityRules(at.rules), {
    programCode: i.programCode,
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
        ...(cap.exceptionFor ? { exceptionFor: cap.exceptionFor } : {}),
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
  const [documents, allocation, remaining, used] = await Promise.all([
    db.document.findMany({
      where: { claimId: claim.id, removedAt: null },
      select: { kind: true, details: true, fields: true, reviewState: true },
    }),
    db.fundAllocation.findUniqueOrThrow({ where: { id: claim.fundAllocationId }, include: { program: { select: { code: true } } } }),
    remainingMinor(db, claim.fundAllocationId, claim.id),
    db.claim.groupBy({
      by: ['status'],
      where: {
        fundAllocationId: claim.fundAllocationId,
        activityType: { code: activityType.code },
        status: { in: [...COUNTS_AS_CLAIMED] },
        id: { not: claim.id },
      },
      _sum: { amountMinor: true, approvedMinor: true },
    }),
  ]);
  const activityUsedMinor = used.reduce((s, g) => s + ((g.status === 'APPROVED' ? g._sum.approvedMinor : g._sum.amountMinor) ?? 0), 0);
  return {
    claim,
    documents,
    activityType,
    programCode: allocation.program.code,
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

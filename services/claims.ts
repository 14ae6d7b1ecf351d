import { z } from 'zod';
import type { ActivityType, Claim, ClaimStatus, FundAllocation, Program } from '../prisma/generated/client';
import {
  hasRole,
  isReviewer,
  PARTNER_ROLES,
  requireRole,
  requireSameOrganisation,
  reviewsOrganisation,
  type Principal,
  principalOf,
} from './authz';
import { bumpVersion } from './claimHelpers';
import type { Actor, CommandResult, Services } from './context';
import type { Db, Tx } from './db/client';
import { claimFor, claimScope, isPartnerOn, requirePartnerOn, requireVersion } from './documents';
import { conflict, forbidden, invalid, notFound, ruleFailed, type FieldIssue } from './errors';
import { historyPageOf, loadHistoryView, recordHistory, type HistoryPage } from './history';
import { once } from './idempotency';
import { fields, parseInput } from './input';
import { assertEditable, isEditable, TERMINAL, transition } from './lifecycle';
import { enqueueNotification } from './notifications';
import { allocationScope, allocationSums, windowOpen } from './funds';
import { isoDate } from './periods';
import { completenessRules, invoiceNumberOf } from './submission';
import { loadClaimView, type ClaimFacts, type ClaimView } from './claimView';
import { invoiceNumberKey, invoicesSharingNumbers, type InvoiceOnRecord } from './evidence';
import type { ClaimAction, ClaimDetail, CreateOptions, DecisionView, ViewerRole } from './views';

// Optional card inputs arrive as "" when left blank.
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalCode = (max: number) => z.preprocess(blankToUndefined, z.string().trim().min(1).max(max).optional());
const optionalReach = z.preprocess(blankToUndefined, z.coerce.number().int().nonnegative().max(1_000_000_000).optional());
// On update a blank clears the value (null); an absent key leaves it unchanged.
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
const clearableCode = (max: number) => z.preprocess(blankToNull, z.string().trim().min(1).max(max).nullable().optional());
const clearableReach = z.preprocess(blankToNull, z.coerce.number().int().nonnegative().max(1_000_000_000).nullable().optional());

// zod 4 runs object refinements even when a field already failed; only compare two real dates.
const realDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
const datesInOrder = (v: { activityStart?: unknown; activityEnd?: unknown }) =>
  !realDate(v.activityStart) || !realDate(v.activityEnd) || v.activityStart <= v.activityEnd;
const datesOrderIssue = {
  path: ['activityEnd'],
  message: 'The end date must not be before the start date',
  params: { code: 'dates_out_of_order' },
};

export const createClaimInput = z
  .object({
    fundAllocationId: fields.id,
    activityTypeId: fields.id,
    name: fields.text(200),
    /** Major units ("1250.50"); stored as amountMinor. */
    amount: fields.amountMinor,
    activityStart: fields.date,
    activityEnd: fields.date,
    description: fields.optionalText(4000),
    surfaceSubItem: optionalCode(50),
    preApprovalId: optionalCode(100),
    estimatedReach: optionalReach,
    idempotencyKey: fields.idempotencyKey.optional(),
  })
  .refine(datesInOrder, datesOrderIssue);

export const updateClaimInput = z
  .object({
    claimId: fields.id,
    version: fields.version,
    name: fields.text(200).optional(),
    amount: fields.amountMinor.optional(),
    activityStart: fields.date.optional(),
    activityEnd: fields.date.optional(),
    description: z.string().trim().max(4000).optional(),
    surfaceSubItem: clearableCode(50),
    preApprovalId: clearableCode(100),
    estimatedReach: clearableReach,
    idempotencyKey: fields.idempotencyKey.optional(),
  })
  .refine(datesInOrder, datesOrderIssue);

export const cancelClaimInput = z.object({ claimId: fields.id, version: fields.version, idempotencyKey: fields.idempotencyKey.optional() });
export const getHistoryInput = z.object({
  claimId: fields.id,
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  pageSize: z.coerce.number().int().min(1).max(50).optional().default(10),
});

type ClaimFields = Pick<Claim, 'activityStart' | 'activityEnd' | 'surfaceSubItem' | 'preApprovalId'>;

/** Rules that tie a claim's fields to its allocation, program and activity type; reported per field. */
function fieldIssues(c: ClaimFields, alloc: FundAllocation, program: Program, at: ActivityType): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const period = { usageStart: isoDate(alloc.usageStart), usageEnd: isoDate(alloc.usageEnd) };
  for (const k of ['activityStart', 'activityEnd'] as const) {
    if (c[k] < alloc.usageStart || c[k] > alloc.usageEnd) {
      issues.push({
        path: k,
        code: 'out_of_period',
        message: `Must be within the usage period ${period.usageStart} – ${period.usageEnd}`,
        params: period,
      });
    }
  }
  if (c.activityStart > c.activityEnd) issues.push({ path: 'activityEnd', code: 'dates_out_of_order', message: datesOrderIssue.message });
  if (program.subItems.length > 0) {
    if (!c.surfaceSubItem)
      issues.push({
        path: 'surfaceSubItem',
        code: 'sub_item_required',
        message: `Choose one of ${program.subItems.join(', ')}`,
        params: { options: program.subItems },
      });
    else if (!program.subItems.includes(c.surfaceSubItem))
      issues.push({
        path: 'surfaceSubItem',
        code: 'invalid_value',
        message: `Choose one of ${program.subItems.join(', ')}`,
        params: { options: program.subItems },
      });
  } else if (c.surfaceSubItem) {
    issues.push({ path: 'surfaceSubItem', code: 'not_applicable', message: `${program.name} has no sub-items` });
  }
  if (at.requiresPreApproval && !c.preApprovalId)
    issues.push({
      path: 'preApprovalId',
      code: 'pre_approval_required',
      message: `${at.name} needs the pre-approval ID Microsoft issued`,
      params: { activity: at.name, activityKo: at.nameKo },
    });
  return issues;
}

/** CLM-<year>-<5 digits>: one atomic INSERT … ON CONFLICT increment per organisation and year, so concurrent creates never share a number. */
async function nextClaimNumber(tx: Tx, organisationId: string, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const rows = await tx.$queryRaw<Array<{ last: number }>>`
    INSERT INTO "ClaimCounter" ("organisationId", "year", "last") VALUES (${organisationId}, ${year}, 1)
    ON CONFLICT ("organisationId", "year") DO UPDATE SET "last" = "ClaimCounter"."last" + 1
    RETURNING "last"`;
  return `CLM-${year}-${String(rows[0]!.last).padStart(5, '0')}`;
}

async function inTx<T extends CommandResult>(
  svc: Services,
  actor: Actor,
  key: string | undefined,
  command: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const { result, replayed } = await svc.db.$transaction((tx) => once(tx, key, { userId: actor.userId, command }, () => fn(tx)));
  return replayed ? { ...result, replayed: true } : result;
}

/** Creates a claim in EDITING against a fund allocation the actor's partner role covers, while its claiming window is open. */
export async function createClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { number: string }> {
  const i = parseInput(createClaimInput, input);
  return inTx(svc, actor, i.idempotencyKey, 'createClaim', async (tx) => {
    const p = await principalOf(tx, actor);
    const alloc = await tx.fundAllocation.findUnique({ where: { id: i.fundAllocationId }, include: { location: true, program: true } });
    if (!alloc) throw notFound('allocation', i.fundAllocationId);
    if (alloc.location.organisationId !== p.organisationId)
      throw forbidden('not_in_organisation', 'These funds belong to another organisation');
    requireRole(p, PARTNER_ROLES, { locationId: alloc.locationId, programId: alloc.programId });
    if (!alloc.location.active) throw ruleFailed('location_inactive', [{ rule: 'location_active', params: { name: alloc.location.name } }]);
    const now = svc.clock.now();
    if (!windowOpen(alloc.claimingDeadline, now)) {
      throw ruleFailed('claiming_window_closed', [{ rule: 'before_deadline', params: { deadline: isoDate(alloc.claimingDeadline) } }]);
    }
    const at = await tx.activityType.findUnique({ where: { id: i.activityTypeId } });
    if (!at) throw notFound('activity_type', i.activityTypeId);
    // A form shown before the catalogue changed offers a revision that new claims no longer use.
    if (at.retiredAt) throw conflict('activity_type_retired', `${at.name} was updated in the catalogue since the form was shown`);
    const values = {
      activityStart: i.activityStart,
      activityEnd: i.activityEnd,
      surfaceSubItem: i.surfaceSubItem ?? null,
      preApprovalId: i.preApprovalId ?? null,
    };
    const issues = fieldIssues(values, alloc, alloc.program, at);
    if (issues.length) throw invalid(issues);
    const number = await nextClaimNumber(tx, p.organisationId, now);
    const claim = await tx.claim.create({
      data: {
        number,
        organisationId: p.organisationId,
        locationId: alloc.locationId,
        programId: alloc.programId,
        fundAllocationId: alloc.id,
        activityTypeId: at.id,
        ownerId: p.userId,
        name: i.name,
        description: i.description,
        amountMinor: i.amount,
        currency: alloc.currency,
        estimatedReach: i.estimatedReach ?? null,
        ...values,
        createdAt: now,
      },
    });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'claim_created',
      at: now,
      statusAfter: claim.status,
      summary: `Claim ${number} created for ${alloc.program.name}, ${alloc.location.name}, ${alloc.period}`,
      data: {
        number,
        program: alloc.program.code,
        location: alloc.location.partnerId,
        period: alloc.period,
        activityType: at.code,
        amountMinor: i.amount,
        currency: alloc.currency,
      },
    });
    return { claimId: claim.id, version: claim.version, status: claim.status, number };
  });
}

/** Edits claim fields while the claim is EDITING or ACTION_REQUIRED. Values equal to the current ones are not changes. */
export async function updateClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult & { changed: string[] }> {
  const i = parseInput(updateClaimInput, input);
  return inTx(svc, actor, i.idempotencyKey, 'updateClaim', async (tx) => {
    const { p, claim } = await claimFor(tx, actor, i.claimId);
    requirePartnerOn(p, claim);
    requireVersion(claim, i.version);
    assertEditable(claim.status);
    const next = {
      name: i.name ?? claim.name,
      description: i.description ?? claim.description,
      amountMinor: i.amount ?? claim.amountMinor,
      activityStart: i.activityStart ?? claim.activityStart,
      activityEnd: i.activityEnd ?? claim.activityEnd,
      surfaceSubItem: i.surfaceSubItem === undefined ? claim.surfaceSubItem : i.surfaceSubItem,
      preApprovalId: i.preApprovalId === undefined ? claim.preApprovalId : i.preApprovalId,
      estimatedReach: i.estimatedReach === undefined ? claim.estimatedReach : i.estimatedReach,
    };
    const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);
    const changed = (Object.keys(next) as Array<keyof typeof next>).filter((k) => !same(next[k], claim[k]));
    if (changed.length === 0) return { claimId: claim.id, version: claim.version, status: claim.status, changed: [] };
    // One after the other: a transaction is one connection, and pg queues overlapping queries (deprecated in pg 9).
    const alloc = await tx.fundAllocation.findUniqueOrThrow({ where: { id: claim.fundAllocationId }, include: { program: true } });
    const at = await tx.activityType.findUniqueOrThrow({ where: { id: claim.activityTypeId } });
    const issues = fieldIssues(next, alloc, alloc.program, at);
    if (issues.length) throw invalid(issues);
    const data = Object.fromEntries(changed.map((k) => [k, next[k]]));
    const version = await bumpVersion(tx, claim.id, i.version, data);
    const now = svc.clock.now();
    const shown = (v: unknown) => (v instanceof Date ? isoDate(v) : (v as string | number | null));
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'claim_updated',
      at: now,
      summary: `Changed ${changed.join(', ')}`,
      data: { fields: changed, values: Object.fromEntries(changed.map((k) => [k, shown(next[k])])) },
    });
    return { claimId: claim.id, version, status: claim.status, changed };
  });
}

/**
 * Cancels a draft (domain.md §9): the owner, or an incentives/global admin on the claim's scope.
 * The claim is kept with its history; open upload requests on it are cancelled and their assignees told.
 */
export async function cancelClaim(svc: Services, actor: Actor, input: unknown): Promise<CommandResult> {
  const i = parseInput(cancelClaimInput, input);
  return inTx(svc, actor, i.idempotencyKey, 'cancelClaim', async (tx) => {
    const { p, claim } = await claimFor(tx, actor, i.claimId);
    requirePartnerOn(p, claim);
    if (claim.ownerId !== p.userId && !hasRole(p, ['INCENTIVES_ADMIN', 'GLOBAL_ADMIN'], claimScope(claim))) {
      throw forbidden('not_owner', 'Only the claim owner or an incentives admin can cancel it');
    }
    requireVersion(claim, i.version);
    const to = transition('cancel', claim.status);
    const now = svc.clock.now();
    const version = await bumpVersion(tx, claim.id, i.version, { status: to });
    await recordHistory(tx, {
      claimId: claim.id,
      actorId: p.userId,
      actorKind: 'USER',
      type: 'claim_cancelled',
      at: now,
      statusBefore: claim.status,
      statusAfter: to,
      summary: 'Claim cancelled',
    });
    const open = await tx.uploadRequest.findMany({ where: { claimId: claim.id, status: 'OPEN' } });
    for (const r of open) {
      await tx.uploadRequest.update({ where: { id: r.id }, data: { status: 'CANCELLED', closedAt: now } });
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'USER',
        type: 'upload_cancelled',
        at: now,
        summary: 'Upload request cancelled with the claim',
        data: { uploadRequestId: r.id },
      });
      await enqueueNotification(tx, {
        recipientId: r.assigneeId,
        dedupeKey: `upload_cancelled:${r.id}`,
        at: now,
        payload: {
          kind: 'upload_cancelled',
          claimId: claim.id,
          number: claim.number,
          name: claim.name,
          uploadRequestId: r.id,
          documentKind: r.kind,
          byName: p.displayName,
        },
      });
    }
    await tx.pendingUpload.deleteMany({ where: { claimId: claim.id } });
    return { claimId: claim.id, version, status: to };
  });
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

type Viewer = { role: ViewerRole; partner: boolean; reviewer: boolean; colleague: boolean; admin: boolean; openRequest: boolean };

/**
 * Who may read a claim: its organisation's partner staff in scope, reviewers, and colleagues asked to
 * upload to it; decided on facts the read already loaded (claimView.ts viewerFactsSql), no statement.
 */
function viewerFrom(
  p: Principal,
  claim: Pick<Claim, 'organisationId' | 'locationId' | 'programId'>,
  facts: Pick<ClaimFacts, 'viewerWorked' | 'viewerRequestStatuses'>,
): Viewer {
  requireSameOrganisation(p, claim.organisationId);
  const partner = isPartnerOn(p, claim);
  const reviewer = reviewsOrganisation(p, claim.organisationId);
  const requests = partner || reviewer ? [] : facts.viewerRequestStatuses;
  if (!partner && !reviewer && requests.length === 0) throw forbidden('not_a_participant', 'You are not a participant of this claim');
  // Segregation of duties: a reviewer who worked on the claim reads it but is offered no review action.
  const independent = reviewer && !facts.viewerWorked;
  return {
    role: partner ? 'partner' : reviewer ? 'reviewer' : 'colleague',
    partner,
    reviewer: independent,
    colleague: !partner && !independent,
    admin: partner && hasRole(p, ['INCENTIVES_ADMIN', 'GLOBAL_ADMIN'], claimScope(claim)),
    openRequest: requests.some((r) => r === 'OPEN'),
  };
}

/** What this viewer may do on a claim in `status` (the buttons a card shows); the commands enforce the same rules. */
export function allowedActionsFor(status: ClaimStatus, v: Omit<Viewer, 'role'> & { owner: boolean }): ClaimAction[] {
  const out: ClaimAction[] = [];
  if (v.partner) {
    if (isEditable(status)) {
      out.push(
        'edit',
        'add_invoice',
        'add_proof',
        'add_metric',
        'add_csr',
        'add_additional_info',
        'ask_colleague',
        status === 'ACTION_REQUIRED' ? 'resubmit' : 'submit',
      );
    }
    if (status === 'EDITING' && (v.owner || v.admin)) out.push('cancel');
    if (status === 'REJECTED') out.push('dispute');
  }
  if (v.reviewer) {
    if (status === 'SUBMITTED') out.push('start_review');
    if (status === 'IN_REVIEW' || status === 'DISPUTED') out.push('review_document', 'request_information', 'approve', 'reject');
    if (status === 'SUBMITTED' || status === 'IN_REVIEW' || status === 'DISPUTED') out.push('assign_review');
  }
  // Retention export (services/exports.ts): the owner, the organisation's admins and reviewers.
  if (v.owner || v.admin || v.reviewer) out.push('export');
  // Colleagues asked for a document talk on the claim too (services/documents.ts addComment allows them).
  if ((v.partner || v.reviewer || v.colleague) && !TERMINAL.includes(status)) out.push('comment');
  if (!v.partner && v.openRequest && isEditable(status)) out.push('upload_requested');
  out.push('history');
  return out;
}

const claimIdInput = fields.id;

/** History events that decide a claim's status; the card shows the ones that explain the status it is in. */
const DECISION_TYPES = ['approved', 'rejected', 'information_requested', 'disputed'] as const;
type DecisionType = (typeof DECISION_TYPES)[number];
const DECIDES: Partial<Record<ClaimStatus, DecisionType>> = {
  APPROVED: 'approved',
  REJECTED: 'rejected',
  ACTION_REQUIRED: 'information_requested',
  DISPUTED: 'disputed',
};
type DecisionEvent = { type: string; data: unknown; createdAt: Date; actor: { displayName: string } | null };

/** The decision behind the current status (a dispute comes with the rejection it disputes), oldest first. */
function decisionsFor(status: ClaimStatus, newestFirst: DecisionEvent[]): DecisionView[] {
  const wanted = DECIDES[status];
  const [latest, before] = newestFirst;
  if (!wanted || latest?.type !== wanted) return [];
  const view = (e: DecisionEvent): DecisionView => {
    const d = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
    const text = typeof d.reason === 'string' ? d.reason : typeof d.message === 'string' ? d.message : null;
    return {
      kind: e.type as DecisionType,
      byName: e.actor?.displayName ?? '',
      at: e.createdAt,
      reason: text,
      ...(typeof d.amountMinor === 'number' ? { amountMinor: d.amountMinor } : {}),
      ...(typeof d.claimedMinor === 'number' ? { claimedMinor: d.claimedMinor } : {}),
      ...(typeof d.feedbackId === 'string' ? { feedbackId: d.feedbackId } : {}),
    };
  };
  return status === 'DISPUTED' && before?.type === 'rejected' ? [view(before), view(latest)] : [view(latest)];
}

/** Everything a claim card shows, for this actor: one statement (services/claimView.ts). */
export async function getClaimDetail(svc: Services, actor: Actor, claimId: string): Promise<ClaimDetail> {
  const id = parseInput(claimIdInput, claimId);
  const p = await principalOf(svc.db, actor);
  const view = await loadClaimView(svc.db, id, p.userId, DECISION_TYPES);
  if (!view) throw notFound('claim', id);
  const { claim: c, facts } = view;
  const v = viewerFrom(p, c, facts);
  const invoicesOnRecord = await invoicesMatchedOn(svc.db, view);
  const now = svc.clock.now();
  const checklist = completenessRules({
    claim: c,
    documents: view.documents,
    activityType: view.activityType,
    program: view.program,
    allocation: view.allocation,
    invoicesOnRecord,
    remainingMinor: Math.max(0, view.allocation.earnedMinor - facts.allocationClaimedMinor),
    activityUsedMinor: facts.activityUsedMinor,
    now,
  });
  return {
    id: c.id,
    number: c.number,
    name: c.name,
    description: c.description,
    status: c.status,
    version: c.version,
    amountMinor: c.amountMinor,
    approvedMinor: c.approvedMinor,
    currency: c.currency,
    program: { id: view.program.id, name: view.program.name, code: view.program.code },
    location: { id: view.location.id, name: view.location.name, partnerId: view.location.partnerId },
    allocationId: c.fundAllocationId,
    period: view.allocation.period,
    usageStart: isoDate(view.allocation.usageStart),
    usageEnd: isoDate(view.allocation.usageEnd),
    claimingDeadline: isoDate(view.allocation.claimingDeadline),
    activityType: {
      id: view.activityType.id,
      code: view.activityType.code,
      name: view.activityType.name,
      nameKo: view.activityType.nameKo,
      proofGuidance: view.activityType.proofGuidance,
      requiredMetrics: view.activityType.requiredMetrics,
      requiresPreApproval: view.activityType.requiresPreApproval,
    },
    activityStart: isoDate(c.activityStart),
    activityEnd: isoDate(c.activityEnd),
    preApprovalId: c.preApprovalId,
    surfaceSubItem: c.surfaceSubItem,
    estimatedReach: c.estimatedReach,
    owner: { id: view.owner.id, name: view.owner.displayName },
    reviewer: view.reviewer ? { id: view.reviewer.id, name: view.reviewer.displayName } : null,
    submittedAt: c.submittedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    documents: view.documents.map((d) => ({
      id: d.id,
      kind: d.kind,
      details: d.details,
      fields: d.fields && typeof d.fields === 'object' && !Array.isArray(d.fields) ? (d.fields as Record<string, unknown>) : {},
      hasFile: d.fileKey !== null,
      fileName: d.fileName,
      contentType: d.contentType,
      fileSize: d.fileSize,
      url: d.url,
      uploaderName: d.uploaderName,
      createdAt: d.createdAt,
      reviewState: d.reviewState,
      reviewComment: d.reviewComment,
      openFeedback: view.feedback
        .filter((f) => f.documentId === d.id && f.resolvedAt === null)
        .map((f) => ({ id: f.id, text: f.text, reviewerName: f.reviewerName, createdAt: f.createdAt })),
    })),
    feedback: view.feedback.map((f) => ({
      id: f.id,
      text: f.text,
      reviewerName: f.reviewerName,
      documentId: f.documentId,
      resolved: f.resolvedAt !== null,
      createdAt: f.createdAt,
    })),
    comments: view.comments.map((m) => ({ id: m.id, text: m.text, authorName: m.authorName, createdAt: m.createdAt })),
    commentCount: view.commentCount,
    openUploadRequests: view.uploadRequests.map((r) => ({
      id: r.id,
      assigneeId: r.assigneeId,
      assigneeName: r.assigneeName,
      kind: r.kind,
      message: r.message,
      dueAt: r.dueAt,
    })),
    decisions: decisionsFor(
      c.status,
      view.decisions.map((e) => ({ ...e, actor: e.actorName === null ? null : { displayName: e.actorName } })),
    ),
    checklist,
    allowedActions: allowedActionsFor(c.status, { ...v, owner: c.ownerId === p.userId }),
    viewerRole: v.role,
    participantAadIds: facts.participantAadIds,
    detailCardConversationIds: facts.detailCardConversationIds,
  };
}

/**
 * The invoices elsewhere sharing this claim's numbers. The view matched them on keys PostgreSQL
 * computed; the duplicate rule's keys are evidence.ts invoiceNumberKey's (JavaScript's upper case).
 * They differ only for an invoice number whose upper case PostgreSQL and JavaScript spell apart
 * (e.g. "ß" → "SS", or a number stored as a JSON object): then the stand-alone query looks them up
 * on JavaScript's keys, as it did before the view was one statement.
 */
async function invoicesMatchedOn(db: Db, view: ClaimView): Promise<InvoiceOnRecord[]> {
  const numbers = view.documents.filter((d) => d.kind === 'INVOICE').map(invoiceNumberOf);
  const keys = new Set(numbers.map(invoiceNumberKey).filter(Boolean));
  const sqlKeys = new Set(view.facts.invoiceKeys);
  if (keys.size === sqlKeys.size && [...keys].every((k) => sqlKeys.has(k))) return view.facts.invoicesOnRecord;
  return invoicesSharingNumbers(db, { organisationId: view.claim.organisationId, period: view.allocation.period }, numbers);
}

/** "CLM-2026-00042" (any case) → claim id; partner staff find only their organisation's claims, reviewers any. */
export async function findClaimIdByNumber(svc: Services, actor: Actor, number: string): Promise<string> {
  // Claim numbers are written in upper case (CLM-2026-00042); what the user typed is matched exactly after
  // upper-casing it. Never a case-insensitive `equals`: Prisma sends that as ILIKE without escaping, so
  // "claim %" or "claim _" opened somebody's claim and "claim \" failed in PostgreSQL.
  const n = parseInput(z.string().trim().min(1).max(40), number).toUpperCase();
  const p = await principalOf(svc.db, actor);
  // Numbers are unique per organisation; a reviewer sees every organisation, so prefer their own and refuse to guess between others.
  const found = await svc.db.claim.findMany({
    where: {
      number: n,
      ...(isReviewer(p) && p.reviewScope === 'ALL' ? {} : { organisationId: p.organisationId }),
    },
    select: { id: true, organisationId: true },
    take: 10,
  });
  const own = found.filter((c) => c.organisationId === p.organisationId);
  if (own.length === 1) return own[0]!.id;
  if (found.length === 1) return found[0]!.id;
  if (found.length === 0) throw notFound('claim', n);
  throw conflict('ambiguous_claim_number', `${n} exists in ${found.length} organisations`, { count: found.length });
}

/** One page of a claim's history, newest first, for anyone who may read the claim. */
export async function getHistory(
  svc: Services,
  actor: Actor,
  input: unknown,
): Promise<HistoryPage & { claim: { id: string; number: string; name: string } }> {
  const i = parseInput(getHistoryInput, input);
  const p = await principalOf(svc.db, actor);
  // The claim, the page and the viewer's facts in one statement; the page is shown only once viewerFrom allows it.
  const found = await loadHistoryView(svc.db, i.claimId, p.userId, i.pageSize, i.before);
  if (!found) throw notFound('claim', i.claimId);
  const { claim, history, viewerWorked, viewerRequests } = found;
  viewerFrom(p, claim, { viewerWorked, viewerRequestStatuses: viewerRequests });
  return { claim: { id: claim.id, number: claim.number, name: claim.name }, ...historyPageOf(history, i.pageSize) };
}

/** What the create-claim form offers: allocations the actor may claim against now, and the activity catalogue. */
export async function getCreateOptions(svc: Services, actor: Actor): Promise<CreateOptions> {
  const p = await principalOf(svc.db, actor);
  const scope = allocationScope(p);
  if (!scope) throw forbidden('role_required', 'Creating a claim needs an incentives role', { roles: [...PARTNER_ROLES] });
  const today = new Date(`${isoDate(svc.clock.now())}T00:00:00.000Z`);
  const [allocations, types] = await Promise.all([
    svc.db.fundAllocation.findMany({
      where: { AND: [scope, { claimingDeadline: { gte: today } }, { location: { active: true } }] },
      include: { location: true, program: true },
      orderBy: [{ location: { name: 'asc' } }, { program: { name: 'asc' } }, { usageStart: 'desc' }],
    }),
    svc.db.activityType.findMany({ where: { retiredAt: null }, orderBy: [{ category: 'asc' }, { name: 'asc' }] }),
  ]);
  const sums = await allocationSums(
    svc.db,
    allocations.map((a) => a.id),
  );
  return {
    allocations: allocations.map((a) => ({
      allocationId: a.id,
      locationId: a.locationId,
      locationName: a.location.name,
      partnerId: a.location.partnerId,
      programId: a.programId,
      programName: a.program.name,
      programCode: a.program.code,
      subItems: a.program.subItems,
      period: a.period,
      usageStart: isoDate(a.usageStart),
      usageEnd: isoDate(a.usageEnd),
      claimingDeadline: isoDate(a.claimingDeadline),
      currency: a.currency,
      earnedMinor: a.earnedMinor,
      remainingMinor: Math.max(0, a.earnedMinor - sums.get(a.id)!.claimedMinor),
    })),
    activityTypes: types.map((t) => ({
      id: t.id,
      code: t.code,
      name: t.name,
      nameKo: t.nameKo,
      category: t.category,
      requiresPreApproval: t.requiresPreApproval,
      requiredMetrics: t.requiredMetrics,
      proofGuidance: t.proofGuidance,
    })),
  };
}

export type ClaimSummary = {
  id: string;
  number: string;
  name: string;
  status: ClaimStatus;
  amountMinor: number;
  currency: string;
  programName: string;
  locationName: string;
  ownerName: string;
};

/**
 * The read-only summary anyone in the claim's organisation (or a reviewer) may see, e.g. on a claim
 * card shared in a group chat they are not a participant of. No documents, feedback or actions.
 */
export async function getClaimSummary(svc: Services, actor: Actor, claimId: string): Promise<ClaimSummary> {
  const id = parseInput(claimIdInput, claimId);
  const p = await principalOf(svc.db, actor);
  const c = await svc.db.claim.findUnique({
    where: { id },
    include: { program: { select: { name: true } }, location: { select: { name: true } }, owner: { select: { displayName: true } } },
  });
  if (!c) throw notFound('claim', id);
  requireSameOrganisation(p, c.organisationId);
  return {
    id: c.id,
    number: c.number,
    name: c.name,
    status: c.status,
    amountMinor: c.amountMinor,
    currency: c.currency,
    programName: c.program.name,
    locationName: c.location.name,
    ownerName: c.owner.displayName,
  };
}

import detailJson from './templates/claimDetail.json';
import documentRowJson from './templates/documentRow.json';
import { actionData, actionKey, execute, type ExecuteSpec } from './actions';
import { documentTitle } from './documentSummary';
import { checklistLabel } from './errors';
import { badgeTextTone, formatDate, formatDueDate, formatMoment, formatMoney, intlLocale, statusTone, type Tone } from './format';
import { documentRows } from './documentRows';
import { cardBytes, composeTemplate, expand } from './render';
import { langOf, t, type StringKey } from './strings';
import {
  DOCUMENT_KINDS,
  type AdaptiveCard,
  type CalendarDate,
  type ClaimStatus,
  type DocumentKind,
  type Moment,
  type RenderOptions,
  type ReviewState,
} from './types';

/** What the viewer may do: the card shows a button for each, nothing else. One list, owned by the service. */
export type { ClaimAction } from '../services/views';
import type { ClaimAction } from '../services/views';

/** Who is looking: the status line and the checklist speak to that person (services/views.ts ViewerRole). */
export type ViewerRole = 'partner' | 'reviewer' | 'colleague' | 'other';

export type NoteKey =
  | 'changed'
  | 'created'
  | 'saved'
  | 'submitted'
  | 'resubmitted'
  | 'cancelled'
  | 'documentAdded'
  | 'commentAdded'
  | 'uploadAsked'
  | 'reviewStarted'
  | 'feedbackSent'
  | 'documentAccepted'
  | 'infoRequested'
  | 'approved'
  | 'rejected'
  | 'disputed';
/** A line above the facts: a known note, or any text (already localised) with a tone. */
export type Note = NoteKey | { tone: Tone; text: string };

export type ClaimDocumentView = {
  id: string;
  kind: DocumentKind;
  details: string;
  fields: Record<string, unknown>;
  fileName: string | null;
  /** The web link given with the document (not the stored file). */
  url: string | null;
  /** The stored file's signed link (the bot adds it); without it the file name is shown unlinked. */
  fileUrl?: string | null;
  uploaderName: string;
  createdAt: Moment;
  reviewState: ReviewState;
  reviewComment?: string | null;
  openFeedback: Array<{ id: string; text: string; reviewerName: string; createdAt: Moment }>;
};

/** A decision behind the claim's status and its reason (services/views.ts DecisionView). */
export type ClaimDecisionView = {
  kind: 'approved' | 'rejected' | 'information_requested' | 'disputed';
  byName: string;
  at: Moment;
  reason: string | null;
  amountMinor?: number;
  claimedMinor?: number;
  feedbackId?: string;
};

export type ClaimDetailView = {
  id: string;
  number: string;
  name: string;
  description: string;
  status: ClaimStatus;
  version: number;
  amountMinor: number;
  approvedMinor: number | null;
  currency: string;
  program: { name: string };
  location: { name: string; partnerId: string };
  period: string;
  usageStart: CalendarDate;
  usageEnd: CalendarDate;
  claimingDeadline: CalendarDate;
  activityType: { name: string; nameKo: string };
  activityStart: CalendarDate;
  activityEnd: CalendarDate;
  preApprovalId: string | null;
  surfaceSubItem: string | null;
  estimatedReach: number | null;
  owner: { name: string };
  /** Who owns the review; null = nobody yet; absent = not shown. */
  reviewer?: { name: string } | null;
  documents: ClaimDocumentView[];
  feedback: Array<{ id: string; text: string; reviewerName: string; documentId: string | null; resolved: boolean; createdAt: Moment }>;
  /** Newest first; the card shows the latest three. */
  comments: Array<{ id: string; text: string; authorName: string; createdAt: Moment }>;
  commentCount: number;
  openUploadRequests: Array<{ id: string; assigneeName: string; kind: DocumentKind; dueAt: Moment }>;
  /** Why the claim is where it is (oldest first): shown to everyone who sees the card, with the reason. */
  decisions?: ClaimDecisionView[];
  checklist: Array<{ rule: string; ok: boolean; params?: Record<string, unknown> }>;
  allowedActions: readonly ClaimAction[];
  viewerRole: ViewerRole;
  /** Minted per render; each button derives its own key from it. */
  idempotencyKey: string;
  note?: Note | null;
  /** Teams MRIs of users who should see their own view on refresh (at most 60 are used). */
  refreshUserIds?: string[];
};

const NOTE_TONE: Partial<Record<NoteKey, Tone>> = {
  changed: 'warning',
  cancelled: 'default',
  rejected: 'attention',
  infoRequested: 'warning',
};
const ADD_ACTIONS: Array<[ClaimAction, DocumentKind | null]> = [
  ['add_invoice', 'INVOICE'],
  ['add_csr', 'CSR'],
  ['add_proof', 'PROOF'],
  ['add_metric', 'METRIC'],
  ['add_additional_info', 'ADDITIONAL_INFO'],
  ['ask_colleague', null],
];
const detailTemplate = composeTemplate(detailJson, { documentRow: documentRowJson });

/** Teams shows at most 6 card-level actions; the rest go to the overflow menu (`mode: secondary`, 1.5). */
const MAX_PRIMARY = 5;

/** Teams rejects card updates much above 28 KB: a busy claim drops secondary lines before it gets there. */
const COMPACT_ABOVE_BYTES = 24 * 1024;
/** Documents shown per kind at each level of compaction; the rest are a button away (claim.documents). */
const DOCS_PER_KIND = [5, 3, 1] as const;

export function renderClaimDetail(vm: ClaimDetailView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  let card = render(vm, locale, opts, 0);
  // Each level drops more: secondary lines and older documents (their Replace/Remove buttons with them).
  for (let level = 1; level < DOCS_PER_KIND.length && cardBytes(card) > COMPACT_ABOVE_BYTES; level++)
    card = render(vm, locale, opts, level);
  return card;
}

/** The line under the heading: what happens next, said to the person looking. */
function nextStep(vm: ClaimDetailView, locale: string): string {
  switch (vm.viewerRole) {
    case 'partner':
      return t(locale, `next.${vm.status}`);
    case 'reviewer':
      return t(locale, `next.reviewer.${vm.status}`);
    default:
      return t(locale, `next.observer.${vm.status}`);
  }
}

function render(vm: ClaimDetailView, locale: string, opts: RenderOptions, level: number): AdaptiveCard {
  const compact = level > 0;
  const docsPerKind: number = DOCS_PER_KIND[level] ?? 1;
  const tz = opts.timeZone;
  const allowed = new Set(vm.allowedActions);
  const ref = { claimId: vm.id, version: vm.version };
  const money = (m: number) => formatMoney(m, vm.currency, locale);
  const docLabelById = new Map(vm.documents.map((d) => [d.id, `${t(locale, `kind.${d.kind}`)}: ${documentTitle(d, locale)}`]));

  const facts: Array<{ title: string; value: string }> = [
    { title: t(locale, 'detail.facts.program'), value: vm.program.name },
    {
      title: t(locale, 'detail.facts.location'),
      value: t(locale, 'detail.locationValue', { name: vm.location.name, partnerId: vm.location.partnerId }),
    },
    {
      title: t(locale, 'detail.facts.period'),
      value: t(locale, 'detail.periodValue', {
        period: vm.period,
        start: formatDate(vm.usageStart, locale),
        end: formatDate(vm.usageEnd, locale),
      }),
    },
    { title: t(locale, 'detail.facts.deadline'), value: formatDate(vm.claimingDeadline, locale) },
    { title: t(locale, 'detail.facts.amount'), value: money(vm.amountMinor) },
  ];
  if (vm.approvedMinor !== null) facts.push({ title: t(locale, 'detail.facts.approved'), value: money(vm.approvedMinor) });
  facts.push(
    {
      title: t(locale, 'detail.facts.activity'),
      value: langOf(locale) === 'ko' && vm.activityType.nameKo ? vm.activityType.nameKo : vm.activityType.name,
    },
    {
      title: t(locale, 'detail.facts.activityDates'),
      value: t(locale, 'detail.dateRange', { start: formatDate(vm.activityStart, locale), end: formatDate(vm.activityEnd, locale) }),
    },
  );
  if (vm.surfaceSubItem) facts.push({ title: t(locale, 'detail.facts.surface'), value: vm.surfaceSubItem });
  if (vm.preApprovalId) facts.push({ title: t(locale, 'detail.facts.preApproval'), value: vm.preApprovalId });
  if (vm.estimatedReach !== null)
    facts.push({ title: t(locale, 'detail.facts.reach'), value: new Intl.NumberFormat(intlLocale(locale)).format(vm.estimatedReach) });
  facts.push({ title: t(locale, 'detail.facts.owner'), value: vm.owner.name });
  // The review's owner, while the validation team holds the claim (and after, when someone owned it).
  const waiting = vm.status === 'SUBMITTED' || vm.status === 'IN_REVIEW' || vm.status === 'DISPUTED';
  if (vm.reviewer || (vm.reviewer === null && waiting))
    facts.push({ title: t(locale, 'detail.facts.reviewer'), value: vm.reviewer?.name ?? t(locale, 'detail.reviewer.none') });

  const rowContext = { claimId: vm.id, version: vm.version, idempotencyKey: vm.idempotencyKey, allowed, compact, timeZone: tz };
  const docGroups = DOCUMENT_KINDS.map((kind) => {
    const all = vm.documents.filter((d) => d.kind === kind);
    // The newest few per kind (documents arrive oldest first); every one stays reachable from the
    // kind's documents card, which pages through them all with the same buttons.
    const docs = all.slice(-docsPerKind);
    const hasMore = docs.length < all.length;
    return {
      title: t(locale, `kind.${kind}`),
      isEmpty: all.length === 0,
      emptyText: t(locale, 'detail.noDocuments'),
      hasMore,
      more: t(locale, 'detail.docs.latest', { shown: docs.length, count: all.length }),
      all: {
        ...execute(t(locale, 'detail.docs.all', { count: all.length }), 'claim.documents', { claimId: vm.id, kind }),
        tooltip: t(locale, 'detail.docs.all.tooltip', { count: all.length, kind: t(locale, `kind.${kind}`) }),
      },
      docs: documentRows(docs, rowContext, locale),
    };
  });

  // A request for information is both a decision and claim-level feedback: shown once, as the decision.
  const decisions = vm.decisions ?? [];
  const shownAsDecision = new Set(decisions.map((d) => d.feedbackId).filter(Boolean));
  const feedback = vm.feedback
    .filter((f) => !f.resolved && !shownAsDecision.has(f.id))
    .map((f) => ({
      text: f.text,
      hasDocument: Boolean(f.documentId && docLabelById.has(f.documentId)),
      onDocument: f.documentId ? t(locale, 'detail.feedback.onDocument', { document: docLabelById.get(f.documentId) ?? '' }) : '',
      meta: t(locale, 'detail.feedback.item', { reviewer: f.reviewerName, date: formatMoment(f.createdAt, locale, tz) }),
    }));

  const editable = vm.status === 'EDITING' || vm.status === 'ACTION_REQUIRED';
  // The partner works through the checklist while the claim is editable; a reviewer checks the same
  // rules at any stage (a neutral heading, no "you can submit"); colleagues and others have no use for it.
  const isReviewer = vm.viewerRole === 'reviewer';
  const showChecklist = vm.checklist.length > 0 && (isReviewer || (vm.viewerRole === 'partner' && editable));
  const checklist = vm.checklist.map((c) => ({
    line: `${c.ok ? '✓' : '✗'} ${checklistLabel(locale, c)}`,
    tone: c.ok ? 'default' : 'attention',
  }));

  const addActions = ADD_ACTIONS.filter(([a]) => allowed.has(a)).map(([a, kind]) =>
    kind
      ? execute(t(locale, `action.${a}` as StringKey), 'doc.add.form', { ...ref, kind })
      : execute(t(locale, 'action.ask_colleague'), 'upload.ask.form', { claimId: vm.id }),
  );

  const key = (verb: string) => actionKey(vm.idempotencyKey, verb);
  const main: ExecuteSpec[] = [];
  if (allowed.has('submit'))
    main.push(execute(t(locale, 'action.submit'), 'claim.submit', { ...ref, idempotencyKey: key('submit') }, { style: 'positive' }));
  if (allowed.has('resubmit'))
    main.push(execute(t(locale, 'action.resubmit'), 'claim.resubmit', { ...ref, idempotencyKey: key('resubmit') }, { style: 'positive' }));
  if (allowed.has('start_review'))
    main.push(
      execute(t(locale, 'action.start_review'), 'review.start', { ...ref, idempotencyKey: key('startReview') }, { style: 'positive' }),
    );
  if (allowed.has('approve')) main.push(execute(t(locale, 'action.approve'), 'review.approve.form', ref, { style: 'positive' }));
  if (allowed.has('request_information')) main.push(execute(t(locale, 'action.request_information'), 'review.requestInfo.form', ref));
  if (allowed.has('reject')) main.push(execute(t(locale, 'action.reject'), 'review.reject.form', ref, { style: 'destructive' }));
  if (allowed.has('dispute')) main.push(execute(t(locale, 'action.dispute'), 'claim.dispute.form', ref));
  if (allowed.has('edit')) main.push(execute(t(locale, 'action.edit'), 'claim.edit.form', ref));
  if (allowed.has('comment')) main.push(execute(t(locale, 'action.comment'), 'comment.form', { claimId: vm.id }));
  if (allowed.has('history')) main.push(execute(t(locale, 'action.history'), 'claim.history', { claimId: vm.id }));
  if (allowed.has('assign_review')) main.push(execute(t(locale, 'action.assign_review'), 'review.assign.form', { claimId: vm.id }));
  if (allowed.has('export')) main.push(execute(t(locale, 'action.export'), 'claim.export', { claimId: vm.id }));
  const hasCancel = allowed.has('cancel');
  const actions = main.map((a, i) => ({ ...a, mode: i < MAX_PRIMARY ? null : 'secondary' }));

  const note = noteView(vm.note, locale);
  const refreshUserIds = (vm.refreshUserIds ?? []).slice(0, 60);

  return expand(detailTemplate, {
    refresh: refreshUserIds.length
      ? { action: { type: 'Action.Execute', verb: 'claim.refresh', data: { claimId: vm.id } }, userIds: refreshUserIds }
      : null,
    number: vm.number,
    name: vm.name,
    statusLabel: t(locale, `status.${vm.status}`),
    statusTone: badgeTextTone(statusTone(vm.status)),
    statusStyle: statusTone(vm.status),
    nextStep: nextStep(vm, locale),
    hasNote: Boolean(note),
    noteText: note?.text ?? '',
    noteTone: badgeTextTone(note?.tone ?? 'default'),
    noteStyle: note?.tone ?? 'default',
    hasDecisions: decisions.length > 0,
    decisions: decisions.map((d) => decisionLine(d, vm.currency, locale, tz)),
    facts,
    description: vm.description,
    hasDescription: Boolean(vm.description),
    labels: {
      feedback: t(locale, 'detail.feedback'),
      documents: t(locale, 'detail.documents'),
      uploadRequests: t(locale, 'detail.uploadRequests'),
      checklist: t(locale, isReviewer ? 'detail.checklist.reviewer' : 'detail.checklist'),
      checklistDone: t(locale, isReviewer ? 'detail.checklist.reviewerDone' : 'detail.checklist.allDone'),
      comments: t(locale, 'detail.comments', { count: vm.commentCount }),
    },
    hasFeedback: feedback.length > 0,
    feedback,
    docGroups,
    hasUploadRequests: vm.openUploadRequests.length > 0,
    uploadRequests: vm.openUploadRequests.map((u) => ({
      line: t(locale, 'detail.uploadRequest', {
        name: u.assigneeName,
        kind: t(locale, `kind.${u.kind}`),
        due: formatDueDate(u.dueAt, locale),
      }),
      // Partner staff may withdraw a request (the service lets only the asker or an admin do it).
      canCancel: allowed.has('ask_colleague'),
      cancel: execute(t(locale, 'detail.uploadRequest.cancel'), 'upload.cancel', {
        uploadRequestId: u.id,
        idempotencyKey: actionKey(vm.idempotencyKey, 'cancel', u.id),
      }),
    })),
    hasChecklist: showChecklist,
    checklist,
    checklistDone: vm.checklist.length > 0 && vm.checklist.every((c) => c.ok),
    hasComments: !compact && vm.comments.length > 0,
    comments: vm.comments.slice(0, 3).map((c) => ({
      text: c.text,
      meta: t(locale, 'detail.comment.meta', { author: c.authorName, date: formatMoment(c.createdAt, locale, tz) }),
    })),
    hasAddActions: addActions.length > 0,
    addActions,
    actions,
    hasCancel,
    cancel: {
      title: t(locale, 'action.cancel'),
      mode: main.length >= MAX_PRIMARY ? 'secondary' : null,
      text: t(locale, 'cancel.text'),
      confirm: t(locale, 'cancel.confirm'),
      verb: 'claim.cancel',
      data: actionData({ ...ref, idempotencyKey: key('cancel') }),
    },
  });
}

/** A note as shown: a known note in its tone and the reader's language, or the given text. */
export function noteView(note: Note | null | undefined, locale: string): { tone: Tone; text: string } | null {
  if (!note) return null;
  return typeof note === 'string' ? { tone: NOTE_TONE[note] ?? 'good', text: t(locale, `note.${note}`) } : note;
}

const DECISION_TONE: Record<ClaimDecisionView['kind'], Tone> = {
  approved: 'good',
  rejected: 'attention',
  information_requested: 'warning',
  disputed: 'warning',
};

/** "Rejected by Patti Fernandez · Nov 28, 2026" and "Reason: …", in the tone of the decision. */
export function decisionLine(d: ClaimDecisionView, currency: string, locale: string, tz: string | undefined) {
  const params = { name: d.byName, date: formatMoment(d.at, locale, tz) };
  const partial = d.kind === 'approved' && d.amountMinor !== undefined && d.claimedMinor !== undefined && d.amountMinor < d.claimedMinor;
  const title =
    d.kind === 'approved' && d.amountMinor !== undefined
      ? partial
        ? t(locale, 'detail.decision.approvedPart', {
            ...params,
            amount: formatMoney(d.amountMinor, currency, locale),
            claimed: formatMoney(d.claimedMinor!, currency, locale),
          })
        : t(locale, 'detail.decision.approved', { ...params, amount: formatMoney(d.amountMinor, currency, locale) })
      : t(locale, `detail.decision.${d.kind === 'approved' ? 'approvedPlain' : d.kind}`, params);
  const label =
    d.kind === 'disputed'
      ? 'detail.decision.argument'
      : d.kind === 'information_requested'
        ? 'detail.decision.request'
        : partial
          ? 'detail.decision.cut'
          : 'detail.decision.reason';
  const tone = DECISION_TONE[d.kind];
  return {
    title,
    style: tone,
    tone: badgeTextTone(tone),
    hasReason: Boolean(d.reason),
    reason: d.reason ? t(locale, label, { text: d.reason }) : '',
  };
}

import historyTemplate from './templates/history.json';
import { backToClaim } from './form';
import { execute, type ExecuteSpec } from './actions';
import { catalogueText } from './catalogueText';
import { documentRefLabel } from './documentSummary';
import { formatDate, formatMoment, formatMoney, statusTone, textTone } from './format';
import { expand } from './render';
import { hasKey, langOf, t, type StringKey } from './strings';
import type { ActorKind, AdaptiveCard, ClaimStatus, Moment, RenderOptions } from './types';

/** One page of a claim's history, newest first (services/history.ts HistoryPage). */
export type HistoryView = {
  claim: { id: string; number: string; name: string };
  items: Array<{
    id: string;
    type: string;
    /** English, for logs; shown to English readers only when the event data says nothing more. */
    summary: string;
    actorName: string | null;
    actorKind: ActorKind;
    data: unknown;
    statusBefore: ClaimStatus | null;
    statusAfter: ClaimStatus | null;
    at: Moment;
  }>;
  /** Pass back as `before` for the next (older) page; null at the end. */
  nextCursor: string | null;
};

/** Reviewer messages the partner has to read stand out. */
const ATTENTION_TYPES = new Set(['feedback_given', 'information_requested', 'rejected']);

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Review ownership, reminders, escalations and exports (services/reviewWorkload.ts, services/exports.ts), in words. */
function workloadDetail(type: string, d: Record<string, unknown>, locale: string): string | null {
  const days = typeof d.ageBusinessDays === 'number' ? d.ageBusinessDays : 0;
  const target = typeof d.targetBusinessDays === 'number' ? d.targetBusinessDays : 0;
  switch (type) {
    case 'review_started':
      return str(d.reviewerName) ? t(locale, 'history.reviewStarted', { name: str(d.reviewerName) }) : null;
    case 'review_assigned':
      return str(d.previousReviewerName)
        ? t(locale, 'history.reviewAssigned.from', { previous: str(d.previousReviewerName), name: str(d.reviewerName) })
        : t(locale, 'history.reviewAssigned', { name: str(d.reviewerName) });
    case 'review_reminder_sent':
      return str(d.reviewerName)
        ? t(locale, 'history.reviewReminder', { days, target, name: str(d.reviewerName) })
        : t(locale, 'history.reviewReminder.team', { days, target });
    case 'review_escalated':
      return t(locale, 'history.reviewEscalated', { days, target });
    case 'claim_exported':
      return t(locale, 'history.exported');
    default:
      return null;
  }
}

/** What the event's data adds, in words: who was asked, the document it was about, the text or reason, the amount. */
function detailOf(type: string, data: unknown, locale: string): string {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const workload = workloadDetail(type, d, locale);
  if (workload) return workload;
  const parts: string[] = [];
  // A request names whom it went to, and review events the document they were about.
  const kindInline = hasKey(`kindInline.${str(d.kind)}`) ? t(locale, `kindInline.${str(d.kind)}` as StringKey) : '';
  if ((type === 'upload_requested' || type === 'upload_cancelled') && str(d.assigneeName)) {
    parts.push(
      t(locale, type === 'upload_requested' ? 'history.askedWhom' : 'history.requestTo', {
        name: str(d.assigneeName),
        kind: kindInline,
        due: formatDate(str(d.dueDate) || null, locale),
      }),
    );
  }
  const document = documentRefLabel(locale, d);
  if (document) parts.push(t(locale, 'history.onDocument', { document }));
  const text = str(d.text) || str(d.message) || str(d.feedback);
  // The same words as the claim card's decision: a dispute's argument, a cut's reason.
  const reasonKey = type === 'disputed' ? 'detail.decision.argument' : type === 'approved' ? 'detail.decision.cut' : 'history.reason';
  if (str(d.reason)) parts.push(t(locale, reasonKey, { text: str(d.reason) }));
  else if (text) parts.push(text);
  if (typeof d.amountMinor === 'number' && (type === 'approved' || type === 'csr_generated' || type === 'claim_created')) {
    parts.push(t(locale, 'history.amount', { amount: formatMoney(d.amountMinor, str(d.currency) || 'USD', locale) }));
  }
  const kind = str(d.kind);
  const kindLabel = kind && hasKey(`kind.${kind}`) ? t(locale, `kind.${kind}` as StringKey) : '';
  const docBits = [kindLabel, str(d.fileName)].filter(Boolean).join(': ');
  // Requests already said which kind, in the sentence naming the colleague.
  if (docBits && !(parts.length && (type === 'upload_requested' || type === 'upload_cancelled'))) parts.push(docBits);
  if (str(d.name) && str(d.value)) parts.push(`${catalogueText(locale, str(d.name))}: ${str(d.value)}`);
  return parts.join('\n\n');
}

export function renderHistory(vm: HistoryView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  const actions: ExecuteSpec[] = [];
  if (vm.nextCursor) actions.push(execute(t(locale, 'history.older'), 'claim.history', { claimId: vm.claim.id, before: vm.nextCursor }));
  actions.push(backToClaim(locale, vm.claim.id));
  return expand(historyTemplate, {
    title: t(locale, 'history.title'),
    subtitle: t(locale, 'common.claimRef', { number: vm.claim.number, name: vm.claim.name }),
    isEmpty: vm.items.length === 0,
    emptyText: t(locale, 'history.empty'),
    items: vm.items.map((i) => {
      const attention = ATTENTION_TYPES.has(i.type);
      const derived = detailOf(i.type, i.data, locale);
      const detail = derived || (langOf(locale) === 'en' ? i.summary : '');
      const who =
        i.actorName ?? t(locale, i.actorKind === 'REVIEWER' ? 'actor.REVIEWER' : i.actorKind === 'SYSTEM' ? 'actor.SYSTEM' : 'actor.USER');
      const changed = Boolean(i.statusAfter && i.statusBefore !== i.statusAfter);
      return {
        style: attention ? 'attention' : 'default',
        label: hasKey(`history.type.${i.type}`) ? t(locale, `history.type.${i.type}` as StringKey) : t(locale, 'history.type.other'),
        tone: attention ? 'attention' : 'default',
        hasStatus: changed,
        statusChange: changed
          ? i.statusBefore
            ? t(locale, 'history.status', { from: t(locale, `status.${i.statusBefore}`), to: t(locale, `status.${i.statusAfter!}`) })
            : t(locale, `status.${i.statusAfter!}`)
          : '',
        statusTone: i.statusAfter ? textTone(statusTone(i.statusAfter)) : 'default',
        hasDetail: Boolean(detail),
        detail,
        meta: t(locale, 'history.meta', { who, when: formatMoment(i.at, locale, opts.timeZone) }),
      };
    }),
    actions,
  });
}

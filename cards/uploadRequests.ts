import uploadRequestTemplate from './templates/uploadRequest.json';
import { actionKey, execute } from './actions';
import { catalogueText } from './catalogueText';
import { backToClaim, renderForm, type FormState } from './form';
import { badgeTextTone, formatDate, formatDueDate, formatMoney, isoDate, textTone, type Tone } from './format';
import { renderNotice } from './notice';
import { expand } from './render';
import { t } from './strings';
import type { AdaptiveCard, CalendarDate, ClaimRef, DocumentKind, Moment, RenderOptions, UploadRequestStatus } from './types';

/**
 * 8. Asking a colleague for a document. The people picker queries `graph.microsoft.com/users`
 * (works in 1:1 chat; the submitted value is then the colleague's Entra object id) or a dataset the
 * bot serves through `application/search` (e.g. `colleagues`, value = our user id). `colleagues`
 * is the static list shown before the user types, and the fallback for clients without Data.Query.
 */
export type AskColleagueView = FormState & {
  claim: Pick<ClaimRef, 'id' | 'number' | 'name'>;
  idempotencyKey: string;
  pickerDataset: 'graph' | string;
  colleagues: Array<{ id: string; name: string }>;
  /** Kinds a colleague may be asked for (services/uploadRequests.ts REQUESTABLE_KINDS). */
  kinds?: DocumentKind[];
  /** Earliest due date (today), YYYY-MM-DD. */
  today?: CalendarDate;
};

export function renderAskColleague(vm: AskColleagueView, locale: string): AdaptiveCard {
  const kinds = vm.kinds ?? ['INVOICE', 'PROOF', 'METRIC', 'ADDITIONAL_INFO'];
  return renderForm(
    {
      title: t(locale, 'ask.title'),
      subtitle: t(locale, 'common.claimRef', { number: vm.claim.number, name: vm.claim.name }),
      fields: [
        {
          kind: 'choice',
          id: 'assigneeId',
          label: t(locale, 'ask.person.label'),
          placeholder: t(locale, 'ask.person.placeholder'),
          required: true,
          errorMessage: t(locale, 'ask.person.error'),
          style: 'filtered',
          choices: vm.colleagues.map((c) => ({ title: c.name, value: c.id })),
          dataQuery: { dataset: vm.pickerDataset === 'graph' ? 'graph.microsoft.com/users' : vm.pickerDataset, count: 10 },
        },
        {
          kind: 'choice',
          id: 'kind',
          label: t(locale, 'ask.kind.label'),
          required: true,
          errorMessage: t(locale, 'ask.kind.error'),
          choices: kinds.map((k) => ({ title: t(locale, `kind.${k}`), value: k })),
          style: 'compact',
        },
        {
          kind: 'text',
          id: 'message',
          label: t(locale, 'ask.message.label'),
          placeholder: t(locale, 'ask.message.placeholder'),
          required: true,
          errorMessage: t(locale, 'ask.message.error'),
          multiline: true,
          maxLength: 1000,
        },
        {
          kind: 'date',
          id: 'dueDate',
          label: t(locale, 'ask.due.label'),
          required: true,
          errorMessage: t(locale, 'ask.due.error'),
          min: vm.today ? isoDate(vm.today) : undefined,
        },
      ],
      actions: [
        execute(
          t(locale, 'ask.submit'),
          'upload.ask',
          { claimId: vm.claim.id, idempotencyKey: actionKey(vm.idempotencyKey, 'upload.ask') },
          { style: 'positive', inputs: 'auto' },
        ),
        backToClaim(locale, vm.claim.id),
      ],
    },
    vm,
    locale,
  );
}

/** 9. The request as the colleague sees it; closed requests show their outcome and no Upload/Decline. */
export type UploadRequestView = {
  id: string;
  status: UploadRequestStatus;
  requesterName: string;
  claim: { id: string; number: string; name: string; amountMinor?: number; currency?: string; programName?: string; locationName?: string };
  kind: DocumentKind;
  message: string;
  dueAt: Moment;
  /** The day the asker picked (YYYY-MM-DD): shown as a date, never as a time of day. Falls back to dueAt's UTC date. */
  dueDate?: CalendarDate | null;
  /** A line at the top, e.g. why a click on this card was refused. */
  note?: { text: string; tone: Tone } | null;
  declineReason?: string | null;
  /** For proof: what it must show. */
  guidance?: string | null;
  idempotencyKey: string;
};

const CLOSED_TONE: Record<UploadRequestStatus, Tone> = { OPEN: 'accent', FULFILLED: 'good', DECLINED: 'warning', CANCELLED: 'default' };

/** `opts` is accepted for symmetry with the other cards; the request shows only dates, which need no zone. */
export function renderUploadRequest(vm: UploadRequestView, locale: string, _opts: RenderOptions = {}): AdaptiveCard {
  const c = vm.claim;
  const isOpen = vm.status === 'OPEN';
  const facts = [
    { title: t(locale, 'uploadRequest.claim'), value: t(locale, 'common.claimRef', { number: c.number, name: c.name }) },
    {
      title: t(locale, 'uploadRequest.amount'),
      value: c.amountMinor !== undefined && c.currency ? formatMoney(c.amountMinor, c.currency, locale) : '',
    },
    { title: t(locale, 'uploadRequest.program'), value: c.programName ?? '' },
    { title: t(locale, 'uploadRequest.location'), value: c.locationName ?? '' },
    { title: t(locale, 'uploadRequest.what'), value: t(locale, `kind.${vm.kind}`) },
    { title: t(locale, 'uploadRequest.due'), value: formatDate(vm.dueDate ?? null, locale) || formatDueDate(vm.dueAt, locale) },
  ].filter((f) => f.value);
  return expand(uploadRequestTemplate, {
    title: t(locale, 'uploadRequest.title', { name: vm.requesterName }),
    hasNote: Boolean(vm.note?.text),
    noteText: vm.note?.text ?? '',
    noteStyle: vm.note?.tone ?? 'default',
    noteTone: badgeTextTone(vm.note?.tone ?? 'default'),
    facts,
    labels: { why: t(locale, 'uploadRequest.why') },
    message: vm.message,
    hasGuidance: Boolean(vm.guidance),
    guidance: vm.guidance ? t(locale, 'doc.guidance', { guidance: catalogueText(locale, vm.guidance) }) : '',
    isOpen,
    isClosed: !isOpen,
    closedStyle: CLOSED_TONE[vm.status],
    closedBadgeTone: badgeTextTone(CLOSED_TONE[vm.status]),
    closedTone: textTone(CLOSED_TONE[vm.status]),
    closedBadge: t(locale, `uploadRequest.badge.${vm.status}`),
    closedText:
      vm.status === 'OPEN'
        ? ''
        : t(locale, `uploadRequest.closed.${vm.status}`, { reason: vm.declineReason ?? '', name: vm.requesterName }),
    upload: execute(t(locale, 'uploadRequest.upload'), 'upload.start', { uploadRequestId: vm.id }),
    decline: {
      title: t(locale, 'uploadRequest.decline'),
      label: t(locale, 'uploadRequest.decline.label'),
      error: t(locale, 'uploadRequest.decline.error'),
      send: t(locale, 'uploadRequest.decline.send'),
      verb: 'upload.decline',
      data: { uploadRequestId: vm.id, idempotencyKey: actionKey(vm.idempotencyKey, 'upload.decline') },
    },
    open: execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: c.id }),
  });
}

/** For the asker: the request went out, or the colleague cannot be reached yet (no app installed). */
export type AskSentView = { claimId: string; assigneeName: string; kind: DocumentKind; dueAt: Moment; reachable: boolean };

export function renderAskSent(vm: AskSentView, locale: string, _opts: RenderOptions = {}): AdaptiveCard {
  return renderNotice({
    title: t(locale, vm.reachable ? 'askSent.title' : 'askSent.unreachableTitle'),
    titleTone: vm.reachable ? 'good' : 'warning',
    lines: [
      t(locale, 'askSent.text', { name: vm.assigneeName, kind: t(locale, `kindInline.${vm.kind}`), due: formatDueDate(vm.dueAt, locale) }),
      ...(vm.reachable ? [] : [{ text: t(locale, 'askSent.unreachable', { name: vm.assigneeName }), tone: 'attention' as const }]),
    ],
    actions: [backToClaim(locale, vm.claimId)],
  });
}

import uploadRequestTemplate from './templates/uploadRequest.json';
import { actionKey, execute } from './actions';
import { renderForm, type FormState } from './form';
import { formatDate, formatMoment, formatMoney, isoDate, type Tone } from './format';
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
        { kind: 'text', id: 'message', label: t(locale, 'ask.message.label'), placeholder: t(locale, 'ask.message.placeholder'), required: true, errorMessage: t(locale, 'ask.message.error'), multiline: true, maxLength: 1000 },
        { kind: 'date', id: 'dueDate', label: t(locale, 'ask.due.label'), required: true, errorMessage: t(locale, 'ask.due.error'), min: vm.today ? isoDate(vm.today) : undefined },
      ],
      actions: [
        execute(t(locale, 'ask.submit'), 'upload.ask', { claimId: vm.claim.id, idempotencyKey: actionKey(vm.idempotencyKey, 'upload.ask') }, { style: 'positive', inputs: 'auto' }),
        execute(t(locale, 'common.backToClaim'), 'claim.open', { claimId: vm.claim.id }),
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
  declineReason?: string | null;
  /** For proof: what it must show. */
  guidance?: string | null;
  idempotencyKey: string;
};

const CLOSED_TONE: Record<UploadRequestStatus, Tone> = { OPEN: 'accent', FULFILLED: 'good', DECLINED: 'warning', CANCELLED: 'default' };

export function renderUploadRequest(vm: UploadRequestView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  const c = vm.claim;
  const claimLine = [t(locale, 'common.claimRef', { number: c.number, name: c.name }), c.programName, c.locationName, c.amountMinor !== undefined && c.currency ? formatMoney(c.amountMinor, c.currency, locale) : '']
    .filter(Boolean)
    .join(' · ');
  const isOpen = vm.status === 'OPEN';
  return expand(uploadRequestTemplate, {
    title: t(locale, 'uploadRequest.title', { name: vm.requesterName }),
    facts: [
      { title: t(locale, 'uploadRequest.claim'), value: claimLine },
      { title: t(locale, 'uploadRequest.what'), value: t(locale, `kind.${vm.kind}`) },
      { title: t(locale, 'uploadRequest.due'), value: formatMoment(vm.dueAt, locale, opts.timeZone) },
    ],
    labels: { why: t(locale, 'uploadRequest.why') },
    message: vm.message,
    hasGuidance: Boolean(vm.guidance),
    guidance: vm.guidance ? t(locale, 'doc.guidance', { guidance: vm.guidance }) : '',
    isOpen,
    isClosed: !isOpen,
    closedTone: CLOSED_TONE[vm.status],
    closedBadge: t(locale, `uploadRequest.badge.${vm.status}`),
    closedText: vm.status === 'OPEN' ? '' : t(locale, `uploadRequest.closed.${vm.status}`, { reason: vm.declineReason ?? '', name: vm.requesterName }),
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

export function renderAskSent(vm: AskSentView, locale: string, opts: RenderOptions = {}): AdaptiveCard {
  return renderNotice({
    title: t(locale, vm.reachable ? 'askSent.title' : 'askSent.unreachableTitle'),
    titleTone: vm.reachable ? 'good' : 'warning',
    lines: [
      t(locale, 'askSent.text', { name: vm.assigneeName, kind: t(locale, `kind.${vm.kind}`), due: formatDate(vm.dueAt, locale) || formatMoment(vm.dueAt, locale, opts.timeZone) }),
      ...(vm.reachable ? [] : [{ text: t(locale, 'askSent.unreachable', { name: vm.assigneeName }), tone: 'warning' as const }]),
    ],
    actions: [execute(t(locale, 'common.backToClaim'), 'claim.open', { claimId: vm.claimId })],
  });
}

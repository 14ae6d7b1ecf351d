import { actionKey, execute } from './actions';
import { decisionLine, type ClaimDecisionView } from './claimDetail';
import { AMOUNT_REGEX, backToClaim, renderForm, type FormQuote, type FormState } from './form';
import { formatMoney, minorToInput } from './format';
import { renderNotice } from './notice';
import { t } from './strings';
import type { AdaptiveCard, ClaimRef } from './types';

/**
 * 5. The small forms on a claim. Input ids match the service inputs: comment `text`, dispute and
 * reject `reason`, request-information `message`, approve `amount` (major units).
 */
export type ClaimFormView = FormState & {
  claim: ClaimRef;
  idempotencyKey: string;
  /**
   * The decisions behind the claim's status (the rejection a dispute answers, the dispute a reviewer
   * rules on), shown above the input so nobody has to look for the reason elsewhere.
   */
  decisions?: ClaimDecisionView[];
  currency?: string;
};

const subtitle = (c: ClaimRef) => t('en', 'common.claimRef', { number: c.number, name: c.name });

function decisionQuotes(vm: ClaimFormView, locale: string): FormQuote[] {
  return (vm.decisions ?? []).map((d) => {
    const line = decisionLine(d, vm.currency ?? 'USD', locale, undefined);
    return { title: line.title, text: line.reason || t(locale, 'common.none'), tone: line.style === 'good' ? 'good' : line.style };
  });
}

function textForm(
  vm: ClaimFormView,
  locale: string,
  o: {
    title: string;
    intro?: string;
    id: string;
    label: string;
    error: string;
    submit: string;
    verb: 'comment.add' | 'claim.dispute' | 'review.requestInfo' | 'review.reject';
    destructive?: boolean;
    max: number;
  },
): AdaptiveCard {
  // A comment changes no claim state, so it carries no version (services/documents.ts addComment).
  const version = o.verb === 'comment.add' ? undefined : vm.claim.version;
  return renderForm(
    {
      title: o.title,
      subtitle: subtitle(vm.claim),
      intro: o.intro,
      quotes: decisionQuotes(vm, locale),
      fields: [{ kind: 'text', id: o.id, label: o.label, required: true, errorMessage: o.error, multiline: true, maxLength: o.max }],
      actions: [
        execute(
          o.submit,
          o.verb,
          { claimId: vm.claim.id, version, idempotencyKey: actionKey(vm.idempotencyKey, o.verb) },
          { style: o.destructive ? 'destructive' : 'positive', inputs: 'auto' },
        ),
        backToClaim(locale, vm.claim.id),
      ],
    },
    vm,
    locale,
  );
}

export const renderCommentForm = (vm: ClaimFormView, locale: string): AdaptiveCard =>
  textForm(vm, locale, {
    title: t(locale, 'comment.title'),
    id: 'text',
    label: t(locale, 'comment.label'),
    error: t(locale, 'comment.error'),
    submit: t(locale, 'comment.submit'),
    verb: 'comment.add',
    max: 2000,
  });

export const renderDisputeForm = (vm: ClaimFormView, locale: string): AdaptiveCard =>
  textForm(vm, locale, {
    title: t(locale, 'dispute.title'),
    intro: t(locale, 'dispute.intro'),
    id: 'reason',
    label: t(locale, 'dispute.label'),
    error: t(locale, 'dispute.error'),
    submit: t(locale, 'dispute.submit'),
    verb: 'claim.dispute',
    max: 2000,
  });

export const renderRequestInfoForm = (vm: ClaimFormView, locale: string): AdaptiveCard =>
  textForm(vm, locale, {
    title: t(locale, 'requestInfo.title'),
    intro: t(locale, 'requestInfo.intro'),
    id: 'message',
    label: t(locale, 'requestInfo.label'),
    error: t(locale, 'requestInfo.error'),
    submit: t(locale, 'requestInfo.submit'),
    verb: 'review.requestInfo',
    max: 2000,
  });

export const renderRejectForm = (vm: ClaimFormView, locale: string): AdaptiveCard =>
  textForm(vm, locale, {
    title: t(locale, 'reject.title'),
    intro: t(locale, 'reject.intro'),
    id: 'reason',
    label: t(locale, 'reject.label'),
    error: t(locale, 'reject.error'),
    submit: t(locale, 'reject.submit'),
    verb: 'review.reject',
    destructive: true,
    max: 2000,
  });

export type ApproveFormView = ClaimFormView & { amountMinor: number; currency: string };

/**
 * Prefilled with the claimed amount; a smaller amount is a partial approval (domain.md §9), which
 * needs a reason the partner will read (the service refuses a cut without one).
 */
export function renderApproveForm(vm: ApproveFormView, locale: string): AdaptiveCard {
  return renderForm(
    {
      title: t(locale, 'approve.title'),
      subtitle: subtitle(vm.claim),
      quotes: decisionQuotes(vm, locale),
      fields: [
        {
          kind: 'text',
          id: 'amount',
          label: t(locale, 'approve.amount.label', { currency: vm.currency }),
          required: true,
          errorMessage: t(locale, 'approve.amount.error'),
          help: t(locale, 'approve.amount.help', { claimed: formatMoney(vm.amountMinor, vm.currency, locale) }),
          regex: AMOUNT_REGEX,
          initial: minorToInput(vm.amountMinor),
        },
        {
          kind: 'text',
          id: 'reason',
          label: t(locale, 'approve.reason.label'),
          help: t(locale, 'approve.reason.help', { claimed: formatMoney(vm.amountMinor, vm.currency, locale) }),
          multiline: true,
          maxLength: 2000,
        },
      ],
      actions: [
        execute(
          t(locale, 'approve.submit'),
          'review.approve',
          { claimId: vm.claim.id, version: vm.claim.version, idempotencyKey: actionKey(vm.idempotencyKey, 'review.approve') },
          { style: 'positive', inputs: 'auto' },
        ),
        backToClaim(locale, vm.claim.id),
      ],
    },
    vm,
    locale,
  );
}

/** The stand-alone confirmation before cancelling (the claim card also offers it inline). */
export function renderConfirmCancel(vm: { claim: ClaimRef; idempotencyKey: string }, locale: string): AdaptiveCard {
  return renderNotice({
    title: t(locale, 'cancel.title'),
    titleTone: 'attention',
    subtitle: subtitle(vm.claim),
    lines: [t(locale, 'cancel.text')],
    actions: [
      execute(
        t(locale, 'cancel.confirm'),
        'claim.cancel',
        { claimId: vm.claim.id, version: vm.claim.version, idempotencyKey: actionKey(vm.idempotencyKey, 'claim.cancel') },
        { style: 'destructive' },
      ),
      execute(t(locale, 'cancel.keep'), 'claim.open', { claimId: vm.claim.id }),
    ],
  });
}

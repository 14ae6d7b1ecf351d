import { actionKey, execute } from './actions';
import { backToClaim, renderForm, type FormState } from './form';
import { t } from './strings';
import type { AdaptiveCard, ClaimRef } from './types';

/**
 * Reassigning a review: a people picker over the review team. Like "Ask a colleague", the picker
 * queries a dataset the bot answers through `application/search` (`reviewers`, value = our user
 * id) and lists the team as static choices for clients without Data.Query. Teams' Graph picker is
 * not used: it would offer the whole directory, not the review team.
 */
export type AssignReviewView = FormState & {
  claim: Pick<ClaimRef, 'id' | 'number' | 'name'>;
  /** The current owner, if any. */
  reviewerName: string | null;
  reviewers: Array<{ id: string; name: string }>;
  pickerDataset: string;
  idempotencyKey: string;
};

export function renderAssignReview(vm: AssignReviewView, locale: string): AdaptiveCard {
  return renderForm(
    {
      title: t(locale, 'assign.title'),
      subtitle: t(locale, 'common.claimRef', { number: vm.claim.number, name: vm.claim.name }),
      intro: vm.reviewerName ? t(locale, 'assign.current', { name: vm.reviewerName }) : t(locale, 'assign.current.none'),
      fields: [
        {
          kind: 'choice',
          id: 'assigneeId',
          label: t(locale, 'assign.person.label'),
          placeholder: t(locale, 'assign.person.placeholder'),
          required: true,
          errorMessage: t(locale, 'assign.person.error'),
          style: 'filtered',
          choices: vm.reviewers.map((r) => ({ title: r.name, value: r.id })),
          dataQuery: { dataset: vm.pickerDataset, count: 10 },
        },
      ],
      actions: [
        execute(
          t(locale, 'assign.submit'),
          'review.assign',
          { claimId: vm.claim.id, idempotencyKey: actionKey(vm.idempotencyKey, 'review.assign') },
          { style: 'positive', inputs: 'auto' },
        ),
        backToClaim(locale, vm.claim.id),
      ],
    },
    vm,
    locale,
  );
}

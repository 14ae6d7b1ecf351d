import queueTemplate from './templates/reviewQueue.json';
import { execute } from './actions';
import { formatMoney, statusTone } from './format';
import { expand } from './render';
import { t } from './strings';
import type { AdaptiveCard, ClaimStatus, Moment } from './types';

/** 11. Claims waiting for a reviewer. Ages are business days (services/businessDays.ts), counted by the service. */
export type ReviewQueueView = {
  items: Array<{
    claimId: string;
    number: string;
    name: string;
    status: ClaimStatus;
    locationName: string;
    programName: string;
    amountMinor: number;
    currency: string;
    /** When it started waiting (submitted or disputed): orders the queue, oldest first. */
    waitingSince: Moment;
    ageBusinessDays: number;
    /** 2 for a first review, 5 for a dispute (domain.md §9). */
    targetBusinessDays: number;
  }>;
};

const time = (m: Moment) => new Date(m).getTime();

export function renderReviewQueue(vm: ReviewQueueView, locale: string): AdaptiveCard {
  const items = [...vm.items].sort((a, b) => time(a.waitingSince) - time(b.waitingSince));
  return expand(queueTemplate, {
    title: t(locale, 'queue.title'),
    subtitle: items.length ? t(locale, 'queue.count', { count: items.length }) : t(locale, 'queue.empty'),
    items: items.map((i) => {
      const overdue = i.ageBusinessDays > i.targetBusinessDays;
      return {
        heading: t(locale, 'common.claimRef', { number: i.number, name: i.name }),
        line: t(locale, 'queue.line', { location: i.locationName, program: i.programName, amount: formatMoney(i.amountMinor, i.currency, locale) }),
        statusLabel: t(locale, `status.${i.status}`),
        statusTone: statusTone(i.status),
        slaLabel: t(locale, overdue ? 'queue.overdue' : 'queue.onTime'),
        slaTone: overdue ? 'attention' : 'good',
        age: t(locale, 'queue.age', { days: i.ageBusinessDays, target: i.targetBusinessDays }),
        open: execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: i.claimId }),
      };
    }),
  });
}

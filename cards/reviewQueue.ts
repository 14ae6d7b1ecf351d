import queueTemplate from './templates/reviewQueue.json';
import { execute } from './actions';
import { formatMoney, intlLocale, statusTone, textTone } from './format';
import { expand } from './render';
import { langOf, t } from './strings';
import type { AdaptiveCard, ClaimStatus, Moment } from './types';

/** 11. Claims waiting for a reviewer. Ages are business days (services/businessDays.ts), counted by the service. */
export type ReviewQueueView = {
  items: Array<{
    claimId: string;
    number: string;
    name: string;
    status: ClaimStatus;
    /** The partner organisation and its location; the row shows "organisation · location" from whichever is present. */
    organisationName?: string;
    locationName?: string;
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
    subtitle: items.length ? countLine(items.length, locale) : t(locale, 'queue.empty'),
    items: items.map((i) => {
      const overdue = i.ageBusinessDays > i.targetBusinessDays;
      return {
        heading: t(locale, 'common.claimRef', { number: i.number, name: i.name }),
        line: [...new Set([i.organisationName, i.locationName]), i.programName, formatMoney(i.amountMinor, i.currency, locale)]
          .filter(Boolean)
          .join(' · '),
        statusLabel: t(locale, `status.${i.status}`),
        statusTone: textTone(statusTone(i.status)),
        slaLabel: t(locale, overdue ? 'queue.overdue' : 'queue.onTime'),
        slaTone: overdue ? 'attention' : 'default',
        age: t(locale, 'queue.age', { days: i.ageBusinessDays, target: i.targetBusinessDays }),
        // A screen reader reads each row's action title: it must say which claim it opens.
        open: execute(t(locale, 'common.openNumber', { number: i.number }), 'claim.open', { claimId: i.claimId }),
      };
    }),
  });
}

/** "1 claim" / "3 claims"; Korean has no plural, so both keys say the same there. */
function countLine(count: number, locale: string): string {
  const one = langOf(locale) === 'en' && new Intl.PluralRules(intlLocale(locale)).select(count) === 'one';
  return t(locale, one ? 'queue.count.one' : 'queue.count', { count });
}

import queueTemplate from './templates/reviewQueue.json';
import { execute, type QueueFilterData } from './actions';
import { formatMoney, intlLocale, statusTone, textTone } from './format';
import { expand } from './render';
import { langOf, t } from './strings';
import type { AdaptiveCard, ClaimStatus, Moment } from './types';

/** Owner and age filters of the queue (services/reviewQueue.ts QUEUE_OWNERS, QUEUE_AGES). */
export const QUEUE_OWNER_FILTERS = ['all', 'mine', 'unassigned'] as const;
export const QUEUE_AGE_FILTERS = ['any', 'overdue', 'escalated', '1', '2', '5', '10'] as const;
const QUEUE_STATUS_FILTERS: ClaimStatus[] = ['SUBMITTED', 'IN_REVIEW', 'DISPUTED'];

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
    /** Who owns the review; null = unassigned; absent = not shown. */
    reviewer?: { id: string; name: string } | null;
  }>;
  /** Matching claims over all pages; defaults to the items shown. */
  total?: number;
  page?: number;
  pageCount?: number;
  /** The filter the page was read with; absent = everything. */
  filter?: QueueFilterData;
  /** Choices of the organisation and program filters. */
  options?: { organisations: Array<{ id: string; name: string }>; programs: Array<{ id: string; name: string }> };
};

const time = (m: Moment) => new Date(m).getTime();

export function renderReviewQueue(vm: ReviewQueueView, locale: string): AdaptiveCard {
  const items = [...vm.items].sort((a, b) => time(a.waitingSince) - time(b.waitingSince));
  const total = vm.total ?? items.length;
  const page = vm.page ?? 1;
  const pageCount = vm.pageCount ?? 1;
  const filter = vm.filter ?? {};
  const active = activeFilters(vm, locale);
  const pageActions = [];
  if (page > 1) pageActions.push(execute(t(locale, 'queue.previous'), 'reviews.open', { filter, page: page - 1 }));
  if (page < pageCount) pageActions.push(execute(t(locale, 'queue.next'), 'reviews.open', { filter, page: page + 1 }));
  return expand(queueTemplate, {
    title: t(locale, 'queue.title'),
    subtitle: total ? countLine(total, locale) : t(locale, active.length ? 'queue.emptyFiltered' : 'queue.empty'),
    hasFilterLine: active.length > 0,
    filterLine: t(locale, 'queue.filtered', { filters: active.join(' · ') }),
    items: items.map((i) => {
      const overdue = i.ageBusinessDays > i.targetBusinessDays;
      const escalated = i.ageBusinessDays > 2 * i.targetBusinessDays;
      return {
        heading: t(locale, 'common.claimRef', { number: i.number, name: i.name }),
        line: [...new Set([i.organisationName, i.locationName]), i.programName, formatMoney(i.amountMinor, i.currency, locale)]
          .filter(Boolean)
          .join(' · '),
        ownerLine:
          i.reviewer === undefined
            ? ''
            : i.reviewer
              ? t(locale, 'queue.reviewer', { name: i.reviewer.name })
              : t(locale, 'queue.unassigned'),
        ownerTone: i.reviewer === null ? textTone('warning') : 'default',
        statusLabel: t(locale, `status.${i.status}`),
        statusTone: textTone(statusTone(i.status)),
        slaLabel: t(locale, escalated ? 'queue.escalated' : overdue ? 'queue.overdue' : 'queue.onTime'),
        slaTone: overdue ? 'attention' : 'default',
        age: t(locale, 'queue.age', { days: i.ageBusinessDays, target: i.targetBusinessDays }),
        // A screen reader reads each row's action title: it must say which claim it opens.
        open: execute(t(locale, 'common.openNumber', { number: i.number }), 'claim.open', { claimId: i.claimId }),
      };
    }),
    hasPages: pageCount > 1,
    pageLine: t(locale, 'queue.page', { page, pages: pageCount }),
    pageActions,
    filter: {
      title: t(locale, 'queue.filter'),
      inputs: filterInputs(vm, locale),
      apply: execute(t(locale, 'queue.apply'), 'reviews.open', { page: 1 }),
      canClear: active.length > 0,
      clear: execute(t(locale, 'queue.clear'), 'reviews.open', { filter: {}, page: 1 }),
    },
  });
}

const choice = (title: string, value: string) => ({ title, value });

/** The five filters as compact choice sets, each showing what the page was read with. */
function filterInputs(vm: ReviewQueueView, locale: string) {
  const f = vm.filter ?? {};
  const orgs = vm.options?.organisations ?? [];
  const programs = vm.options?.programs ?? [];
  return [
    {
      id: 'organisationId',
      label: t(locale, 'queue.filter.organisation'),
      value: f.organisationId ?? 'all',
      choices: [choice(t(locale, 'queue.filter.allOrganisations'), 'all'), ...orgs.map((o) => choice(o.name, o.id))],
    },
    {
      id: 'programId',
      label: t(locale, 'queue.filter.program'),
      value: f.programId ?? 'all',
      choices: [choice(t(locale, 'queue.filter.allPrograms'), 'all'), ...programs.map((p) => choice(p.name, p.id))],
    },
    {
      id: 'status',
      label: t(locale, 'queue.filter.status'),
      value: f.status ?? 'all',
      choices: [
        choice(t(locale, 'queue.filter.allStatuses'), 'all'),
        ...QUEUE_STATUS_FILTERS.map((s) => choice(t(locale, `status.${s}`), s)),
      ],
    },
    {
      id: 'owner',
      label: t(locale, 'queue.filter.owner'),
      value: f.owner ?? 'all',
      choices: QUEUE_OWNER_FILTERS.map((o) => choice(t(locale, `queue.owner.${o}`), o)),
    },
    {
      id: 'age',
      label: t(locale, 'queue.filter.age'),
      value: f.age ?? 'any',
      choices: QUEUE_AGE_FILTERS.map((a) => choice(ageLabel(a, locale), a)),
    },
  ];
}

function ageLabel(a: (typeof QUEUE_AGE_FILTERS)[number], locale: string): string {
  if (a === 'any' || a === 'overdue' || a === 'escalated') return t(locale, `queue.age.${a}`);
  return t(locale, 'queue.age.days', { days: a });
}

/** The filters in force, in words ("Mine · Past the target"); empty when the whole queue is shown. */
function activeFilters(vm: ReviewQueueView, locale: string): string[] {
  const f = vm.filter ?? {};
  const out: string[] = [];
  if (f.organisationId)
    out.push(vm.options?.organisations.find((o) => o.id === f.organisationId)?.name ?? t(locale, 'queue.filter.organisation'));
  if (f.programId) out.push(vm.options?.programs.find((p) => p.id === f.programId)?.name ?? t(locale, 'queue.filter.program'));
  if (f.status) out.push(t(locale, `status.${f.status}`));
  if (f.owner && f.owner !== 'all') out.push(t(locale, `queue.owner.${f.owner}`));
  if (f.age && f.age !== 'any') out.push(ageLabel(f.age, locale));
  return out;
}

/** "1 claim" / "3 claims"; Korean has no plural, so both keys say the same there. */
function countLine(count: number, locale: string): string {
  const one = langOf(locale) === 'en' && new Intl.PluralRules(intlLocale(locale)).select(count) === 'one';
  return t(locale, one ? 'queue.count.one' : 'queue.count', { count });
}

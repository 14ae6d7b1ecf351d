import overviewTemplate from './templates/overview.json';
import { execute } from './actions';
import { formatDate, formatMoney, statusTone, textTone } from './format';
import { expand } from './render';
import { t } from './strings';
import type { FundsOverview } from '../services/views';
import type { AdaptiveCard, Moment } from './types';

/**
 * 6. Funds per location × program × period, totals per currency, and the user's claims by status:
 * the service's view as it is (type only; cards stay free of I/O). A claim's `approvedMinor`, when
 * known, is shown as "$600.00 approved of $800.00".
 */
export type OverviewClaimLine = {
  id: string;
  number: string;
  name: string;
  amountMinor: number;
  approvedMinor?: number | null;
  currency: string;
  updatedAt: Moment;
};
export type OverviewView = Pick<FundsOverview, 'rows' | 'totals'> & {
  myClaims: Array<{ status: FundsOverview['myClaims'][number]['status']; claims: OverviewClaimLine[] }>;
};

/** Claims listed per status; the rest are counted, so a long history keeps the card small. */
const CLAIMS_PER_GROUP = 8;

export function renderOverview(vm: OverviewView, locale: string): AdaptiveCard {
  const figures = (f: { currency: string; earnedMinor: number; claimedMinor: number; approvedMinor: number; remainingMinor: number }) => [
    { label: t(locale, 'overview.earned'), value: formatMoney(f.earnedMinor, f.currency, locale), weight: 'default', tone: 'default' },
    { label: t(locale, 'overview.claimed'), value: formatMoney(f.claimedMinor, f.currency, locale), weight: 'default', tone: 'default' },
    { label: t(locale, 'overview.approved'), value: formatMoney(f.approvedMinor, f.currency, locale), weight: 'default', tone: 'default' },
    { label: t(locale, 'overview.remaining'), value: formatMoney(f.remainingMinor, f.currency, locale), weight: 'bolder', tone: 'accent' },
  ];
  // A period closed for claims with nothing claimed in it has nothing to act on: listed in one line each behind a toggle.
  const idle = (r: OverviewView['rows'][number]) => !r.windowOpen && r.claimedMinor === 0 && r.approvedMinor === 0;
  const rowTitle = (r: OverviewView['rows'][number]) =>
    t(locale, 'overview.row', { location: r.locationName, partnerId: r.partnerId, program: r.programName, period: r.period });
  const idleRows = vm.rows.filter(idle);
  return expand(overviewTemplate, {
    title: t(locale, 'overview.title'),
    labels: {
      funds: t(locale, 'overview.funds'),
      noFunds: t(locale, 'overview.noFunds'),
      myClaims: t(locale, 'overview.myClaims'),
      noClaims: t(locale, 'overview.noClaims'),
    },
    noFunds: vm.rows.length === 0,
    rows: vm.rows
      .filter((r) => !idle(r))
      .map((r) => ({
        title: rowTitle(r),
        figures: figures(r),
        expiry: t(locale, r.windowOpen ? 'overview.expires' : 'overview.notOpen', { date: formatDate(r.claimingDeadline, locale) }),
      })),
    hasIdle: idleRows.length > 0,
    idle: {
      title: t(locale, 'overview.notOpenCount', { count: idleRows.length }),
      lines: idleRows.map((r) => ({
        text: t(locale, 'overview.notOpenLine', {
          title: rowTitle(r),
          earned: formatMoney(r.earnedMinor, r.currency, locale),
          date: formatDate(r.claimingDeadline, locale),
        }),
      })),
    },
    totals: vm.totals.map((f) => ({ title: t(locale, 'overview.totals', { currency: f.currency }), figures: figures(f) })),
    noClaims: vm.myClaims.every((g) => g.claims.length === 0),
    groups: vm.myClaims
      .filter((g) => g.claims.length > 0)
      .map((g) => ({
        label: t(locale, `status.${g.status}`),
        tone: textTone(statusTone(g.status)),
        claims: g.claims.slice(0, CLAIMS_PER_GROUP).map((c) => ({
          line:
            c.approvedMinor !== null && c.approvedMinor !== undefined
              ? t(locale, 'overview.claimLineApproved', {
                  number: c.number,
                  name: c.name,
                  approved: formatMoney(c.approvedMinor, c.currency, locale),
                  amount: formatMoney(c.amountMinor, c.currency, locale),
                })
              : t(locale, 'overview.claimLine', { number: c.number, name: c.name, amount: formatMoney(c.amountMinor, c.currency, locale) }),
          // The row's select action: its title is what a screen reader announces, so it names the claim.
          ...execute(t(locale, 'common.openNumber', { number: c.number }), 'claim.open', { claimId: c.id }),
        })),
        hasMore: g.claims.length > CLAIMS_PER_GROUP,
        more: t(locale, 'overview.more', { count: g.claims.length - CLAIMS_PER_GROUP }),
      })),
    actions: [execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: 'positive' })],
  });
}

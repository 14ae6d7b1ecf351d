import overviewTemplate from './templates/overview.json';
import { execute } from './actions';
import { formatDate, formatMoney, statusTone } from './format';
import { expand } from './render';
import { t } from './strings';
import type { FundsOverview } from '../services/views';
import type { AdaptiveCard } from './types';

/** 6. Funds per location × program × period, totals per currency, and the user's claims by status: the service's view as it is (type only; cards stay free of I/O). */
export type OverviewView = FundsOverview;

/** Claims listed per status; the rest are counted, so a long history keeps the card small. */
const CLAIMS_PER_GROUP = 8;

export function renderOverview(vm: OverviewView, locale: string): AdaptiveCard {
  const figures = (f: { currency: string; earnedMinor: number; claimedMinor: number; approvedMinor: number; remainingMinor: number }) => [
    { label: t(locale, 'overview.earned'), value: formatMoney(f.earnedMinor, f.currency, locale), weight: 'default', tone: 'default' },
    { label: t(locale, 'overview.claimed'), value: formatMoney(f.claimedMinor, f.currency, locale), weight: 'default', tone: 'default' },
    { label: t(locale, 'overview.approved'), value: formatMoney(f.approvedMinor, f.currency, locale), weight: 'default', tone: 'good' },
    { label: t(locale, 'overview.remaining'), value: formatMoney(f.remainingMinor, f.currency, locale), weight: 'bolder', tone: 'accent' },
  ];
  return expand(overviewTemplate, {
    title: t(locale, 'overview.title'),
    labels: {
      funds: t(locale, 'overview.funds'),
      noFunds: t(locale, 'overview.noFunds'),
      myClaims: t(locale, 'overview.myClaims'),
      noClaims: t(locale, 'overview.noClaims'),
    },
    noFunds: vm.rows.length === 0,
    rows: vm.rows.map((r) => ({
      title: t(locale, 'overview.row', { location: r.locationName, partnerId: r.partnerId, program: r.programName, period: r.period }),
      figures: figures(r),
      expiry: r.windowOpen ? t(locale, 'overview.expires', { date: formatDate(r.claimingDeadline, locale) }) : t(locale, 'overview.notOpen'),
      expiryTone: r.windowOpen ? 'warning' : 'default',
    })),
    totals: vm.totals.map((f) => ({ title: t(locale, 'overview.totals', { currency: f.currency }), figures: figures(f) })),
    noClaims: vm.myClaims.every((g) => g.claims.length === 0),
    groups: vm.myClaims
      .filter((g) => g.claims.length > 0)
      .map((g) => ({
        label: t(locale, `status.${g.status}`),
        tone: statusTone(g.status),
        claims: g.claims.slice(0, CLAIMS_PER_GROUP).map((c) => ({
          line: t(locale, 'overview.claimLine', { number: c.number, name: c.name, amount: formatMoney(c.amountMinor, c.currency, locale) }),
          ...execute(t(locale, 'common.openClaim'), 'claim.open', { claimId: c.id }),
        })),
        hasMore: g.claims.length > CLAIMS_PER_GROUP,
        more: t(locale, 'overview.more', { count: g.claims.length - CLAIMS_PER_GROUP }),
      })),
    actions: [execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: 'positive' })],
  });
}

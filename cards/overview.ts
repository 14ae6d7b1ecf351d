import overviewTemplate from './templates/overview.json';
import { execute } from './actions';
import { formatDate, formatMoney, statusTone, textTone } from './format';
import { expand } from './render';
import { t } from './strings';
import type { FundsOverview, FundsRow, FundsTotals, OverviewFilters } from '../services/views';
import type { AdaptiveCard, Moment } from './types';

/**
 * 6. Funds per location × program × period, totals per currency, and claims by status: the
 * service's view as it is (type only; cards stay free of I/O). Each fund is a stacked bar of what
 * is approved, pending and still claimable (or, once its window closed, what expired unclaimed);
 * each currency's total a gauge of how much is used. Both are Teams Adaptive Card charts, each with
 * a `fallback` to the same figures as text for clients that draw no charts. A claim's
 * `approvedMinor`, when known, is shown as "$600.00 approved of $800.00"; admins see the
 * organisation's claims with their owners, and may narrow them by location, program and owner.
 */
export type OverviewClaimLine = {
  id: string;
  number: string;
  name: string;
  amountMinor: number;
  approvedMinor?: number | null;
  currency: string;
  updatedAt: Moment;
  ownerName?: string;
};
type Row = Omit<FundsRow, 'expiredMinor'> & { expiredMinor?: number };
type Totals = Omit<FundsTotals, 'expiredMinor'> & { expiredMinor?: number };
export type OverviewView = {
  rows: Row[];
  totals: Totals[];
  myClaims: Array<{ status: FundsOverview['myClaims'][number]['status']; claims: OverviewClaimLine[]; total?: number }>;
  claimsScope?: FundsOverview['claimsScope'];
  filters?: OverviewFilters;
};

/** Claims listed per status; the rest are counted, so a long history keeps the card small. */
const CLAIMS_PER_GROUP = 8;

/** Chart values are plain numbers: major units, so a bar reads like the amounts beside it. */
const major = (minor: number) => Math.round(minor) / 100;

export function renderOverview(vm: OverviewView, locale: string): AdaptiveCard {
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  const pending = (f: { claimedMinor: number; approvedMinor: number }) => Math.max(0, f.claimedMinor - f.approvedMinor);
  const figure = (label: string, value: string, strong = false) => ({
    label,
    value,
    weight: strong ? 'bolder' : 'default',
    tone: strong ? 'accent' : 'default',
  });
  /** Today's four figures: what a client without charts shows, and what the chart legends say. */
  const figures = (f: Row | Totals, open: boolean) => [
    figure(t(locale, 'overview.earned'), money(f.earnedMinor, f.currency)),
    figure(t(locale, 'overview.claimed'), money(f.claimedMinor, f.currency)),
    figure(t(locale, 'overview.approved'), money(f.approvedMinor, f.currency)),
    open
      ? figure(t(locale, 'overview.remaining'), money(f.remainingMinor, f.currency), true)
      : figure(t(locale, 'overview.expired'), money(f.expiredMinor ?? 0, f.currency)),
  ];
  /** The parts of a fund, as chart segments: approved, pending review, then what is left (or lost). */
  const parts = (f: Row | Totals) =>
    [
      {
        legend: t(locale, 'overview.chart.approved', { amount: money(f.approvedMinor, f.currency) }),
        minor: f.approvedMinor,
        color: 'good',
      },
      { legend: t(locale, 'overview.chart.pending', { amount: money(pending(f), f.currency) }), minor: pending(f), color: 'warning' },
      {
        legend: t(locale, 'overview.chart.remaining', { amount: money(f.remainingMinor, f.currency) }),
        minor: f.remainingMinor,
        color: 'categoricalBlue',
      },
      {
        legend: t(locale, 'overview.chart.expired', { amount: money(f.expiredMinor ?? 0, f.currency) }),
        minor: f.expiredMinor ?? 0,
        color: 'neutral',
      },
    ].filter((x) => x.minor > 0);

  // A period closed for claims with nothing claimed in it has nothing to act on: listed in one line each behind a toggle.
  const idle = (r: Row) => !r.windowOpen && r.claimedMinor === 0 && r.approvedMinor === 0;
  const rowTitle = (r: Row) =>
    t(locale, 'overview.row', { location: r.locationName, partnerId: r.partnerId, program: r.programName, period: r.period });
  const idleRows = vm.rows.filter(idle);
  const organisation = vm.claimsScope === 'organisation';
  const filters = vm.filters;
  const selected = filters?.selected ?? {};
  const nameOf = (list: Array<{ id: string; name: string }> | undefined, id: string | undefined) =>
    id ? (list?.find((x) => x.id === id)?.name ?? '') : '';
  const filterParts = [
    nameOf(filters?.locations, selected.locationId),
    nameOf(filters?.programs, selected.programId),
    nameOf(filters?.owners, selected.ownerId),
  ].filter(Boolean);
  const choice = (id: string, label: string, placeholder: string, list: Array<{ id: string; name: string }>, value?: string) => ({
    id,
    label,
    placeholder,
    choices: list.map((x) => ({ title: x.name, value: x.id })),
    value: value ?? null,
  });

  return expand(overviewTemplate, {
    title: t(locale, 'overview.title'),
    labels: {
      funds: t(locale, 'overview.funds'),
      noFunds: t(locale, 'overview.noFunds'),
      myClaims: t(locale, organisation ? 'overview.orgClaims' : 'overview.myClaims'),
      noClaims: t(
        locale,
        organisation ? (filterParts.length ? 'overview.noClaims.filtered' : 'overview.noClaims.org') : 'overview.noClaims',
      ),
    },
    noFunds: vm.rows.length === 0,
    rows: vm.rows
      .filter((r) => !idle(r))
      .map((r) => ({
        title: rowTitle(r),
        figures: figures(r, r.windowOpen),
        chart: {
          title: t(locale, 'overview.chart.fund', { title: rowTitle(r), earned: money(r.earnedMinor, r.currency) }),
          // The bar's own line is what a charting client shows in words: what is left (or lost) of what was earned.
          data: [
            {
              title: t(locale, r.windowOpen ? 'overview.chart.barOpen' : 'overview.chart.barClosed', {
                amount: money(r.windowOpen ? r.remainingMinor : (r.expiredMinor ?? 0), r.currency),
                earned: money(r.earnedMinor, r.currency),
              }),
              data: segments(parts(r)),
            },
          ],
        },
        expiry: t(locale, r.windowOpen ? 'overview.expires' : 'overview.notOpen', { date: formatDate(r.claimingDeadline, locale) }),
      })),
    hasIdle: idleRows.length > 0,
    idle: {
      title: t(locale, 'overview.notOpenCount', { count: idleRows.length }),
      lines: idleRows.map((r) => ({
        text: t(locale, 'overview.notOpenLine', {
          title: rowTitle(r),
          earned: money(r.earnedMinor, r.currency),
          date: formatDate(r.claimingDeadline, locale),
        }),
      })),
    },
    totals: vm.totals.map((f) => {
      const used = f.claimedMinor;
      const segs = parts(f);
      const expired = f.expiredMinor ?? 0;
      return {
        title: t(locale, 'overview.totals', { currency: f.currency }),
        figures: figures(f, true),
        gauge: {
          title: t(locale, 'overview.totals', { currency: f.currency }),
          // The gauge spans everything the segments show (claims may exceed what was earned).
          max: major(segs.reduce((s, x) => s + x.minor, 0)) || 1,
          value: major(used),
          subLabel: t(locale, 'overview.gauge.subLabel', { claimed: money(used, f.currency), earned: money(f.earnedMinor, f.currency) }),
          segments: segs.map((x) => ({ legend: x.legend, size: major(x.minor), color: x.color })),
        },
        hasExpired: expired > 0,
        expired: t(locale, 'overview.expiredLine', { amount: money(expired, f.currency) }),
      };
    }),
    isAdmin: organisation && Boolean(filters),
    filter: {
      active: filterParts.length > 0,
      summary: t(locale, 'overview.filter.showing', { filter: filterParts.join(' · ') }),
      title: t(locale, 'overview.filter.title'),
      inputs: filters
        ? [
            choice(
              'locationId',
              t(locale, 'overview.filter.location'),
              t(locale, 'overview.filter.allLocations'),
              filters.locations,
              selected.locationId,
            ),
            choice(
              'programId',
              t(locale, 'overview.filter.program'),
              t(locale, 'overview.filter.allPrograms'),
              filters.programs,
              selected.programId,
            ),
            choice('ownerId', t(locale, 'overview.filter.owner'), t(locale, 'overview.filter.everyone'), filters.owners, selected.ownerId),
          ]
        : [],
      apply: { ...execute(t(locale, 'overview.filter.apply'), 'overview.open', {}, { inputs: 'auto' }) },
      clear: execute(t(locale, 'overview.filter.clear'), 'overview.open', {}),
    },
    noClaims: vm.myClaims.every((g) => g.claims.length === 0),
    groups: vm.myClaims
      .filter((g) => g.claims.length > 0)
      .map((g) => {
        const total = Math.max(g.total ?? g.claims.length, g.claims.length);
        const shown = g.claims.slice(0, CLAIMS_PER_GROUP);
        return {
          label: organisation
            ? t(locale, 'overview.statusCount', { status: t(locale, `status.${g.status}`), count: total })
            : t(locale, `status.${g.status}`),
          tone: textTone(statusTone(g.status)),
          claims: shown.map((c) => ({
            line: claimLine(c, locale, organisation),
            // The row's select action: its title is what a screen reader announces, so it names the claim.
            ...execute(t(locale, 'common.openNumber', { number: c.number }), 'claim.open', { claimId: c.id }),
          })),
          hasMore: total > shown.length,
          more: t(locale, 'overview.more', { count: total - shown.length }),
        };
      }),
    actions: [execute(t(locale, 'common.newClaim'), 'claim.new.form', {}, { style: 'positive' })],
  });
}

/** Chart segments with values in major units; a fund with nothing in it still draws one empty bar. */
function segments(parts: Array<{ legend: string; minor: number; color: string }>) {
  return parts.map((x) => ({ legend: x.legend, value: major(x.minor), color: x.color }));
}

function claimLine(c: OverviewClaimLine, locale: string, withOwner: boolean): string {
  const amount = formatMoney(c.amountMinor, c.currency, locale);
  const line =
    c.approvedMinor !== null && c.approvedMinor !== undefined
      ? t(locale, 'overview.claimLineApproved', {
          number: c.number,
          name: c.name,
          approved: formatMoney(c.approvedMinor, c.currency, locale),
          amount,
        })
      : t(locale, 'overview.claimLine', { number: c.number, name: c.name, amount });
  return withOwner && c.ownerName ? t(locale, 'overview.claimLineOwner', { line, owner: c.ownerName }) : line;
}

import type { CalendarDate, ClaimStatus, Moment, ReviewState } from './types';

/**
 * Formatting happens while the view model is prepared, never inside templates, so a template only
 * places finished strings. Amounts are integer minor units: the services store `major × 100` for
 * every currency (services/input.ts `amountMinor`), so we divide by 100 and let Intl round to the
 * currency's own digits (KRW shows none).
 */

const FALLBACK_LOCALE = 'en-US';

/**
 * Intl formatters are costly to build (a claim card formats dozens of amounts and dates: 5 % of a
 * turn's CPU in the bench profile), so one per locale and options is kept. They are immutable.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make();
    // Locales come from clients: bound the cache rather than trust their variety.
    if (formatters.size >= 500) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/**
 * Canonical locales by what the client sent: `Intl.getCanonicalLocales` was the costliest line of card
 * rendering in the bench profile (a claim card asks for it dozens of times), and the answer for a string
 * never changes. Bounded like the formatters, since locales come from clients.
 */
const canonical = new Map<string, string>();

/** A locale Intl accepts (Teams sends e.g. `en-US`, `ko-KR`); anything broken falls back to en-US. */
export function intlLocale(locale: string | undefined | null): string {
  const asked = locale || FALLBACK_LOCALE;
  let known = canonical.get(asked);
  if (known === undefined) {
    try {
      known = Intl.getCanonicalLocales(asked)[0] ?? FALLBACK_LOCALE;
    } catch {
      known = FALLBACK_LOCALE;
    }
    if (canonical.size >= 500) canonical.clear();
    canonical.set(asked, known);
  }
  return known;
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const major = minor / 100;
  try {
    const loc = intlLocale(locale);
    return cached(`money|${loc}|${currency}`, () => new Intl.NumberFormat(loc, { style: 'currency', currency })).format(major);
  } catch {
    // An unknown currency code must not break a card.
    return `${currency} ${major.toFixed(2)}`;
  }
}

/** The value an amount input is prefilled with: major units as the services parse them ("1250.00"). */
export function minorToInput(minor: number): string {
  return (minor / 100).toFixed(2);
}

function toDate(d: CalendarDate | Moment): Date | null {
  if (d instanceof Date) return Number.isNaN(d.getTime()) ? null : d;
  const s = /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00.000Z` : d;
  const parsed = new Date(s);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/**
 * Korean's medium date is "2027. 2. 14.": at the start of a TextBlock or fact value, Teams' markdown
 * reads "2027. " as a numbered list and shows a list marker where the date should be (the date
 * vanished from the claim card's deadline). The long style, "2027년 2월 14일", has no such dot.
 */
const dateStyleFor = (loc: string): 'long' | 'medium' => (loc.startsWith('ko') ? 'long' : 'medium');

/** A calendar date (deadline, activity dates): shown in UTC so it never shifts by a day. */
export function formatDate(d: CalendarDate | null | undefined, locale: string): string {
  const date = d === null || d === undefined ? null : toDate(d);
  if (!date) return '';
  const loc = intlLocale(locale);
  return cached(`date|${loc}`, () => new Intl.DateTimeFormat(loc, { dateStyle: dateStyleFor(loc), timeZone: 'UTC' })).format(date);
}

/**
 * A moment (uploaded at, expires at): date and time in the user's zone when known. Without one it
 * is shown in UTC and says so ("Nov 28, 2026, 1:00 PM UTC"): a bare time would read as local.
 */
/**
 * Node's ICU data (CLDR 48) writes Korean times as "AM 9:00" rather than "오전 9:00", which reads
 * as English to a Korean partner; the 24-hour clock is what Korean business documents use anyway.
 */
const hourCycleFor = (loc: string): Pick<Intl.DateTimeFormatOptions, 'hourCycle'> => (loc.startsWith('ko') ? { hourCycle: 'h23' } : {});

export function formatMoment(d: Moment | null | undefined, locale: string, timeZone?: string): string {
  const date = d === null || d === undefined ? null : toDate(d);
  if (!date) return '';
  const loc = intlLocale(locale);
  const fmt = (zone: string, withZone: boolean) =>
    cached(
      `moment|${loc}|${zone}|${withZone}`,
      () =>
        new Intl.DateTimeFormat(
          loc,
          withZone
            ? {
                year: 'numeric',
                month: 'short',
                day: 'numeric',
                hour: 'numeric',
                minute: '2-digit',
                timeZone: zone,
                timeZoneName: 'short',
                ...hourCycleFor(loc),
              }
            : { dateStyle: dateStyleFor(loc), timeStyle: 'short', timeZone: zone, ...hourCycleFor(loc) },
        ),
    ).format(date);
  if (!timeZone) return fmt('UTC', true);
  try {
    return fmt(timeZone, false);
  } catch {
    // An unknown zone name: fall back to UTC, labelled.
    return fmt('UTC', true);
  }
}

/**
 * A due date of an upload request: the services keep it as the end of that UTC day (or send the
 * `YYYY-MM-DD` itself), so the date alone is what the asker picked; a time would only mislead.
 */
export function formatDueDate(d: Moment | CalendarDate | null | undefined, locale: string): string {
  return formatDate(isoDate(d) || null, locale);
}

/** `YYYY-MM-DD` for an Input.Date value. */
export function isoDate(d: CalendarDate | null | undefined): string {
  const date = d === null || d === undefined ? null : toDate(d);
  return date ? date.toISOString().slice(0, 10) : '';
}

/** Adaptive Card colours (named, never hex: Teams maps each to its light, dark and high-contrast theme). */
export type Tone = 'default' | 'good' | 'warning' | 'attention' | 'accent';

/**
 * The colour for text on the card's own background. Teams' light theme draws `warning` yellow and
 * `good` light green, both unreadable on white: warnings become `attention`, good news plain text
 * (bold where it matters). Those two stay only as container styles, whose background carries them.
 */
export function textTone(tone: Tone): Tone {
  return tone === 'warning' ? 'attention' : tone === 'good' ? 'default' : tone;
}

/** The colour for a badge's text on a container of the badge's own style (light warning/good tints need dark text). */
export function badgeTextTone(tone: Tone): Tone {
  return tone === 'warning' || tone === 'good' ? 'default' : tone;
}

export function statusTone(s: ClaimStatus | string): Tone {
  switch (s) {
    case 'APPROVED':
      return 'good';
    case 'ACTION_REQUIRED':
    case 'DISPUTED':
      return 'warning';
    case 'REJECTED':
    case 'EXPIRED':
      return 'attention';
    case 'CANCELLED':
      return 'default';
    default:
      return 'accent';
  }
}

export function reviewTone(s: ReviewState | string): Tone {
  return s === 'ACCEPTED' ? 'good' : s === 'NEEDS_FIX' ? 'attention' : 'default';
}

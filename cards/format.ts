import type { CalendarDate, ClaimStatus, Moment, ReviewState } from './types';

/**
 * Formatting happens while the view model is prepared, never inside templates, so a template only
 * places finished strings. Amounts are integer minor units: the services store `major × 100` for
 * every currency (services/input.ts `amountMinor`), so we divide by 100 and let Intl round to the
 * currency's own digits (KRW shows none).
 */

const FALLBACK_LOCALE = 'en-US';

/** A locale Intl accepts (Teams sends e.g. `en-US`, `ko-KR`); anything broken falls back to en-US. */
export function intlLocale(locale: string | undefined | null): string {
  try {
    return Intl.getCanonicalLocales(locale || FALLBACK_LOCALE)[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const major = minor / 100;
  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency }).format(major);
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

/** A calendar date (deadline, activity dates): shown in UTC so it never shifts by a day. */
export function formatDate(d: CalendarDate | null | undefined, locale: string): string {
  const date = d === null || d === undefined ? null : toDate(d);
  if (!date) return '';
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A moment (uploaded at, due at): date and time in the user's zone when known, else UTC. */
export function formatMoment(d: Moment | null | undefined, locale: string, timeZone = 'UTC'): string {
  const date = d === null || d === undefined ? null : toDate(d);
  if (!date) return '';
  try {
    return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  }
}

/** `YYYY-MM-DD` for an Input.Date value. */
export function isoDate(d: CalendarDate | null | undefined): string {
  const date = d === null || d === undefined ? null : toDate(d);
  return date ? date.toISOString().slice(0, 10) : '';
}

/** Adaptive Card text colours used as badges (they adapt to Teams light/dark themes). */
export type Tone = 'default' | 'good' | 'warning' | 'attention' | 'accent';

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

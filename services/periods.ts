import { z } from 'zod';
import { addDays, addMonths } from 'date-fns';

/**
 * Microsoft's fiscal year runs 1 July – 30 June; H1 is Jul–Dec, H2 Jan–Jun (domain.md §1).
 * A usage period's claims are due 45 days after it ends.
 */
export const CLAIM_DEADLINE_DAYS = 45;

export type UsagePeriod = { code: string; start: Date; end: Date; claimingDeadline: Date };

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

/** The usage period (a fiscal half) that contains `date`. */
export function usagePeriodContaining(date: Date): UsagePeriod {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const h1 = m >= 6;
  const start = h1 ? utc(y, 6, 1) : utc(y, 0, 1);
  const end = h1 ? utc(y, 11, 31) : utc(y, 5, 30);
  const fy = h1 ? y + 1 : y;
  return { code: `FY${String(fy).slice(2)}-${h1 ? 'H1' : 'H2'}`, start, end, claimingDeadline: addDays(end, CLAIM_DEADLINE_DAYS) };
}

/** The usage period just before `p`. */
export function previousUsagePeriod(p: UsagePeriod): UsagePeriod {
  return usagePeriodContaining(addMonths(p.start, -1));
}

/** Calendar date (UTC) as YYYY-MM-DD, the form cards and Input.Date use. */
/**
 * A TIMESTAMP(3) column (stored in UTC) as json_build_object writes it, without a zone: read as UTC,
 * never as local time (raw queries' JSON results, zod-parsed).
 */
export const utcTimestamp = z.string().transform((s) => new Date(/(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`));

export const isoDate = (d: Date) => d.toISOString().slice(0, 10);

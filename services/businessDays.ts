import { differenceInBusinessDays } from 'date-fns';
import type { ClaimStatus } from '../prisma/generated/client';

/** Review targets (domain.md §9): a first review within 2 business days, a dispute within 5. */
export const FIRST_REVIEW_TARGET_DAYS = 2;
export const DISPUTE_REVIEW_TARGET_DAYS = 5;

/** date-fns reads weekdays in the process time zone; we count UTC calendar days so every replica agrees. */
const utcCalendarDay = (d: Date) => new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

/**
 * Whole business days (Monday–Friday; holidays out of scope) from `from` to `to`, never negative.
 * @example businessDaysBetween(new Date('2026-11-27'), new Date('2026-12-01')) // Fri → Tue = 2
 */
export function businessDaysBetween(from: Date, to: Date): number {
  return Math.max(0, differenceInBusinessDays(utcCalendarDay(to), utcCalendarDay(from)));
}

/** The review target that applies to a claim waiting in `status`. */
export const reviewTargetDays = (status: ClaimStatus) => (status === 'DISPUTED' ? DISPUTE_REVIEW_TARGET_DAYS : FIRST_REVIEW_TARGET_DAYS);

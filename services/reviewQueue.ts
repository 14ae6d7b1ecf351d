import { z } from 'zod';
import type { ClaimStatus } from '../prisma/generated/client';
import { isReviewer, requireRole, principalOf } from './authz';
import { businessDaysBetween, reviewTargetDays } from './businessDays';
import type { Actor, Services } from './context';
import { Prisma } from './db/client';
import { forbidden } from './errors';
import { parseInput } from './input';
import { isoDate, utcTimestamp } from './periods';

/**
 * The validation team's queue: claims waiting for a reviewer (submitted, in review, disputed),
 * oldest wait first, filtered and paged in SQL. Every filter keeps the claim's waiting time as the
 * order, so PostgreSQL walks the partial expression index `Claim_review_queue_idx` (migration
 * 20261128140000) and stops after the page instead of sorting every waiting claim.
 */

export const QUEUE_STATUSES: readonly ClaimStatus[] = ['SUBMITTED', 'IN_REVIEW', 'DISPUTED'];

/** `mine`: reviews the actor owns; `unassigned`: nobody started or was given them; `all`: the whole team's. */
export const QUEUE_OWNERS = ['all', 'mine', 'unassigned'] as const;
/** `overdue`: older than its target (2 business days first review, 5 a dispute); `escalated`: older than twice the target; `N`: at least N business days. */
export const QUEUE_AGES = ['any', 'overdue', 'escalated', '1', '2', '5', '10'] as const;
export const QUEUE_PAGE_SIZE = 10;

const allOr = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (v === '' || v === 'all' || v === null ? undefined : v), inner.optional());

export const reviewQueueInput = z.object({
  organisationId: allOr(z.string().uuid()),
  programId: allOr(z.string().uuid()),
  status: allOr(z.enum(QUEUE_STATUSES as [ClaimStatus, ...ClaimStatus[]])),
  owner: z.enum(QUEUE_OWNERS).catch('all').default('all'),
  age: z.enum(QUEUE_AGES).catch('any').default('any'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(50).default(QUEUE_PAGE_SIZE),
});
export type ReviewQueueFilter = z.output<typeof reviewQueueInput>;

export type ReviewQueueItem = {
  claimId: string;
  version: number;
  number: string;
  name: string;
  organisationName: string;
  locationName: string;
  programName: string;
  ownerName: string;
  /** Who owns the review; null = unassigned. */
  reviewer: { id: string; name: string } | null;
  amountMinor: number;
  currency: string;
  status: ClaimStatus;
  /** When the current wait started: submission, or the dispute. */
  waitingSince: Date;
  ageBusinessDays: number;
  targetBusinessDays: number;
  overdue: boolean;
  /** Older than twice its target: the review team's admins have been told. */
  escalated: boolean;
};

export type ReviewQueuePage = {
  items: ReviewQueueItem[];
  /** Claims matching the filter (all pages). */
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
  filter: Omit<ReviewQueueFilter, 'page' | 'pageSize'>;
  /** What the filter offers: organisations that have claims waiting, and the programs. */
  options: { organisations: Array<{ id: string; name: string }>; programs: Array<{ id: string; name: string }> };
};

/** The waiting-time expression exactly as the index is built on it (a different spelling would not use the index). */
const WAITING = Prisma.sql`COALESCE(CASE WHEN status = 'DISPUTED' THEN "disputedAt" END, "submittedAt", "createdAt")`;
const DAY_MS = 86_400_000;

/**
 * The moment such that a wait that started before it is at least `days` business days old at
 * `now`. Business days count UTC calendar days (services/businessDays.ts), so every moment of one
 * day has the same age: find the latest day old enough and take the midnight after it.
 */
export function waitedAtLeastCutoff(now: Date, days: number): Date {
  const today = new Date(`${isoDate(now)}T00:00:00.000Z`);
  if (days <= 0) return new Date(today.getTime() + DAY_MS);
  let day = today;
  // At most days + 2 per weekend crossed: bounded, never a loop over the data.
  while (businessDaysBetween(day, now) < days) day = new Date(day.getTime() - DAY_MS);
  return new Date(day.getTime() + DAY_MS);
}

/** SQL for "waited longer than `factor` × its target" (2 business days first review, 5 a dispute). */
function pastTarget(now: Date, factor: number): Prisma.Sql {
  const first = waitedAtLeastCutoff(now, reviewTargetDays('SUBMITTED') * factor + 1);
  const dispute = waitedAtLeastCutoff(now, reviewTargetDays('DISPUTED') * factor + 1);
  return Prisma.sql`((status <> 'DISPUTED' AND ${WAITING} < ${first}) OR (status = 'DISPUTED' AND ${WAITING} < ${dispute}))`;
}

const at = utcTimestamp.nullable();
const idName = z.object({ id: z.string(), name: z.string() });
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);
/** getReviewQueue's one row: timestamps as json gives TIMESTAMP(3) (UTC clock time), parsed into Dates as Prisma reads them. */
const queueRow = z.object({
  total: z.number().int(),
  items: list(
    z.object({
      id: z.string(),
      version: z.number().int(),
      number: z.string(),
      name: z.string(),
      organisationName: z.string(),
      locationName: z.string(),
      programName: z.string(),
      ownerName: z.string(),
      reviewer: idName.nullable(),
      amountMinor: z.number().int(),
      currency: z.string(),
      // The statement selects only waiting claims.
      status: z.enum(QUEUE_STATUSES as [ClaimStatus, ...ClaimStatus[]]),
      submittedAt: at,
      disputedAt: at,
      createdAt: utcTimestamp,
    }),
  ),
  organisations: list(idName),
  programs: list(idName),
});

/** Claims waiting for the validation team, oldest wait first, filtered and one page at a time. */
export async function getReviewQueue(svc: Services, actor: Actor, input: unknown = {}): Promise<ReviewQueuePage> {
  const f = parseInput(reviewQueueInput, input);
  const p = await principalOf(svc.db, actor);
  requireRole(p, ['REVIEWER']);
  if (!isReviewer(p)) throw forbidden('role_required', 'Reviews are done by the review organisation', { roles: ['REVIEWER'] });
  const now = svc.clock.now();
  // Internal review (no review organisation configured): a reviewer sees their own organisation's claims only,
  // whatever organisation the filter names; the filter offers only that one.
  const ownOnly = p.reviewScope === 'OWN';

  const where: Prisma.Sql[] = [Prisma.sql`status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED')`];
  if (ownOnly) where.push(Prisma.sql`"organisationId" = ${p.organisationId}`);
  if (f.status) where.push(Prisma.sql`status = CAST(${f.status} AS "ClaimStatus")`);
  if (f.organisationId) where.push(Prisma.sql`"organisationId" = ${f.organisationId}`);
  if (f.programId) where.push(Prisma.sql`"programId" = ${f.programId}`);
  if (f.owner === 'mine') where.push(Prisma.sql`"reviewerId" = ${p.userId}`);
  if (f.owner === 'unassigned') where.push(Prisma.sql`"reviewerId" IS NULL`);
  if (f.age === 'overdue') where.push(pastTarget(now, 1));
  else if (f.age === 'escalated') where.push(pastTarget(now, 2));
  else if (f.age !== 'any') where.push(Prisma.sql`${WAITING} < ${waitedAtLeastCutoff(now, Number(f.age))}`);
  const cond = Prisma.join(where, ' AND ');

  // The count, the page (its offset from the count, so a page past the end shows the last one), the
  // page's names and the filter's choices in one statement (docs/performance.md, phase 3). The page
  // is still the index walk on the waiting time: the ORDER BY spells WAITING exactly as the index does.
  // The filter's choices: organisations with something waiting, one index probe each
  // (Claim_organisationId_status_idx) rather than a pass over every waiting claim; programs, the catalogue (a handful).
  const lastPage = Prisma.sql`GREATEST(1, (total + ${f.pageSize} - 1) / ${f.pageSize})`;
  const rows = await svc.db.$queryRaw<unknown[]>`
    WITH counted AS (SELECT COUNT(*)::int AS total FROM "Claim" WHERE ${cond}),
    paged AS (
      SELECT id, version, number, name, "organisationId", "locationId", "programId", "ownerId", "reviewerId",
        "amountMinor", currency, status, "submittedAt", "disputedAt", "createdAt", ${WAITING} AS waiting
      FROM "Claim" WHERE ${cond}
      ORDER BY ${WAITING}, number
      LIMIT ${f.pageSize} OFFSET (SELECT (LEAST(${f.page}, ${lastPage}) - 1) * ${f.pageSize} FROM counted)
    )
    SELECT (SELECT total FROM counted) AS total,
      (SELECT json_agg(json_build_object(
          'id', c.id, 'version', c.version, 'number', c.number, 'name', c.name,
          'organisationName', (SELECT name FROM "Organisation" WHERE id = c."organisationId"),
          'locationName', (SELECT name FROM "Location" WHERE id = c."locationId"),
          'programName', (SELECT name FROM "Program" WHERE id = c."programId"),
          'ownerName', (SELECT "displayName" FROM "User" WHERE id = c."ownerId"),
          'reviewer', (SELECT json_build_object('id', u.id, 'name', u."displayName") FROM "User" u WHERE u.id = c."reviewerId"),
          'amountMinor', c."amountMinor", 'currency', c.currency, 'status', c.status,
          'submittedAt', c."submittedAt", 'disputedAt', c."disputedAt", 'createdAt', c."createdAt"
        ) ORDER BY c.waiting, c.number) FROM paged c) AS items,
      (SELECT json_agg(json_build_object('id', o.id, 'name', o.name) ORDER BY o.name, o.id) FROM (
        SELECT o.id, o.name FROM "Organisation" o
        WHERE EXISTS (SELECT 1 FROM "Claim" c WHERE c."organisationId" = o.id AND c.status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED'))
          ${ownOnly ? Prisma.sql`AND o.id = ${p.organisationId}` : Prisma.empty}
        ORDER BY o.name LIMIT 100) o) AS organisations,
      (SELECT json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name, g.id) FROM (
        SELECT id, name FROM "Program" ORDER BY name LIMIT 100) g) AS programs`;
  const { total, items: queued, organisations, programs } = queueRow.parse(rows[0]);
  const pageCount = Math.max(1, Math.ceil(total / f.pageSize));
  const page = Math.min(f.page, pageCount);
  const items = queued.map((c): ReviewQueueItem => {
    const waitingSince = (c.status === 'DISPUTED' ? c.disputedAt : c.submittedAt) ?? c.submittedAt ?? c.createdAt;
    const ageBusinessDays = businessDaysBetween(waitingSince, now);
    const targetBusinessDays = reviewTargetDays(c.status);
    return {
      claimId: c.id,
      version: c.version,
      number: c.number,
      name: c.name,
      organisationName: c.organisationName,
      locationName: c.locationName,
      programName: c.programName,
      ownerName: c.ownerName,
      reviewer: c.reviewer,
      amountMinor: c.amountMinor,
      currency: c.currency,
      status: c.status,
      waitingSince,
      ageBusinessDays,
      targetBusinessDays,
      overdue: ageBusinessDays > targetBusinessDays,
      escalated: ageBusinessDays > 2 * targetBusinessDays,
    };
  });
  const filter = { organisationId: f.organisationId, programId: f.programId, status: f.status, owner: f.owner, age: f.age };
  return { items, total, page, pageCount, pageSize: f.pageSize, filter, options: { organisations, programs } };
}

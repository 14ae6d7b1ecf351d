import { z } from 'zod';
import type { ClaimStatus } from '../prisma/generated/client';
import { loadPrincipal, requireRole } from './authz';
import { businessDaysBetween, reviewTargetDays } from './businessDays';
import type { Actor, CommandResult, Services } from './context';
import { Prisma, type Db, type Tx } from './db/client';
import { conflict, invalid, notFound } from './errors';
import { recordHistory } from './history';
import { once } from './idempotency';
import { fields, parseInput } from './input';
import { enqueueNotification, type NotificationPayload } from './notifications';
import { isoDate } from './periods';
import { QUEUE_STATUSES, waitedAtLeastCutoff } from './reviewQueue';
import { commandTransaction } from './review';

/**
 * The validation team's workload: who owns a review, handing it to a colleague, and the scheduled
 * reminders and escalations for reviews past their target (2 business days for a first review,
 * 5 for a dispute; services/businessDays.ts).
 *
 * Every replica's scheduler runs the reminders and escalations, and two racing act once: an
 * escalation, like services/expiry.ts, acts on a claim only through an UPDATE whose condition the
 * first writer makes false (PostgreSQL re-checks it once the row lock is released); a reminder run
 * (one card per person, many claims) holds an advisory lock and stamps what it reminded. Neither
 * bumps the claim's version: nothing a partner or reviewer edits changed.
 */

const BATCH = 200;

/** The waiting-time expression as the queue index spells it (services/reviewQueue.ts). */
const WAITING = Prisma.sql`COALESCE(CASE WHEN status = 'DISPUTED' THEN "disputedAt" END, "submittedAt", "createdAt")`;

const waitingSinceOf = (c: { status: ClaimStatus; disputedAt: Date | null; submittedAt: Date | null; createdAt: Date }) =>
  (c.status === 'DISPUTED' ? c.disputedAt : c.submittedAt) ?? c.submittedAt ?? c.createdAt;

/** The claim still in the same status and the same wait (a decision, resubmission or dispute meanwhile makes it false). */
const sameWait = (c: Candidate) =>
  c.status === 'DISPUTED'
    ? { id: c.id, status: c.status, disputedAt: c.disputedAt }
    : { id: c.id, status: c.status, submittedAt: c.submittedAt, ...(c.submittedAt ? {} : { createdAt: c.createdAt }) };

const isWeekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;

// ---------------------------------------------------------------------------------------------
// Ownership
// ---------------------------------------------------------------------------------------------

export type Reviewer = { id: string; displayName: string; email: string | null };

export const assignReviewInput = z.object({
  claimId: fields.id,
  assigneeId: fields.id,
  idempotencyKey: fields.idempotencyKey.optional(),
});

export type AssignReviewResult = CommandResult & { reviewerId: string; changed: boolean };

/**
 * Hands a waiting review to a member of the review team (any reviewer may, e.g. to balance the
 * queue or take one over). The new owner is told, unless they did it themselves; History says who
 * gave it to whom. The claim's version is not bumped: open cards of the partner stay valid.
 */
export async function assignReview(svc: Services, actor: Actor, input: unknown): Promise<AssignReviewResult> {
  const i = parseInput(assignReviewInput, input);
  return commandTransaction(svc, i.idempotencyKey, async (tx) => {
    const { result, replayed } = await once(tx, i.idempotencyKey, { userId: actor.userId, command: 'assignReview' }, async () => {
      const at = svc.clock.now();
      const p = await loadPrincipal(tx, actor.userId);
      requireRole(p, ['REVIEWER']);
      // The row lock orders two reassignments of one claim: the second sees the first's owner.
      await tx.$queryRaw`SELECT id FROM "Claim" WHERE id = ${i.claimId} FOR UPDATE`;
      const claim = await tx.claim.findUnique({ where: { id: i.claimId }, include: { reviewer: { select: { displayName: true } } } });
      if (!claim) throw notFound('claim', i.claimId);
      if (!QUEUE_STATUSES.includes(claim.status)) {
        throw conflict('not_in_review_queue', `A claim that is ${claim.status} is not waiting for a reviewer`, { status: claim.status });
      }
      const assignee = await tx.user.findFirst({ where: { id: i.assigneeId, roles: { some: { role: 'REVIEWER' } } } });
      // Same answer for "no such user" and "not a reviewer": ids of other people leak nothing.
      if (!assignee) throw invalid([{ path: 'assigneeId', code: 'not_reviewer', message: 'Pick someone of the review team' }]);
      const base = { claimId: claim.id, version: claim.version, status: claim.status, reviewerId: assignee.id };
      if (claim.reviewerId === assignee.id) return { ...base, changed: false };
      await tx.claim.update({ where: { id: claim.id }, data: { reviewerId: assignee.id } });
      const self = assignee.id === p.userId;
      await recordHistory(tx, {
        claimId: claim.id,
        actorId: p.userId,
        actorKind: 'REVIEWER',
        type: 'review_assigned',
        summary: self ? `${p.displayName} took over the review` : `Review assigned to ${assignee.displayName} by ${p.displayName}`,
        data: {
          reviewerId: assignee.id,
          reviewerName: assignee.displayName,
          previousReviewerId: claim.reviewerId,
          previousReviewerName: claim.reviewer?.displayName ?? null,
        },
        at,
      });
      if (!self) {
        await enqueueNotification(tx, {
          recipientId: assignee.id,
          payload: {
            kind: 'review_assigned',
            claimId: claim.id,
            number: claim.number,
            name: claim.name,
            status: claim.status,
            byName: p.displayName,
          },
          dedupeKey: `review_assigned:${claim.id}:${at.getTime()}:${assignee.id}`,
          at,
        });
      }
      return { ...base, changed: true };
    });
    return replayed ? { ...result, replayed: true } : result;
  });
}

/** The review team for the reassignment picker: reviewers whose name or mail matches, the actor included (to take one over). */
export async function searchReviewers(svc: Services, actor: Actor, query: unknown): Promise<Reviewer[]> {
  const q = parseInput(z.string().trim().max(100), query ?? '');
  const p = await loadPrincipal(svc.db, actor.userId);
  requireRole(p, ['REVIEWER']);
  return svc.db.user.findMany({
    where: {
      roles: { some: { role: 'REVIEWER' } },
      ...(q ? { OR: [{ displayName: { contains: q, mode: 'insensitive' } }, { email: { contains: q, mode: 'insensitive' } }] } : {}),
    },
    select: { id: true, displayName: true, email: true },
    orderBy: { displayName: 'asc' },
    take: 20,
  });
}

// ---------------------------------------------------------------------------------------------
// Reminders and escalation (scheduled)
// ---------------------------------------------------------------------------------------------

type Candidate = {
  id: string;
  number: string;
  name: string;
  status: ClaimStatus;
  organisationId: string;
  reviewerId: string | null;
  submittedAt: Date | null;
  disputedAt: Date | null;
  createdAt: Date;
};

/** Waiting claims older than `factor` × their target, matching `extra`, oldest first. */
function overdueCandidates(db: Db | Tx, now: Date, factor: number, extra: Prisma.Sql, limit = BATCH): Promise<Candidate[]> {
  const first = waitedAtLeastCutoff(now, reviewTargetDays('SUBMITTED') * factor + 1);
  const dispute = waitedAtLeastCutoff(now, reviewTargetDays('DISPUTED') * factor + 1);
  return db.$queryRaw<Candidate[]>`
    SELECT id, number, name, status, "organisationId", "reviewerId", "submittedAt", "disputedAt", "createdAt" FROM "Claim"
    WHERE status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED')
      AND ((status <> 'DISPUTED' AND ${WAITING} < ${first}) OR (status = 'DISPUTED' AND ${WAITING} < ${dispute}))
      AND ${extra}
    ORDER BY ${WAITING}, number
    LIMIT ${limit}`;
}

/**
 * Who an escalation goes to: the Global admins of the organisations the reviewers belong to (the
 * review team's own administrators). The claim's own organisation is left out: its admins are the
 * party under review, not the team's managers (in the demo, reviewers share the partner's tenant).
 * With no such admin, every reviewer is told, so an escalation never goes nowhere.
 */
export async function reviewTeamAdmins(tx: Tx, claimOrganisationId: string): Promise<string[]> {
  const admins = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT DISTINCT u.id FROM "User" u JOIN "RoleAssignment" r ON r."userId" = u.id
    WHERE r.role = 'GLOBAL_ADMIN' AND u."organisationId" <> ${claimOrganisationId}
      AND u."organisationId" IN (
        SELECT ru."organisationId" FROM "User" ru JOIN "RoleAssignment" rr ON rr."userId" = ru.id WHERE rr.role = 'REVIEWER')
    ORDER BY u.id`;
  if (admins.length) return admins.map((a) => a.id);
  const reviewers = await tx.user.findMany({
    where: { roles: { some: { role: 'REVIEWER' } } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return reviewers.map((r) => r.id);
}

/** Claims listed by name in one reminder card; the rest are counted (the queue's "past the target" filter shows them all). */
const DIGEST_LISTED = 5;
/** Claims one reminder run looks at (the queue holds a few thousand at most). */
const REMINDER_LIMIT = 5000;

type DigestItem = {
  claimId: string;
  number: string;
  name: string;
  status: ClaimStatus;
  ageBusinessDays: number;
  targetBusinessDays: number;
};
const digestPart = (items: DigestItem[]) => ({ count: items.length, claims: items.slice(0, DIGEST_LISTED) });

/**
 * Reminds the owner of every review past its target, once per business day (none on Saturdays and
 * Sundays): one card per person and day listing their overdue reviews, not one card per claim (a
 * reviewer with forty claims gets one message). Reviews nobody owns are listed to the whole team
 * (the reviewers' channel when configured, else every reviewer). Each claim gets its History row.
 *
 * Once across replicas: a run holds a transaction-scoped advisory lock, so runs of every replica
 * take turns; each stamps the claims it reminds (`reviewRemindedAt`) in the same transaction as the
 * cards and History rows, and the next run (on any replica) finds only claims not stamped today.
 * Returns how many claims were reminded.
 */
export async function remindOverdueReviews(svc: Services): Promise<number> {
  const now = svc.clock.now();
  if (isWeekend(now)) return 0;
  const day = isoDate(now);
  const today = new Date(`${day}T00:00:00.000Z`);
  const notToday = Prisma.sql`("reviewRemindedAt" IS NULL OR "reviewRemindedAt" < ${today})`;
  return svc.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('remind-overdue-reviews'))`;
      const candidates = await overdueCandidates(tx, now, 1, notToday, REMINDER_LIMIT);
      if (candidates.length === 0) return 0;
      await tx.claim.updateMany({
        where: { id: { in: candidates.map((c) => c.id) }, OR: [{ reviewRemindedAt: null }, { reviewRemindedAt: { lt: today } }] },
        data: { reviewRemindedAt: now },
      });
      const owners = await tx.user.findMany({
        where: { id: { in: [...new Set(candidates.flatMap((c) => (c.reviewerId ? [c.reviewerId] : [])))] } },
        select: { id: true, displayName: true },
      });
      const ownerName = new Map(owners.map((o) => [o.id, o.displayName]));
      const items = candidates.map((c) => {
        const waitingSince = waitingSinceOf(c);
        return {
          claim: c,
          item: {
            claimId: c.id,
            number: c.number,
            name: c.name,
            status: c.status,
            ageBusinessDays: businessDaysBetween(waitingSince, now),
            targetBusinessDays: reviewTargetDays(c.status),
          } satisfies DigestItem,
        };
      });
      await tx.historyEvent.createMany({
        data: items.map(({ claim: c, item: i }) => {
          const owner = c.reviewerId ? (ownerName.get(c.reviewerId) ?? null) : null;
          return {
            claimId: c.id,
            actorId: null,
            actorKind: 'SYSTEM' as const,
            type: 'review_reminder_sent',
            summary: owner
              ? `Reminded ${owner}: waiting ${i.ageBusinessDays} business days (target ${i.targetBusinessDays})`
              : `Reminded the review team: waiting ${i.ageBusinessDays} business days (target ${i.targetBusinessDays}), nobody owns the review`,
            data: {
              ageBusinessDays: i.ageBusinessDays,
              targetBusinessDays: i.targetBusinessDays,
              reviewerId: c.reviewerId,
              reviewerName: owner,
            },
            statusBefore: c.status,
            statusAfter: c.status,
            createdAt: now,
          };
        }),
      });
      const unassigned = items.filter((x) => !x.claim.reviewerId).map((x) => x.item);
      const byOwner = new Map<string, DigestItem[]>();
      for (const x of items) if (x.claim.reviewerId) byOwner.set(x.claim.reviewerId, [...(byOwner.get(x.claim.reviewerId) ?? []), x.item]);
      const digest = (owned: DigestItem[], team: DigestItem[]): NotificationPayload => {
        const first = owned[0] ?? team[0]!;
        return {
          kind: 'review_reminder',
          claimId: first.claimId,
          number: first.number,
          name: first.name,
          owned: digestPart(owned),
          unassigned: digestPart(team),
        };
      };
      const channel = svc.settings.reviewersConversationId;
      // Everyone who owns an overdue review, and (without a channel) every reviewer when some have no owner.
      const people = new Set(byOwner.keys());
      if (unassigned.length && channel) {
        await enqueueNotification(tx, {
          conversationId: channel,
          payload: digest([], unassigned),
          dedupeKey: `review_reminder:${day}:channel`,
          at: now,
        });
      } else if (unassigned.length) {
        for (const r of await tx.user.findMany({ where: { roles: { some: { role: 'REVIEWER' } } }, select: { id: true } }))
          people.add(r.id);
      }
      for (const id of people) {
        const team = channel ? [] : unassigned;
        const owned = byOwner.get(id) ?? [];
        if (owned.length + team.length === 0) continue;
        await enqueueNotification(tx, {
          recipientId: id,
          payload: digest(owned, team),
          dedupeKey: `review_reminder:${day}:${id}`,
          at: now,
        });
      }
      return candidates.length;
    },
    { timeout: 60_000 },
  );
}

/**
 * Tells the review team's admins (see `reviewTeamAdmins`) about each review older than twice its
 * target, once per wait: a resubmission or a dispute starts a new wait that may escalate again.
 */
export async function escalateOverdueReviews(svc: Services): Promise<number> {
  const now = svc.clock.now();
  if (isWeekend(now)) return 0;
  const notThisWait = Prisma.sql`("reviewEscalatedAt" IS NULL OR "reviewEscalatedAt" < ${WAITING})`;
  const candidates = await overdueCandidates(svc.db, now, 2, notThisWait);
  let acted = 0;
  for (const c of candidates) {
    const waitingSince = waitingSinceOf(c);
    const done = await svc.db.$transaction(async (tx) => {
      const r = await tx.claim.updateMany({
        where: { ...sameWait(c), OR: [{ reviewEscalatedAt: null }, { reviewEscalatedAt: { lt: waitingSince } }] },
        data: { reviewEscalatedAt: now },
      });
      if (r.count === 0) return false;
      const current = await tx.claim.findUniqueOrThrow({
        where: { id: c.id },
        select: { reviewerId: true, reviewer: { select: { displayName: true } } },
      });
      const age = businessDaysBetween(waitingSince, now);
      const target = reviewTargetDays(c.status);
      const payload: NotificationPayload = {
        kind: 'review_escalated',
        claimId: c.id,
        number: c.number,
        name: c.name,
        status: c.status,
        ageBusinessDays: age,
        targetBusinessDays: target,
        ...(current.reviewer ? { reviewerName: current.reviewer.displayName } : {}),
      };
      const recipients = await reviewTeamAdmins(tx, c.organisationId);
      for (const r of recipients) {
        await enqueueNotification(tx, {
          recipientId: r,
          payload,
          dedupeKey: `review_escalated:${c.id}:${waitingSince.getTime()}:${r}`,
          at: now,
        });
      }
      await recordHistory(tx, {
        claimId: c.id,
        actorId: null,
        actorKind: 'SYSTEM',
        type: 'review_escalated',
        summary: `Escalated to the review team's admins: waiting ${age} business days, more than twice the target of ${target}`,
        data: {
          ageBusinessDays: age,
          targetBusinessDays: target,
          reviewerId: current.reviewerId,
          reviewerName: current.reviewer?.displayName ?? null,
          notified: recipients.length,
        },
        statusBefore: c.status,
        statusAfter: c.status,
        at: now,
      });
      return true;
    });
    if (done) acted++;
  }
  return acted;
}

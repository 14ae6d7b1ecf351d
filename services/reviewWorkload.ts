import { z } from 'zod';
import type { ClaimStatus } from '../prisma/generated/client';
import {
  claimWorkers,
  independentReviewerRefusal,
  loadPrincipal,
  organisationsReviewing,
  requireIndependentReviewer,
  requireRole,
  reviewerIdsFor,
  reviewersOfOrganisation,
  reviewsOrganisation,
} from './authz';
import { businessDaysBetween, reviewTargetDays } from './businessDays';
import type { Actor, CommandResult, Services } from './context';
import { Prisma, type Db, type Tx } from './db/client';
import { conflict, forbidden, invalid, notFound } from './errors';
import { recordHistory } from './history';
import { once } from './idempotency';
import { fields, likeText, parseInput } from './input';
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
 * Hands a waiting review to a member of the review team (any reviewer who may review the claim, e.g.
 * to balance the queue or take one over). Segregation of duties holds on both ends: neither the one
 * who hands it on nor the new owner may have worked on the claim (services/authz.ts), and the new
 * owner must be a reviewer of the claim's organisation (review scope). The new owner is told, unless
 * they did it themselves; History says who gave it to whom. The claim's version is not bumped: open
 * cards of the partner stay valid.
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
      await requireIndependentReviewer(tx, p, claim);
      if (!QUEUE_STATUSES.includes(claim.status)) {
        throw conflict('not_in_review_queue', `A claim that is ${claim.status} is not waiting for a reviewer`, { status: claim.status });
      }
      const assignee = await tx.user.findUnique({ where: { id: i.assigneeId } });
      const refusal = assignee ? await independentReviewerRefusal(tx, await loadPrincipal(tx, assignee.id), claim) : 'role_required';
      if (refusal === 'own_claim_review') {
        throw invalid([
          { path: 'assigneeId', code: 'assignee_worked_on_claim', message: 'They worked on this claim: pick another reviewer' },
        ]);
      }
      // Same answer for "no such user", "not a reviewer" and "not a reviewer of this organisation": ids of other people leak nothing.
      if (!assignee || refusal) throw invalid([{ path: 'assigneeId', code: 'not_reviewer', message: 'Pick someone of the review team' }]);
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

/**
 * The review team for the reassignment picker of one claim: reviewers who may review its
 * organisation and did not work on it (the actor included, to take one over), whose name or mail matches.
 */
export async function searchReviewers(svc: Services, actor: Actor, claimId: unknown, query: unknown): Promise<Reviewer[]> {
  const id = parseInput(fields.id, claimId);
  const q = parseInput(z.string().trim().max(100), query ?? '');
  const p = await loadPrincipal(svc.db, actor.userId);
  requireRole(p, ['REVIEWER']);
  const claim = await svc.db.claim.findUnique({ where: { id }, select: { id: true, ownerId: true, organisationId: true } });
  if (!claim) throw notFound('claim', id);
  if (!reviewsOrganisation(p, claim.organisationId)) throw forbidden('not_in_organisation', 'This claim is not yours to review');
  const workers = (await claimWorkers(svc.db, [claim])).get(claim.id) ?? new Set<string>();
  return svc.db.user.findMany({
    where: {
      ...reviewersOfOrganisation(claim.organisationId),
      id: { notIn: [...workers] },
      ...(q
        ? {
            OR: [
              { displayName: { contains: likeText(q), mode: 'insensitive' } },
              { email: { contains: likeText(q), mode: 'insensitive' } },
            ],
          }
        : {}),
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
  ownerId: string;
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
    SELECT id, number, name, status, "organisationId", "ownerId", "reviewerId", "submittedAt", "disputedAt", "createdAt" FROM "Claim"
    WHERE status IN ('SUBMITTED', 'IN_REVIEW', 'DISPUTED')
      AND ((status <> 'DISPUTED' AND ${WAITING} < ${first}) OR (status = 'DISPUTED' AND ${WAITING} < ${dispute}))
      AND ${extra}
    ORDER BY ${WAITING}, number
    LIMIT ${limit}`;
}

/**
 * Who an escalation goes to: the Global admins of the organisation(s) that review the claim's
 * organisation (services/authz.ts review scope): the review organisation (REVIEW_TENANT_ID) when one
 * is set; under internal review, the claim's own organisation, whose Global admins may have worked
 * on the claim: those are left out (they are the party under review). With no such admin, the
 * reviewers who may review the claim are told (again not those who worked on it), so an escalation
 * goes to the people able to act on it.
 */
export async function reviewTeamAdmins(tx: Tx, claim: { id: string; organisationId: string; ownerId: string }): Promise<string[]> {
  const workers = [...((await claimWorkers(tx, [claim])).get(claim.id) ?? [])];
  const admins = await tx.user.findMany({
    where: {
      id: { notIn: workers },
      roles: { some: { role: 'GLOBAL_ADMIN' } },
      organisation: organisationsReviewing(claim.organisationId),
    },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  if (admins.length) return admins.map((a) => a.id);
  return (await reviewerIdsFor(tx, claim)).filter((id) => !workers.includes(id));
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
      // Everyone who owns an overdue review, and (without a channel) each reviewer who may take one nobody owns:
      // a reviewer of the claim's organisation (review scope) who did not work on it (segregation of duties).
      const people = new Set(byOwner.keys());
      const teamOf = new Map<string, DigestItem[]>();
      if (unassigned.length && channel) {
        await enqueueNotification(tx, {
          conversationId: channel,
          payload: digest([], unassigned),
          dedupeKey: `review_reminder:${day}:channel`,
          at: now,
        });
      } else if (unassigned.length) {
        const unowned = items.filter((x) => !x.claim.reviewerId);
        const workers = await claimWorkers(
          tx,
          unowned.map((x) => x.claim),
        );
        // One look-up per organisation and owner, not per claim (a run covers up to REMINDER_LIMIT claims).
        const reviewers = new Map<string, string[]>();
        for (const { claim: c, item } of unowned) {
          const key = `${c.organisationId}:${c.ownerId}`;
          const ids = reviewers.get(key) ?? (await reviewerIdsFor(tx, c));
          reviewers.set(key, ids);
          for (const id of ids) {
            if (workers.get(c.id)?.has(id)) continue;
            people.add(id);
            const list = teamOf.get(id);
            if (list) list.push(item);
            else teamOf.set(id, [item]);
          }
        }
      }
      for (const id of people) {
        const team = teamOf.get(id) ?? [];
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
      const recipients = await reviewTeamAdmins(tx, c);
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

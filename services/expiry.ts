import { addDays } from 'date-fns';
import type { ClaimStatus } from '../prisma/generated/client';
import type { Services } from './context';
import { recordHistory } from './history';
import { EDITABLE, transition } from './lifecycle';
import { enqueueNotification } from './notifications';
import { isoDate } from './periods';

/**
 * Scheduled rules. Every replica's scheduler calls these; each acts on a row only through an
 * `updateMany` whose condition the first writer makes false (Postgres re-checks it after the row
 * lock is released), so two replicas racing on the same row end with exactly one effect.
 * Each row gets its own small transaction: one bad row never holds back the others.
 */

/** Rows looked at per call; the scheduler runs every minute, so a backlog drains over a few runs. */
const BATCH = 200;
const SYSTEM_NAME = 'System';

/** Midnight UTC of `now`'s calendar day: the form @db.Date columns come back in. */
const utcToday = (now: Date) => new Date(`${isoDate(now)}T00:00:00.000Z`);

/** Drafts (EDITING or ACTION_REQUIRED) whose claiming deadline has passed become EXPIRED; the owner is told. */
export async function expireDrafts(svc: Services): Promise<number> {
  const now = svc.clock.now();
  // The deadline is the last day claims may be submitted, so the claim expires the day after.
  const candidates = await svc.db.claim.findMany({
    where: { status: { in: [...EDITABLE] }, allocation: { claimingDeadline: { lt: utcToday(now) } } },
    select: {
      id: true,
      version: true,
      status: true,
      number: true,
      name: true,
      ownerId: true,
      allocation: { select: { claimingDeadline: true } },
    },
    take: BATCH,
  });
  let acted = 0;
  for (const c of candidates) {
    const to = transition('expire', c.status);
    const done = await svc.db.$transaction(async (tx) => {
      const r = await tx.claim.updateMany({
        where: { id: c.id, version: c.version, status: c.status },
        data: { status: to, version: { increment: 1 } },
      });
      if (r.count === 0) return false; // another replica expired it, or someone changed it: the next run looks again
      const version = c.version + 1;
      const deadline = isoDate(c.allocation.claimingDeadline);
      await recordHistory(tx, {
        claimId: c.id,
        actorId: null,
        actorKind: 'SYSTEM',
        type: 'expired',
        summary: `Expired: the claiming deadline ${deadline} passed`,
        data: { deadline },
        statusBefore: c.status,
        statusAfter: to,
        at: now,
      });
      await enqueueNotification(tx, {
        recipientId: c.ownerId,
        payload: { kind: 'status_changed', claimId: c.id, number: c.number, name: c.name, from: c.status, to, byName: SYSTEM_NAME },
        dedupeKey: `status_changed:${c.id}:${version}:${c.ownerId}`,
        at: now,
      });
      return true;
    });
    if (done) acted++;
  }
  return acted;
}

/** Warns each draft's owner once when its claiming deadline is within `days` days (today included). */
export async function warnExpiringDrafts(svc: Services, days: number = svc.settings.expiryWarningDays): Promise<number> {
  const now = svc.clock.now();
  const today = utcToday(now);
  const candidates = await svc.db.claim.findMany({
    where: {
      status: { in: [...EDITABLE] },
      expiryWarnedAt: null,
      allocation: { claimingDeadline: { gte: today, lte: addDays(today, days) } },
    },
    select: { id: true, status: true, number: true, name: true, ownerId: true, allocation: { select: { claimingDeadline: true } } },
    take: BATCH,
  });
  let acted = 0;
  for (const c of candidates) {
    const done = await svc.db.$transaction(async (tx) => {
      // Not a version bump: the warning changes nothing the owner edits, so their open cards stay valid.
      const r = await tx.claim.updateMany({
        where: { id: c.id, expiryWarnedAt: null, status: { in: [...EDITABLE] } },
        data: { expiryWarnedAt: now },
      });
      if (r.count === 0) return false;
      const deadline = isoDate(c.allocation.claimingDeadline);
      const status: ClaimStatus = c.status;
      await recordHistory(tx, {
        claimId: c.id,
        actorId: null,
        actorKind: 'SYSTEM',
        type: 'expiry_warning_sent',
        summary: `Warned that the draft expires after ${deadline}`,
        data: { deadline },
        statusBefore: status,
        statusAfter: status,
        at: now,
      });
      await enqueueNotification(tx, {
        recipientId: c.ownerId,
        payload: { kind: 'expiry_warning', claimId: c.id, number: c.number, name: c.name, deadline },
        dedupeKey: `expiry_warning:${c.id}:${c.ownerId}`,
        at: now,
      });
      return true;
    });
    if (done) acted++;
  }
  return acted;
}

/**
 * Reminds the colleague of each OPEN upload request past its due time, at most once per
 * `intervalHours`. Requests on claims that can no longer be edited are left alone: uploading is moot.
 */
export async function remindOverdueUploads(svc: Services, intervalHours: number = svc.settings.reminderIntervalHours): Promise<number> {
  const now = svc.clock.now();
  const cutoff = new Date(now.getTime() - intervalHours * 3_600_000);
  const due = { status: 'OPEN' as const, OR: [{ lastRemindedAt: null }, { lastRemindedAt: { lt: cutoff } }] };
  const candidates = await svc.db.uploadRequest.findMany({
    where: { ...due, dueAt: { lt: now }, claim: { status: { in: [...EDITABLE] } } },
    select: { id: true, assigneeId: true, kind: true, dueAt: true, claim: { select: { id: true, number: true, name: true } } },
    orderBy: { dueAt: 'asc' },
    take: BATCH,
  });
  let acted = 0;
  for (const u of candidates) {
    const done = await svc.db.$transaction(async (tx) => {
      const r = await tx.uploadRequest.updateMany({ where: { id: u.id, ...due }, data: { lastRemindedAt: now } });
      if (r.count === 0) return false;
      await enqueueNotification(tx, {
        recipientId: u.assigneeId,
        payload: {
          kind: 'upload_reminder',
          claimId: u.claim.id,
          number: u.claim.number,
          name: u.claim.name,
          uploadRequestId: u.id,
          documentKind: u.kind,
          dueAt: isoDate(u.dueAt),
        },
        dedupeKey: `upload_reminder:${u.id}:${u.assigneeId}:${now.toISOString()}`,
        at: now,
      });
      return true;
    });
    if (done) acted++;
  }
  return acted;
}

import { recordClaimCard } from './claimCards';
import type { CloudAdapter } from 'botbuilder';
import type { Logger } from 'pino';
import type { OutboxMessage, OutboxStatus } from '../../prisma/generated/client';
import type { Config } from '../../services/config';
import { systemClock } from '../../services/context';
import type { Db } from '../../services/db/client';
import { notificationPayload, type NotificationPayload } from '../../services/notifications';
import { makeTargetResolver, type DeliveryTarget, type ProactiveDirectory, type ResolveTarget } from '../proactive';
import { postCard } from './connector';
import { Pacer, TEAMS_CONVERSATION_LIMITS } from './pacing';
import { decide, describeError } from './retryPolicy';
import { backoffMs } from '../../services/retry';
import { recordDelivery } from '../../services/telemetry';

/**
 * Delivers the notification outbox. Rows are claimed with FOR UPDATE SKIP LOCKED in a short
 * transaction that also takes a lease (nextAttemptAt = now + lease) and counts the attempt, so
 * replicas share the table without double sends and a worker that dies mid-batch loses nothing:
 * its lease runs out and another worker picks the row up. Sending happens outside the
 * transaction. Every write after the claim is fenced on (status PENDING, attempts as claimed), so a
 * late answer to a stale attempt never overwrites a newer one.
 */

export type OutboxTuning = {
  /** Rows claimed per pass. */
  batchSize: number;
  /** How long a claimed row is ours before another worker may take it. */
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A send that takes longer is treated as a network error (and retried). Keep it under the lease. */
  sendTimeoutMs: number;
  /** stop() waits this long for in-flight sends. */
  stopGraceMs: number;
  conversationLimits: ReadonlyArray<readonly [number, number]>;
};

export const defaultOutboxTuning: OutboxTuning = {
  batchSize: 50,
  leaseMs: 120_000,
  backoffBaseMs: 2_000,
  backoffMaxMs: 10 * 60_000,
  sendTimeoutMs: 30_000,
  stopGraceMs: 10_000,
  conversationLimits: TEAMS_CONVERSATION_LIMITS,
};

export type RenderNotification = (payload: NotificationPayload, locale: string) => object;

export type OutboxWorkerOptions = {
  db: Db;
  adapter: CloudAdapter;
  appId: string;
  render: RenderNotification;
  /** How a row finds its conversation; by default makeTargetResolver with the Graph deps below. */
  resolveTarget?: ResolveTarget;
  /** For proactive installation when a recipient has no 1:1 chat yet (ignored with resolveTarget). */
  graph?: ProactiveDirectory | null;
  teamsAppCatalogId?: string;
  /** The lease comes in through tuning.leaseMs (background.ts derives it and the send timeout from OUTBOX_LEASE_SECONDS). */
  config: Pick<Config['outbox'], 'pollMs' | 'maxAttempts' | 'tenantRatePerSecond'>;
  tuning?: Partial<OutboxTuning>;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** false: no polling loop; only drainOnce() delivers (tests, one-shot tools). Default true. */
  autoStart?: boolean;
  /** Runs after a notification is recorded as sent (e.g. telling an asker their request finally arrived); failures are only logged. */
  afterSent?: (payload: NotificationPayload) => Promise<unknown>;
};

export type OutboxWorker = {
  stop(): Promise<void>;
  /** Claims one batch of due rows and attempts them; resolves when all are settled. Returns how many. */
  drainOnce(): Promise<number>;
};

type Claimed = OutboxMessage & { claimedAtMs: number };

export function startOutboxWorker(opts: OutboxWorkerOptions): OutboxWorker {
  const { db, adapter, appId, render, config, log } = opts;
  const resolveTarget =
    opts.resolveTarget ?? makeTargetResolver({ db, appId, graph: opts.graph, teamsAppCatalogId: opts.teamsAppCatalogId });
  const tuning: OutboxTuning = { ...defaultOutboxTuning, ...opts.tuning };
  // Wall-clock time, never the services' business clock: leases and Retry-After are promises about real
  // seconds, to Teams and to other replicas (a test's frozen business clock stopped every retry).
  const clock = systemClock;
  const pacer = new Pacer(db, config.tenantRatePerSecond, tuning.conversationLimits);
  const backoff = { baseMs: tuning.backoffBaseMs, maxMs: tuning.backoffMaxMs };
  const inflight = new Set<Promise<void>>();
  let inflightRows = 0;
  let stopped = false;
  let wake: (() => void) | null = null;

  async function claim(limit: number): Promise<Claimed[]> {
    if (limit <= 0) return [];
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + tuning.leaseMs);
    const rows = await db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "OutboxMessage"
        WHERE status = 'PENDING'::"OutboxStatus" AND "nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
        ORDER BY "nextAttemptAt", "createdAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return [];
      const ids = due.map((r) => r.id);
      await tx.outboxMessage.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 }, nextAttemptAt: leaseUntil } });
      const claimed = await tx.outboxMessage.findMany({ where: { id: { in: ids } } });
      // Keep the due order: it is the order messages reach each conversation.
      const order = new Map(ids.map((id, i) => [id, i]));
      return claimed.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
    });
    const at = Date.now();
    return rows.map((r) => ({ ...r, claimedAtMs: at }));
  }

  /** Updates the row only if it is still this attempt's (see the fencing note above). */
  function fenced(row: Claimed) {
    return { id: row.id, status: 'PENDING' as OutboxStatus, attempts: row.attempts };
  }

  async function dead(row: Claimed, error: string): Promise<void> {
    await db.outboxMessage.updateMany({
      where: fenced(row),
      data: { status: 'DEAD', lastError: error.slice(0, 1000), nextAttemptAt: clock.now() },
    });
    log.warn({ outboxId: row.id, kind: row.kind, error }, 'notification dead-lettered');
  }

  async function retryLater(row: Claimed, delayMs: number, error: string): Promise<void> {
    await db.outboxMessage.updateMany({
      where: fenced(row),
      data: { lastError: error.slice(0, 1000), nextAttemptAt: new Date(clock.now().getTime() + delayMs) },
    });
    log.info({ outboxId: row.id, delayMs, error }, 'notification will be retried');
  }

  type Ready = { row: Claimed; payload: NotificationPayload; target: Extract<DeliveryTarget, { ok: true }>; card: object };

  /** Everything before the send: payload, recipient, card. Null when the row is already settled. */
  async function prepare(row: Claimed): Promise<Ready | null> {
    // Claimed more often than allowed without ever recording an answer: workers keep dying on it.
    if (row.attempts > config.maxAttempts) {
      await dead(row, `gave up after ${row.attempts - 1} attempts: ${row.lastError ?? 'no answer (lease expired)'}`);
      return null;
    }
    const parsed = notificationPayload.safeParse(row.payload);
    if (!parsed.success) {
      await dead(row, `invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
      return null;
    }
    let target: DeliveryTarget;
    try {
      target = await resolveTarget({ recipientId: row.recipientId, conversationId: row.conversationId });
    } catch (e) {
      const d = decide({ message: `finding the recipient failed: ${describeError(e).message}` }, row.attempts, config.maxAttempts, backoff);
      await (d.action === 'retry' ? retryLater(row, d.delayMs, d.error) : dead(row, d.error));
      return null;
    }
    // Unreachable: dead-letter with the reason. The integrator tells whoever asked (e.g. the requester of an upload).
    if (!target.ok) {
      await dead(row, `unreachable: ${target.reason}`);
      return null;
    }
    try {
      return { row, payload: parsed.data, target, card: render(parsed.data, target.locale) };
    } catch (e) {
      await dead(row, `render failed: ${describeError(e).message}`);
      return null;
    }
  }

  async function send({ row, payload, target, card }: Ready): Promise<void> {
    const deadline = row.claimedAtMs + tuning.leaseMs / 2;
    try {
      const paced = await pacer.schedule(target.tenantId, target.conversationId, deadline, (gate) =>
        postCard(adapter, appId, target.reference, card, {
          dedupeKey: row.dedupeKey,
          alert: target.userId !== null,
          timeoutMs: tuning.sendTimeoutMs,
          gate,
        }),
      );
      if (!paced.sent) {
        // Pacing would hold it past half the lease: hand it back without counting an attempt.
        await db.outboxMessage.updateMany({
          where: fenced(row),
          data: { attempts: { decrement: 1 }, nextAttemptAt: new Date(clock.now().getTime() + (paced.retryAt - Date.now())) },
        });
        return;
      }
      recordDelivery('sent');
      await markSent(row, payload, target.conversationId, paced.value);
    } catch (e) {
      const err = describeError(e);
      const d = decide(err, row.attempts, config.maxAttempts, backoff);
      recordDelivery(d.action === 'retry' ? 'retry' : 'dead', err.status);
      // Every replica holds this conversation until Teams' Retry-After has passed.
      if (err.status === 429 && d.action === 'retry')
        await pacer.pause(target.conversationId, d.delayMs).catch((e: unknown) => log.warn({ err: e }, 'could not pause the conversation'));
      if (d.action === 'retry') return retryLater(row, d.delayMs, d.error);
      await dead(row, d.error);
      if (d.unreachableReason && target.userId) {
        await db.user.update({ where: { id: target.userId }, data: { unreachableReason: d.unreachableReason } });
      }
      if (d.dropConversation) await db.conversationRef.deleteMany({ where: { conversationId: target.conversationId } });
    }
  }

  async function markSent(
    row: Claimed,
    payload: NotificationPayload,
    conversationId: string,
    activityId: string | undefined,
  ): Promise<void> {
    const done = await db.outboxMessage.updateMany({
      where: fenced(row),
      data: { status: 'SENT', activityId: activityId ?? null, sentAt: clock.now(), lastError: null },
    });
    if (done.count === 0) {
      log.warn({ outboxId: row.id }, 'notification sent, but its lease had passed to another attempt');
      return;
    }
    log.debug({ outboxId: row.id, dedupeKey: row.dedupeKey, attempts: row.attempts }, 'notification sent');
    if (opts.afterSent) {
      try {
        await opts.afterSent(payload);
      } catch (e) {
        log.warn({ err: e, outboxId: row.id, kind: row.kind }, 'follow-up after a delivered notification failed');
      }
    }
    // Claim notices are updated in place later (updateClaimCards). Recorded apart from SENT: failing
    // to remember a card must never make a delivered message look unsent (it would be sent again).
    const claimId = 'claimId' in payload ? payload.claimId : undefined;
    if (activityId && claimId) {
      try {
        await recordClaimCard(db, { claimId, conversationId, activityId, view: 'notice' });
      } catch (e) {
        log.warn({ err: e, outboxId: row.id, claimId }, 'could not record the posted claim card');
      }
    }
  }

  /** Bookkeeping failures (e.g. the database) are only logged: the lease expires and the row is tried again. */
  function safely<T>(row: Claimed, p: Promise<T>): Promise<T | null> {
    return p.catch((e: unknown) => {
      log.error({ err: e, outboxId: row.id }, 'outbox delivery bookkeeping failed');
      return null;
    });
  }

  /** Batches hand their sends to the pacer one after the other, in the order they were claimed. */
  let queued: Promise<void> = Promise.resolve();

  /** A row's slot is free again: the loop claims more once half the rows in flight are done. */
  function settled(): void {
    inflightRows -= 1;
    if (inflightRows <= tuning.batchSize / 2) wake?.();
  }

  /**
   * Prepares the whole batch, then queues the sends in claim order: each conversation's limiter is
   * first-in first-out, so messages reach a chat in the order they were written. A batch claimed
   * while the previous one is still sending queues behind it (its sends were queued first), so the
   * pacer always has the next sends waiting: the next batch is claimed and prepared while the
   * current one is still being sent, instead of after its last send (which left the tenant's rate
   * unused for a poll interval, a claim and a preparation at every batch).
   */
  async function processBatch(rows: Claimed[]): Promise<void> {
    inflightRows += rows.length;
    const previous = queued;
    let handedOver!: () => void;
    queued = new Promise<void>((resolve) => (handedOver = resolve));
    let sends: Array<Promise<unknown>> | null = null;
    try {
      const ready = await Promise.all(rows.map((r) => safely(r, prepare(r))));
      await previous;
      sends = ready.map((x) => (x ? safely(x.row, send(x)) : Promise.resolve(null)).finally(settled));
      handedOver();
      await Promise.all(sends);
    } finally {
      handedOver();
      if (!sends) inflightRows -= rows.length;
    }
  }

  function track(p: Promise<void>): Promise<void> {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    return p;
  }

  async function drainOnce(): Promise<number> {
    const rows = await claim(tuning.batchSize);
    await track(processBatch(rows));
    return rows.length;
  }

  /** Keeps up to batchSize rows in flight, so one slow conversation never holds up the rest. */
  async function loop(): Promise<void> {
    // While the database is down, claiming fails every poll: one error line when it starts (and one a
    // minute), one when it ends, and polls back off (services/retry.ts) instead of a stack every 500 ms.
    let failures = 0;
    let lastLoggedAt = 0;
    while (!stopped) {
      let claimed = 0;
      try {
        const rows = await claim(tuning.batchSize - inflightRows);
        claimed = rows.length;
        if (rows.length) void track(processBatch(rows));
        if (failures > 0) log.warn({ failures }, 'outbox claims work again');
        failures = 0;
      } catch (e) {
        failures++;
        if (failures === 1 || Date.now() - lastLoggedAt > 60_000) {
          lastLoggedAt = Date.now();
          log.error({ err: describeError(e).message, failures }, 'outbox claim failed');
        }
      }
      if (stopped) break;
      // Sleep while nothing is due or enough is in flight; settled() wakes the loop when half is done.
      if (claimed === 0 || inflightRows > tuning.batchSize / 2) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, failures ? backoffMs(failures, { baseMs: config.pollMs, maxMs: 10_000 }) : config.pollMs);
          t.unref();
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    }
  }

  const running = opts.autoStart === false ? Promise.resolve() : loop();
  let stopping: Promise<void> | null = null;

  async function stop(): Promise<void> {
    stopped = true;
    wake?.();
    await running;
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => (grace = setTimeout(r, tuning.stopGraceMs)))]);
    clearTimeout(grace);
    await pacer.stop();
  }

  return {
    drainOnce,
    stop: () => (stopping ??= stop()),
  };
}

export type OutboxStatusReport = {
  counts: Record<OutboxStatus, number>;
  /** PENDING rows whose time has come (a growing number means delivery is falling behind). */
  due: number;
  lastErrors: Array<{
    id: string;
    kind: string;
    status: OutboxStatus;
    attempts: number;
    recipientId: string | null;
    conversationId: string | null;
    lastError: string;
    at: Date;
  }>;
};

/** For the admins' `outbox` command: counts by status and the ten most recent errors. */
export async function outboxStatus(db: Db, now: Date = new Date()): Promise<OutboxStatusReport> {
  const [groups, due, errors] = await Promise.all([
    db.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } }),
    db.outboxMessage.count({ where: { status: 'PENDING', nextAttemptAt: { lte: now } } }),
    db.outboxMessage.findMany({
      where: { lastError: { not: null }, status: { not: 'SENT' } },
      orderBy: { nextAttemptAt: 'desc' },
      take: 10,
    }),
  ]);
  const counts: Record<OutboxStatus, number> = { PENDING: 0, SENT: 0, DEAD: 0 };
  for (const g of groups) counts[g.status] = g._count._all;
  return {
    counts,
    due,
    lastErrors: errors.map((e) => ({
      id: e.id,
      kind: e.kind,
      status: e.status,
      attempts: e.attempts,
      recipientId: e.recipientId,
      conversationId: e.conversationId,
      lastError: e.lastError ?? '',
      at: e.nextAttemptAt,
    })),
  };
}

import { performance } from 'node:perf_hooks';
import Bottleneck from 'bottleneck';
import type { Db } from '../../services/db/client';

/**
 * Keeps proactive sends under Teams' limits for the whole bot, however many replicas run it.
 *
 * Teams counts a bot's requests per conversation (7 in any 1 s, 8 in any 2 s, 60 in any 30 s, 1800 in
 * any hour) and per tenant (OUTBOX_TENANT_RATE_PER_SECOND in any 1 s), by when each request arrives.
 * Pacing in each process's memory let two replicas send twice that. So every send first reserves its
 * time in PostgreSQL, which all replicas share:
 *
 * - per conversation, one row (ConversationPace) with the last 60 reserved send times and hourly
 *   counts. The reservation locks that row and picks the earliest time that keeps every window (and
 *   is not before the previous reservation, so a chat's messages keep their order). Any hour-long
 *   window lies inside two consecutive clock hours, so keeping the current plus the previous hour's
 *   count under 1800 keeps the hourly limit without storing 1800 times;
 * - per tenant, one row (TenantPace) with every reserved send time of the last second and ahead: the
 *   same sliding window Teams enforces (`rate` sends in any second, widened by TENANT_MARGIN_MS), so
 *   the budget is the limit itself rather than a fixed spacing with a safety discount. A send may take
 *   any free place in the window, also before sends reserved earlier: a chat held back by its own
 *   limits or a 429 does not hold back the tenant's other chats. A minimum gap keeps sends from
 *   bunching (see tenantBudget).
 *
 * Both rows are locked, read and written in one short transaction (5 statements with BEGIN/COMMIT).
 * A dead replica's reservations simply age out; a 429's Retry-After pauses the conversation for every
 * replica. Times are the database's clock (clock_timestamp()), so replicas with skewed clocks agree.
 *
 * Teams judges by arrival, so what matters is that a request leaves when it was reserved for. The
 * reservation is made ahead; the process sleeps until just before the slot, builds the request, and
 * the connector call waits at its last step — after the token, right before the HTTP request is
 * written — for the exact time (the SendGate, see connector.ts). A send that reaches that point more
 * than LATE_MS after its slot (a busy event loop, a GC pause) is not written: its slot is released and
 * a new one reserved, because a late write could land inside the window of sends reserved after it,
 * on any replica. The database's clock is mapped to this process's monotonic clock by the smallest
 * offset seen recently (a statement's answer can only be late, never early), so a slow answer does
 * not shift a send either. The margin then only has to cover the time from that check to Teams.
 *
 * Within a process, a one-at-a-time Bottleneck limiter per conversation keeps reservations in the
 * order the rows were claimed (and avoids waiting on our own row lock).
 */

/** [window ms, max sends] — Teams' published per-bot, per-conversation limits. */
export const TEAMS_CONVERSATION_LIMITS: ReadonlyArray<readonly [number, number]> = [
  [1000, 7],
  [2000, 8],
  [30_000, 60],
  [3_600_000, 1800],
];

/**
 * Conversation windows are widened by this much. They do not bind throughput (a tenant's many chats
 * do), so they keep the wide margin measured when pacing checked lateness only at wake-up: with two
 * replicas on 2 busy cores, 40 ms let a ninth request into a 2 s window.
 */
const CONVERSATION_MARGIN_MS = 150;
/**
 * The tenant's 1 s window is widened by this much: it covers the time from the lateness check to
 * Teams' arrival stamp (LATE_MS of it at most on our side, then the HTTP write and the network).
 */
export const TENANT_MARGIN_MS = 35;
/** The tenant window Teams enforces. */
const TENANT_WINDOW_MS = 1000;
/**
 * Two sends of a tenant are at least this share of the even spacing apart (window / rate): up to
 * 11 % faster than even, to catch up after a hiccup, but never a burst of a whole second's budget at
 * once (a burst's requests leave one after another, and the last ones' delays vary the most).
 */
const TENANT_MIN_GAP_SHARE = 0.9;
/** A send whose request is ready later than this after its slot is not written; a new slot is reserved. */
const LATE_MS = 5;
/** Woken this long before the slot to build the request (context, card, token), so only the write waits. */
const LEAD_MS = 15;
/** No slot is closer to now than this: the reservation commits and returns, and the request is built, first. */
const AHEAD_MS = 20;
/**
 * Late attempts before a send goes out late anyway: a process that is always late still delivers (the
 * margin covers most of it, and a 429 retries after Retry-After, paused for every replica).
 */
const MAX_LATE_ATTEMPTS = 3;
/** Send times kept per conversation: the largest count in a short window. */
const RECENT = 60;
const HOUR_MS = 3_600_000;
/** How long an observed clock offset stays a candidate (monotonic clocks drift slowly against wall clocks). */
const OFFSET_SAMPLE_MS = 5_000;

export type TenantBudget = {
  /** Sends allowed in any window of windowMs. */
  limit: number;
  windowMs: number;
  minGapMs: number;
  /** The rate held under a steady backlog: limit per windowMs. */
  nominalPerSecond: number;
};

/** The tenant's send budget for OUTBOX_TENANT_RATE_PER_SECOND (0: no tenant limit). */
export function tenantBudget(ratePerSecond: number): TenantBudget | null {
  if (!(ratePerSecond > 0)) return null;
  const limit = Math.max(1, Math.floor(ratePerSecond));
  const windowMs = TENANT_WINDOW_MS + TENANT_MARGIN_MS;
  // Whole milliseconds, as the times are stored.
  return { limit, windowMs, minGapMs: Math.ceil((windowMs / limit) * TENANT_MIN_GAP_SHARE), nominalPerSecond: (limit * 1000) / windowMs };
}

export type Paced<T> = { sent: true; value: T } | { sent: false; retryAt: number };

/**
 * Awaited by the connector call right before it writes the request: resolves at the reserved time, or
 * throws if the request is ready too late to keep the limits (the pacer then reserves a new time).
 */
export type SendGate = () => Promise<void>;

/** Thrown by a SendGate: the request was not written. */
export class LateForSlot extends Error {
  constructor(readonly lateMs: number) {
    super(`ready ${Math.round(lateMs)} ms after its reserved time`);
  }
}

type HourCounts = { hour: number; current: number; previous: number };

/** slot: the database's time (epoch ms); localSlot: the same moment on performance.now(). */
type Reservation = { slot: number; localSlot: number } | { retryAt: number };

class PastDeadline extends Error {
  constructor(readonly retryAt: number) {
    super('past deadline');
  }
}

/**
 * This process's monotonic clock minus the database's clock. Each reservation reads clock_timestamp();
 * the answer reaches us some time later, so (local now − database time) is the true offset plus that
 * delay, never less: the smallest recent value is the closest to the truth.
 */
class DatabaseClock {
  private samples: Array<{ at: number; offset: number }> = [];

  observe(dbNowMs: number): void {
    const at = performance.now();
    this.samples.push({ at, offset: at - dbNowMs });
    while (this.samples.length > 64 || this.samples[0]!.at < at - OFFSET_SAMPLE_MS) this.samples.shift();
  }

  /** A database time on performance.now()'s scale. */
  toLocal(dbMs: number): number {
    let offset = Infinity;
    for (const s of this.samples) offset = Math.min(offset, s.offset);
    return dbMs + offset;
  }
}

export class Pacer {
  private conversations = new Bottleneck.Group({ maxConcurrent: 1 });
  private windows: Array<readonly [number, number]>;
  private hourLimit: number;
  private tenant: TenantBudget | null;
  private clock = new DatabaseClock();

  constructor(
    private readonly db: Db,
    tenantRatePerSecond: number,
    limits: ReadonlyArray<readonly [number, number]> = TEAMS_CONVERSATION_LIMITS,
  ) {
    this.windows = limits.filter(([w]) => w < HOUR_MS);
    if (this.windows.some(([, max]) => max > RECENT))
      throw new Error(`pacing keeps ${RECENT} send times: no shorter window may allow more`);
    this.hourLimit = limits.find(([w]) => w === HOUR_MS)?.[1] ?? Number.MAX_SAFE_INTEGER;
    this.tenant = tenantBudget(tenantRatePerSecond);
  }

  /**
   * Runs `send` at the earliest time the conversation and tenant allow; `send` must await the gate it
   * is given right before it writes its request (connector.ts does). If that time would be after
   * `deadline` (Date.now() ms, e.g. half the row's lease), nothing is reserved or sent, and it says
   * when to try again instead.
   */
  schedule<T>(tenantId: string, conversationId: string, deadline: number, send: (gate: SendGate) => Promise<T>): Promise<Paced<T>> {
    return this.conversations.key(conversationId).schedule(async (): Promise<Paced<T>> => {
      const localDeadline = performance.now() + (deadline - Date.now());
      let release: number | undefined;
      for (let attempt = 1; ; attempt++) {
        const r = await this.reserve(tenantId || 'unknown', conversationId, localDeadline, release);
        if ('retryAt' in r) return { sent: false, retryAt: Date.now() + (r.retryAt - performance.now()) };
        await sleepUntil(r.localSlot - LEAD_MS);
        let late = false;
        const gate: SendGate = async () => {
          await sleepUntil(r.localSlot);
          const lateMs = performance.now() - r.localSlot;
          if (lateMs > LATE_MS && attempt < MAX_LATE_ATTEMPTS) {
            late = true;
            throw new LateForSlot(lateMs);
          }
        };
        try {
          return { sent: true, value: await send(gate) };
        } catch (e) {
          // Only the gate's refusal is retried here: the request was not written, so its slot is given back.
          if (!late) throw e;
          release = r.slot;
        }
      }
    });
  }

  /** Teams said 429 for this conversation: hold it for `delayMs`, on every replica. */
  async pause(conversationId: string, delayMs: number): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "ConversationPace"
      SET "pausedUntilMs" = GREATEST("pausedUntilMs", (extract(epoch from clock_timestamp()) * 1000)::bigint + ${Math.round(delayMs)}::bigint),
          "updatedAt" = now()
      WHERE "conversationId" = ${conversationId}`;
  }

  async stop(): Promise<void> {
    await this.conversations.disconnect(false);
  }

  /** `release`: the slot of this send's previous attempt, never written; it is freed in the same transaction. */
  private async reserve(tenantId: string, conversationId: string, localDeadline: number, release?: number): Promise<Reservation> {
    try {
      return await this.db.$transaction(async (tx) => {
        // One statement creates the row if needed, locks it until commit, and reads it with the database's time.
        const [row] = await tx.$queryRaw<
          Array<{ now: bigint; recent: bigint[] | null; hour: bigint; hourCount: number; prevHourCount: number; pausedUntil: bigint }>
        >`
          INSERT INTO "ConversationPace" ("conversationId", "recentMs", "updatedAt") VALUES (${conversationId}, '{}', now())
          ON CONFLICT ("conversationId") DO UPDATE SET "updatedAt" = now()
          RETURNING (extract(epoch from clock_timestamp()) * 1000)::bigint AS now, "recentMs" AS recent, "hour", "hourCount",
                    "prevHourCount", "pausedUntilMs" AS "pausedUntil"`;
        const dbNow = Number(row!.now);
        this.clock.observe(dbNow);
        const stored = (row!.recent ?? []).map(Number);
        const recent = without(stored, release);
        // Released only if it is still recorded here (it always is, unless the database was reset meanwhile).
        const hours = uncounted(row!, recent.length < stored.length ? release : undefined);

        let slot = Math.max(dbNow + AHEAD_MS, Number(row!.pausedUntil), recent[recent.length - 1] ?? 0);
        let hour: HourCounts;
        for (;;) {
          slot = this.earliestInWindows(recent, slot);
          hour = this.hourCounts(hours, slot);
          if (hour.current + hour.previous < this.hourLimit) break;
          slot = (hour.hour + 1) * HOUR_MS;
        }
        if (this.clock.toLocal(slot) > localDeadline) throw new PastDeadline(this.clock.toLocal(slot));

        let tenantTimes: number[] | null = null;
        if (this.tenant) {
          // Locked after the conversation (every reservation takes them in this order) and held only to the commit.
          const [t] = await tx.$queryRaw<Array<{ now: bigint; recent: bigint[] | null }>>`
            INSERT INTO "TenantPace" ("tenantId", "recentMs") VALUES (${tenantId}, '{}')
            ON CONFLICT ("tenantId") DO UPDATE SET "recentMs" = "TenantPace"."recentMs"
            RETURNING (extract(epoch from clock_timestamp()) * 1000)::bigint AS now, "recentMs" AS recent`;
          const tenantNow = Number(t!.now);
          this.clock.observe(tenantNow);
          // Sends older than one window cannot share a window with a send from now on.
          const times = without(
            (t!.recent ?? []).map(Number).filter((x) => x > tenantNow - this.tenant!.windowMs),
            release,
          ).sort((a, b) => a - b);
          // Waiting for the tenant only makes this send later, which keeps every conversation window.
          slot = earliestForTenant(times, Math.max(slot, tenantNow + AHEAD_MS), this.tenant);
          hour = this.hourCounts(hours, slot);
          if (this.clock.toLocal(slot) > localDeadline) throw new PastDeadline(this.clock.toLocal(slot));
          tenantTimes = insertSorted(times, slot);
        }

        const kept = [...recent, slot].slice(-RECENT);
        const conversationTimes = `{${kept.join(',')}}`;
        if (tenantTimes)
          await tx.$executeRaw`
            WITH tenant AS (UPDATE "TenantPace" SET "recentMs" = ${`{${tenantTimes.join(',')}}`}::bigint[] WHERE "tenantId" = ${tenantId})
            UPDATE "ConversationPace"
            SET "recentMs" = ${conversationTimes}::bigint[], "hour" = ${hour.hour}::bigint,
                "hourCount" = ${hour.current + 1}, "prevHourCount" = ${hour.previous}
            WHERE "conversationId" = ${conversationId}`;
        else
          await tx.$executeRaw`
            UPDATE "ConversationPace"
            SET "recentMs" = ${conversationTimes}::bigint[], "hour" = ${hour.hour}::bigint,
                "hourCount" = ${hour.current + 1}, "prevHourCount" = ${hour.previous}
            WHERE "conversationId" = ${conversationId}`;
        return { slot, localSlot: this.clock.toLocal(slot) };
      });
    } catch (e) {
      if (e instanceof PastDeadline) return { retryAt: e.retryAt };
      throw e;
    }
  }

  /** The earliest time ≥ `from` at which one more send keeps every short window under its limit. */
  private earliestInWindows(recent: number[], from: number): number {
    let slot = from;
    for (let changed = true; changed;) {
      changed = false;
      for (const [windowMs, max] of this.windows) {
        const w = windowMs + CONVERSATION_MARGIN_MS;
        const inWindow = recent.filter((t) => t > slot - w);
        if (inWindow.length >= max) {
          const next = inWindow[inWindow.length - max]! + w;
          if (next > slot) {
            slot = next;
            changed = true;
          }
        }
      }
    }
    return slot;
  }

  /** Sends counted in the clock hour of `slot` and the hour before it. */
  private hourCounts(row: StoredHours, slot: number): HourCounts {
    const h = Math.floor(slot / HOUR_MS);
    const stored = Number(row.hour);
    if (h <= stored) return { hour: stored, current: row.hourCount, previous: row.prevHourCount };
    if (h === stored + 1) return { hour: h, current: 0, previous: row.hourCount };
    return { hour: h, current: 0, previous: 0 };
  }
}

type StoredHours = { hour: bigint; hourCount: number; prevHourCount: number };

/** The stored hourly counts without the released send (counted in its own clock hour when it was reserved). */
function uncounted(row: StoredHours, released: number | undefined): StoredHours {
  if (released === undefined) return row;
  const h = Math.floor(released / HOUR_MS);
  if (h === Number(row.hour)) return { ...row, hourCount: Math.max(0, row.hourCount - 1) };
  if (h === Number(row.hour) - 1) return { ...row, prevHourCount: Math.max(0, row.prevHourCount - 1) };
  return row;
}

/**
 * The earliest time ≥ `from` for one more send of the tenant, among the sorted reserved `times` (past
 * and future): no other send closer than minGapMs, and no limit + 1 sends within less than windowMs.
 * Each step moves past the one conflict found, the least that conflict needs, so the first time
 * without a conflict is the earliest possible.
 */
export function earliestForTenant(times: readonly number[], from: number, budget: TenantBudget): number {
  const { limit, windowMs, minGapMs } = budget;
  let slot = Math.ceil(from);
  for (let changed = true; changed;) {
    changed = false;
    for (const t of times) {
      if (Math.abs(t - slot) < minGapMs) {
        slot = t + minGapMs;
        changed = true;
      }
    }
    // `limit` consecutive reserved sends that fit, with this one, in less than a window.
    for (let j = 0; j + limit <= times.length; j++) {
      if (Math.max(times[j + limit - 1]!, slot) - Math.min(times[j]!, slot) < windowMs) {
        slot = times[j]! + windowMs;
        changed = true;
      }
    }
  }
  return slot;
}

function insertSorted(times: number[], t: number): number[] {
  const i = times.findIndex((x) => x > t);
  return i < 0 ? [...times, t] : [...times.slice(0, i), t, ...times.slice(i)];
}

/** `times` without one occurrence of `t`. */
function without(times: number[], t: number | undefined): number[] {
  if (t === undefined) return times;
  const i = times.lastIndexOf(t);
  return i < 0 ? times : [...times.slice(0, i), ...times.slice(i + 1)];
}

async function sleepUntil(localMs: number): Promise<void> {
  // Timers may fire a fraction of a millisecond early: wait again until the time has really come.
  for (let d = localMs - performance.now(); d > 0; d = localMs - performance.now()) await new Promise((r) => setTimeout(r, Math.ceil(d)));
}

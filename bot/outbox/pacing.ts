import Bottleneck from 'bottleneck';
import type { Db } from '../../services/db/client';

/**
 * Keeps proactive sends under Teams' limits for the whole bot, however many replicas run it.
 *
 * Teams counts a bot's requests per conversation (7 in any 1 s, 8 in any 2 s, 60 in any 30 s, 1800 in
 * any hour) and per tenant. Pacing in each process's memory let two replicas send twice that. So
 * every send first reserves its time in PostgreSQL, which all replicas share:
 *
 * - per conversation, one row (ConversationPace) with the last 60 reserved send times and hourly
 *   counts. The reservation locks that row, picks the earliest time that keeps every window (and
 *   is not before the previous reservation, so a chat's messages keep their order), records it and
 *   commits; the process then sleeps until that time and sends. Any hour-long window lies inside two
 *   consecutive clock hours, so keeping the current plus the previous hour's count under 1800 keeps
 *   the hourly limit without storing 1800 times;
 * - per tenant, one row (TenantPace) holding the next free time: a single atomic UPDATE moves it on
 *   by 1/rate (a generic cell rate algorithm), so the combined rate never exceeds the configured one.
 *
 * Why this and not a lease per conversation: the send log is exact (the windows are checked against
 * every reserved send, whoever made it), costs one short transaction of three statements per send,
 * needs no hand-over when a replica dies (a dead replica's reservations simply age out), and a 429's
 * Retry-After pauses the conversation for every replica. Times are the database's clock
 * (clock_timestamp()), so replicas with skewed clocks still agree; each reservation also tells the
 * process how far ahead that time is on its own clock.
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
 * Windows are widened by this much: the time between our reservation and Teams receiving the request
 * varies (event-loop delays, network), and Teams judges by arrival. Measured with two replicas on 2
 * busy cores: 40 ms, and 100 ms without the lateness check, let a ninth request into a 2 s window.
 */
const MARGIN_MS = 150;
/** A send woken later than this after its reserved time reserves again instead (see schedule). */
const LATE_MS = 50;
/** Send times kept per conversation: the largest count in a short window. */
const RECENT = 60;
const HOUR_MS = 3_600_000;

/**
 * The minimum time between two sends of a tenant. 10 % under the rate: rate+1 requests in one second
 * then need ~110 ms of arrival jitter (sends woken more than LATE_MS late reserve again). Exact
 * spacing, and 5 % under, let jitter put rate+1 into a second.
 */
export const tenantSpacingMs = (ratePerSecond: number) => (ratePerSecond > 0 ? Math.ceil(1000 / (ratePerSecond * 0.9)) : 0);

export type Paced<T> = { sent: true; value: T } | { sent: false; retryAt: number };

type HourCounts = { hour: number; current: number; previous: number };

type Reservation = { localSlot: number } | { retryAt: number };

class PastDeadline extends Error {
  constructor(readonly retryAt: number) {
    super('past deadline');
  }
}

export class Pacer {
  private conversations = new Bottleneck.Group({ maxConcurrent: 1 });
  private windows: Array<readonly [number, number]>;
  private hourLimit: number;
  private tenantSpacingMs: number;

  constructor(
    private readonly db: Db,
    tenantRatePerSecond: number,
    limits: ReadonlyArray<readonly [number, number]> = TEAMS_CONVERSATION_LIMITS,
  ) {
    this.windows = limits.filter(([w]) => w < HOUR_MS);
    if (this.windows.some(([, max]) => max > RECENT))
      throw new Error(`pacing keeps ${RECENT} send times: no shorter window may allow more`);
    this.hourLimit = limits.find(([w]) => w === HOUR_MS)?.[1] ?? Number.MAX_SAFE_INTEGER;
    this.tenantSpacingMs = tenantSpacingMs(tenantRatePerSecond);
  }

  /**
   * Runs `send` at the earliest time the conversation and tenant allow. If that would be after
   * `deadline` (local ms, e.g. half the row's lease), nothing is reserved or sent, and it says when
   * to try again instead.
   */
  schedule<T>(tenantId: string, conversationId: string, deadline: number, send: () => Promise<T>): Promise<Paced<T>> {
    return this.conversations.key(conversationId).schedule(async (): Promise<Paced<T>> => {
      for (let attempt = 1; ; attempt++) {
        const r = await this.reserve(tenantId || 'unknown', conversationId, deadline);
        if ('retryAt' in r) return { sent: false, retryAt: r.retryAt };
        const wait = r.localSlot - Date.now();
        if (wait > 0) await sleep(wait);
        // Woken late (a busy event loop, a GC pause): sending now could land too close to sends reserved
        // after ours, on any replica. The late slot stays recorded (it only makes pacing stricter) and a new one is taken.
        if (Date.now() - r.localSlot <= LATE_MS || attempt >= 3) return { sent: true, value: await send() };
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

  private async reserve(tenantId: string, conversationId: string, deadline: number): Promise<Reservation> {
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
        const localAtDbNow = Date.now();
        const dbNow = Number(row!.now);
        const recent = (row!.recent ?? []).map(Number);
        const toLocal = (dbMs: number) => localAtDbNow + (dbMs - dbNow);

        let slot = Math.max(dbNow, Number(row!.pausedUntil), recent[recent.length - 1] ?? 0);
        let hour: HourCounts;
        for (;;) {
          slot = this.earliestInWindows(recent, slot);
          hour = this.hourCounts(row!, slot);
          if (hour.current + hour.previous < this.hourLimit) break;
          slot = (hour.hour + 1) * HOUR_MS;
        }
        if (toLocal(slot) > deadline) throw new PastDeadline(toLocal(slot));

        if (this.tenantSpacingMs > 0) {
          // The tenant's next free time moves on atomically; waiting for it only makes this send later, which keeps every window.
          const [t] = await tx.$queryRaw<Array<{ slot: bigint }>>`
            INSERT INTO "TenantPace" ("tenantId", "nextSlotMs") VALUES (${tenantId}, ${slot}::bigint + ${this.tenantSpacingMs}::bigint)
            ON CONFLICT ("tenantId") DO UPDATE
              SET "nextSlotMs" = GREATEST("TenantPace"."nextSlotMs", ${slot}::bigint) + ${this.tenantSpacingMs}::bigint
            RETURNING "nextSlotMs" - ${this.tenantSpacingMs}::bigint AS slot`;
          slot = Number(t!.slot);
          hour = this.hourCounts(row!, slot);
          if (toLocal(slot) > deadline) throw new PastDeadline(toLocal(slot));
        }

        const kept = [...recent, slot].slice(-RECENT);
        await tx.$executeRaw`
          UPDATE "ConversationPace"
          SET "recentMs" = ${`{${kept.join(',')}}`}::bigint[], "hour" = ${hour.hour}::bigint,
              "hourCount" = ${hour.current + 1}, "prevHourCount" = ${hour.previous}
          WHERE "conversationId" = ${conversationId}`;
        return { localSlot: toLocal(slot) };
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
        const w = windowMs + MARGIN_MS;
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
  private hourCounts(row: { hour: bigint; hourCount: number; prevHourCount: number }, slot: number): HourCounts {
    const h = Math.floor(slot / HOUR_MS);
    const stored = Number(row.hour);
    if (h <= stored) return { hour: stored, current: row.hourCount, previous: row.prevHourCount };
    if (h === stored + 1) return { hour: h, current: 0, previous: row.hourCount };
    return { hour: h, current: 0, previous: 0 };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

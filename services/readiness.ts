import type { Clock } from './context';
import type { Db } from './db/client';
import { readMigrations } from './db/migrate';
import type { OutboxDepth } from './telemetry';

export type Readiness = {
  ready: boolean;
  database: 'up' | 'down';
  /** Migrations this build ships that the database has not applied (another replica may be applying them); null while it does not answer. */
  pendingMigrations: number | null;
  outbox: {
    /** Age of the oldest notification whose time has come and that no worker has claimed; 0 when none. */
    oldestDueSeconds: number;
    stuckAfterSeconds: number;
    stuck: boolean;
  };
};

/**
 * What a load balancer asks before sending traffic (GET /readyz): the database answers, every migration this
 * build relies on is applied, and the outbox is moving. A healthy worker claims due rows within its poll
 * interval (claiming pushes nextAttemptAt past now), so an old due row means nobody is delivering.
 * Two small indexed queries; results are shared for `cacheMs` so a flood of probes costs the same as one.
 * A database that accepts connections but does not answer (stalled, out of connections, a network drop
 * without a reset) is "down" after `timeoutMs`: the probe hung until the caller gave up, with no reason.
 */
export function readinessCheck(opts: {
  db: Db;
  clock: Clock;
  outboxStuckAfterSeconds: number;
  cacheMs?: number;
  timeoutMs?: number;
}): () => Promise<Readiness> {
  const expected = readMigrations().map((m) => m.name);
  const cacheMs = opts.cacheMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 3000;
  let last: { at: number; result: Promise<Readiness> } | null = null;

  async function check(): Promise<Readiness> {
    const down: Readiness = {
      ready: false,
      database: 'down',
      pendingMigrations: null,
      outbox: { oldestDueSeconds: 0, stuckAfterSeconds: opts.outboxStuckAfterSeconds, stuck: false },
    };
    try {
      const now = opts.clock.now();
      let timer: NodeJS.Timeout | undefined;
      const noAnswer = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
        timer.unref();
      });
      const queries = Promise.all([
        opts.db.$queryRaw<Array<{ migration_name: string }>>`
          SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        opts.db.outboxMessage.findFirst({
          where: { status: 'PENDING', nextAttemptAt: { lte: now } },
          orderBy: { nextAttemptAt: 'asc' },
          select: { nextAttemptAt: true },
        }),
      ]);
      queries.catch(() => undefined); // answered after the time limit: nobody is waiting any more
      const [applied, oldestDue] = await Promise.race([queries, noAnswer]).finally(() => clearTimeout(timer));
      const done = new Set(applied.map((r) => r.migration_name));
      const pendingMigrations = expected.filter((name) => !done.has(name)).length;
      const oldestDueSeconds = oldestDue ? Math.max(0, Math.round((now.getTime() - oldestDue.nextAttemptAt.getTime()) / 1000)) : 0;
      const stuck = oldestDueSeconds > opts.outboxStuckAfterSeconds;
      return {
        ready: pendingMigrations === 0 && !stuck,
        database: 'up',
        pendingMigrations,
        outbox: { oldestDueSeconds, stuckAfterSeconds: opts.outboxStuckAfterSeconds, stuck },
      };
    } catch {
      return down;
    }
  }

  return () => {
    const at = Date.now();
    if (!last || at - last.at >= cacheMs) last = { at, result: check() };
    return last.result;
  };
}

/** The outbox depth metric (services/telemetry.ts): pending rows, those due now, and the oldest due row's age. */
export async function outboxDepth(db: Db, now: Date): Promise<OutboxDepth> {
  const [pending, due, oldest] = await Promise.all([
    db.outboxMessage.count({ where: { status: 'PENDING' } }),
    db.outboxMessage.count({ where: { status: 'PENDING', nextAttemptAt: { lte: now } } }),
    db.outboxMessage.findFirst({
      where: { status: 'PENDING', nextAttemptAt: { lte: now } },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    }),
  ]);
  return { pending, due, oldestDueSeconds: oldest ? Math.max(0, (now.getTime() - oldest.nextAttemptAt.getTime()) / 1000) : 0 };
}

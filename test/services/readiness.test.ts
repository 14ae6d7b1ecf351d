import net from 'node:net';
import crypto from 'node:crypto';
import { createDb } from '../../services/db/client';
import { readinessCheck } from '../../services/readiness';
import { instanceSecret } from '../../services/instanceSecrets';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { TestClock } from '../helpers/world';

const NOW = new Date('2026-11-28T10:00:00.000Z');

describe('readiness (GET /readyz)', () => {
  let t: TestDatabase;
  const clock = new TestClock(NOW);
  const check = () => readinessCheck({ db: t.db, clock, outboxStuckAfterSeconds: 300, cacheMs: 0 })();

  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(() => t.drop());
  afterEach(() => t.db.outboxMessage.deleteMany());

  const queue = (dueSecondsAgo: number, status: 'PENDING' | 'SENT' | 'DEAD' = 'PENDING') =>
    t.db.outboxMessage.create({
      data: {
        dedupeKey: crypto.randomUUID(),
        kind: 'status_changed',
        payload: {},
        status,
        nextAttemptAt: new Date(NOW.getTime() - dueSecondsAgo * 1000),
      },
    });

  it('is ready on a migrated database whose outbox is empty or moving', async () => {
    expect(await check()).toEqual({
      ready: true,
      database: 'up',
      pendingMigrations: 0,
      outbox: { oldestDueSeconds: 0, stuckAfterSeconds: 300, stuck: false },
    });
    await queue(20);
    await queue(-60); // scheduled for later (a retry with backoff): not waiting yet
    expect(await check()).toMatchObject({ ready: true, outbox: { oldestDueSeconds: 20, stuck: false } });
  });

  it('is not ready when a due notification has waited past the threshold (nobody is delivering)', async () => {
    await queue(301);
    await queue(5);
    expect(await check()).toMatchObject({ ready: false, database: 'up', outbox: { oldestDueSeconds: 301, stuck: true } });
  });

  it('ignores delivered and dead-lettered rows, however old', async () => {
    await queue(86_400, 'SENT');
    await queue(86_400, 'DEAD');
    expect(await check()).toMatchObject({ ready: true, outbox: { oldestDueSeconds: 0 } });
  });

  it('is not ready while a migration this build ships is not applied', async () => {
    const [last] = await t.db.$queryRaw<Array<{ migration_name: string }>>`
      SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    await t.db.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = ${last!.migration_name}`;
    try {
      expect(await check()).toMatchObject({ ready: false, database: 'up', pendingMigrations: 1 });
    } finally {
      await t.db.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = ${last!.migration_name}`;
    }
  });

  it('is not ready when the database does not answer', async () => {
    const unreachable = createDb('postgresql://nobody:nothing@127.0.0.1:1/none');
    try {
      const r = await readinessCheck({ db: unreachable, clock, outboxStuckAfterSeconds: 300 })();
      expect(r).toMatchObject({ ready: false, database: 'down' });
    } finally {
      await unreachable.$disconnect();
    }
  });

  it('is not ready, within its time limit, when the database accepts connections but never answers', async () => {
    // A stalled server (SIGSTOP, a network drop without a reset): /readyz hung until the probe gave up.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const stalled = createDb(`postgresql://x:y@127.0.0.1:${(silent.address() as net.AddressInfo).port}/none`);
    try {
      const r = await readinessCheck({ db: stalled, clock, outboxStuckAfterSeconds: 300, timeoutMs: 300 })();
      expect(r).toMatchObject({ ready: false, database: 'down', pendingMigrations: null });
    } finally {
      for (const socket of sockets) socket.destroy(); // the pending connect fails now, not after its own timeout
      await stalled.$disconnect().catch(() => undefined);
      silent.close();
    }
  });

  it('shares one check among probes that arrive together', async () => {
    const probe = readinessCheck({ db: t.db, clock, outboxStuckAfterSeconds: 300, cacheMs: 60_000 });
    const first = probe();
    expect(probe()).toBe(first);
    expect((await first).ready).toBe(true);
  });
});

describe('instance secrets (local mode document-link key)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(() => t.drop());

  it('is random, made once, and the same for every process on the database, even when they race', async () => {
    const other = createDb(t.url);
    try {
      const [a, b, c] = await Promise.all([instanceSecret(t.db, 'links'), instanceSecret(other, 'links'), instanceSecret(t.db, 'links')]);
      expect(a).toHaveLength(64);
      expect(new Set([a, b, c]).size).toBe(1);
      expect(await instanceSecret(other, 'links')).toBe(a);
      expect(await instanceSecret(t.db, 'something-else')).not.toBe(a);
    } finally {
      await other.$disconnect();
    }
  });
});

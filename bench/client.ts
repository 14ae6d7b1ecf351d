import './lib/env';
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDb, type Db } from '../services/db/client';
import { DEMO_TENANT_ID } from '../prisma/seed';
import { populateDemo, type SimUser } from './lib/population';
import { type BenchPostgres } from './lib/postgres';
import { type PartResult } from './lib/report';
import { round, summarise, table } from './lib/stats';

/**
 * Part — the database client's cost per operation. 1,000 operations of the shapes a turn sends
 * (BENCH_CLIENT_OPS), one at a time on the demo data, through the Prisma client exactly as the
 * services build it (services/db/client.ts): wall time and the CPU this process spent per operation,
 * beside what PostgreSQL spent. The difference between the two clients of an upgrade, or between a
 * statement and its hand-written replacement, shows here first.
 */
type Op = { name: string; run: (db: Db, u: SimUser) => Promise<unknown> };

const OPS: Op[] = [
  {
    name: 'user by Teams id',
    run: (db, u) => db.user.findUnique({ where: { tenantId_aadObjectId: { tenantId: DEMO_TENANT_ID, aadObjectId: u.aadObjectId } } }),
  },
  { name: 'user with roles', run: (db, u) => db.user.findUnique({ where: { id: u.userId }, include: { roles: true } }) },
  {
    name: 'claim card view (9 relations)',
    run: (db, u) =>
      db.claim.findUnique({
        where: { id: u.claimId },
        include: {
          program: true,
          location: true,
          allocation: true,
          activityType: true,
          owner: { select: { id: true, displayName: true } },
          documents: {
            where: { removedAt: null },
            orderBy: { createdAt: 'asc' },
            include: { uploader: { select: { displayName: true } } },
          },
          feedback: { orderBy: { createdAt: 'asc' }, include: { reviewer: { select: { displayName: true } } } },
          comments: { orderBy: { createdAt: 'desc' }, take: 5, include: { author: { select: { displayName: true } } } },
          uploadRequests: {
            where: { status: 'OPEN' },
            orderBy: { dueAt: 'asc' },
            include: { assignee: { select: { displayName: true } } },
          },
          _count: { select: { comments: true } },
        },
      }),
  },
  { name: 'documents of a claim', run: (db, u) => db.document.findMany({ where: { claimId: u.claimId, removedAt: null } }) },
  {
    name: 'sum of claims by status',
    run: async (db, u) => {
      const c = await db.claim.findUniqueOrThrow({ where: { id: u.claimId }, select: { fundAllocationId: true } });
      return db.claim.groupBy({ by: ['status'], where: { fundAllocationId: c.fundAllocationId }, _sum: { amountMinor: true } });
    },
  },
  {
    name: 'history page',
    run: (db, u) =>
      db.historyEvent.findMany({
        where: { claimId: u.claimId },
        orderBy: { id: 'desc' },
        take: 11,
        include: { actor: { select: { displayName: true } } },
      }),
  },
  {
    name: 'command transaction (3 writes)',
    run: (db, u) =>
      db.$transaction(async (tx) => {
        await tx.claim.update({ where: { id: u.claimId }, data: { version: { increment: 1 } } });
        await tx.historyEvent.create({
          data: { claimId: u.claimId, actorId: u.userId, actorKind: 'USER', type: 'comment_added', summary: 'Bench' },
        });
        await tx.idempotencyKey.create({ data: { key: crypto.randomUUID(), userId: u.userId, command: 'bench', result: {} } });
      }),
  },
];

export async function benchClient(pg: BenchPostgres, opts: { ops?: number } = {}): Promise<PartResult> {
  const started = Date.now();
  const total = opts.ops ?? Number(process.env.BENCH_CLIENT_OPS ?? 1000);
  const database = await pg.database('bench_client');
  const [user] = await populateDemo(database.db, 1);
  const db = createDb(database.url);
  try {
    for (let i = 0; i < 200; i++) await OPS[i % OPS.length]!.run(db, user!); // warm-up: JIT, pool, query plans
    const samples: Record<string, number[]> = Object.fromEntries(OPS.map((o) => [o.name, []]));
    const p0 = await pg.counters(database.name);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const op = OPS[i % OPS.length]!;
      const s = performance.now();
      await op.run(db, user!);
      samples[op.name]!.push(performance.now() - s);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const p1 = await pg.counters(database.name);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const per = (x: number) => round(x / total, 3);
    const figures = {
      operations: total,
      wallMs: round(wall, 0),
      wallMsPerOp: per(wall),
      cpuMsPerOp: per(cpuMs),
      pgCpuMsPerOp: p0.cpuMs === null || p1.cpuMs === null ? null : per(p1.cpuMs - p0.cpuMs),
      statementsPerOp: p0.statements === null || p1.statements === null ? null : per(p1.statements - p0.statements),
      sqlExecMsPerOp: p0.execMs === null || p1.execMs === null ? null : per(p1.execMs - p0.execMs),
      byOperation: Object.fromEntries(OPS.map((o) => [o.name, summarise(samples[o.name]!)])),
    };
    process.stdout.write(
      `\nDatabase client: ${total} operations, one at a time (ms)\n` +
        table(
          ['operation', 'n', 'p50', 'p95', 'mean'],
          OPS.map((o) => {
            const s = figures.byOperation[o.name]!;
            return [o.name, s.count, s.p50, s.p95, s.mean];
          }),
        ) +
        `\nall ${total}: ${figures.wallMs} ms = ${figures.wallMsPerOp} ms each; client CPU ${figures.cpuMsPerOp} ms, PostgreSQL CPU ${figures.pgCpuMsPerOp ?? 'n/a'} ms, ` +
        `${figures.statementsPerOp ?? 'n/a'} statements and ${figures.sqlExecMsPerOp ?? 'n/a'} ms SQL execution per operation\n`,
    );
    return { part: 'client', seconds: round((Date.now() - started) / 1000, 1), figures, targets: [] };
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}

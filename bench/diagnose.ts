import './lib/env';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../prisma/generated/client';
import { startBot } from '../bot/app';
import { loadConfig } from '../services/config';
import { startConnectorStub } from '../test/stubs/connector';
import { runLoad, type TurnKind } from './lib/load';
import { populateDemo } from './lib/population';
import { startBenchPostgres } from './lib/postgres';
import { summarise, table } from './lib/stats';

/**
 * Where a turn's time goes: one simulated user at a time (no concurrency), the bot in this
 * process with Prisma's query events counted per turn kind. `npm run bench:diagnose`.
 */
async function main(): Promise<void> {
  const pg = await startBenchPostgres();
  const database = await pg.database('bench_diagnose');
  const users = await populateDemo(database.db, 1);
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: database.url, max: 10 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  let queries = 0;
  let queryMs = 0;
  const samples: string[] = [];
  db.$on('query', (e) => {
    queries++;
    queryMs += e.duration;
    if (samples.length < 400) samples.push(`${e.duration}ms ${e.query.slice(0, 160)}`);
  });
  const stub = await startConnectorStub();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-diag-'));
  const bot = await startBot({
    config: loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SCHEDULER_INTERVAL_SECONDS: '3600',
      LOG_LEVEL: 'silent',
    }),
    db,
  });
  const refreshVersion = async (u: { claimId: string }) =>
    (await database.db.claim.findUniqueOrThrow({ where: { id: u.claimId }, select: { version: true } })).version;
  const rows: Array<Array<string | number>> = [];
  // Card actions first: every `claim <number>` message posts a card that later changes update in place.
  const order = (process.env.BENCH_DIAG_ORDER ?? 'metric.add,comment.add,claim.history,overview,detail,metric.add').split(
    ',',
  ) as TurnKind[];
  for (const kind of order) {
    await runLoad({ url: bot.url, serviceUrl: stub.url, users, maxTurns: 5, mix: { [kind]: 1 }, refreshVersion });
    queries = 0;
    queryMs = 0;
    samples.length = 0;
    const puts0 = stub.requests.filter((q) => q.method === 'PUT').length;
    const t0 = performance.now();
    const r = await runLoad({ url: bot.url, serviceUrl: stub.url, users, maxTurns: 30, mix: { [kind]: 1 }, refreshVersion });
    const wall = performance.now() - t0;
    const s = summarise(r.latencies[kind]);
    await new Promise((res) => setTimeout(res, 500));
    const puts = stub.requests.filter((q) => q.method === 'PUT').length - puts0;
    const cards = await database.db.claimCard.count();
    rows.push([kind, s.p50, s.p95, queries / r.turns, queryMs / r.turns, wall / r.turns, puts / r.turns, cards]);
    if (process.env.BENCH_DIAG_SQL === kind) process.stdout.write(samples.slice(0, queries / r.turns).join('\n') + '\n');
  }
  process.stdout.write(
    table(
      ['kind (1 user)', 'p50 ms', 'p95 ms', 'queries/turn', 'query ms/turn', 'wall ms/turn', 'card PUTs/turn', 'ClaimCard rows after'],
      rows,
    ) + '\n',
  );
  await bot.close();
  await stub.close();
  await db.$disconnect();
  await database.drop();
  await pg.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

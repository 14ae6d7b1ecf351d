import './lib/env';
import { startServerChild } from './lib/child';
import { runLoad, type Mix } from './lib/load';
import { populateDemo } from './lib/population';
import { type BenchPostgres } from './lib/postgres';
import { type PartResult } from './lib/report';
import { startConnectorSink } from './lib/sink';
import { round, table } from './lib/stats';

/**
 * Part 4 — memory. The bot (its own process, --expose-gc) takes 100,000 cheap turns; every 10,000
 * the load pauses, the server runs gc() twice and reports process.memoryUsage(). Target: RSS after
 * 100,000 turns within 20 % of RSS after 10,000.
 */
export type MemoryOptions = { users: number; turns: number; every: number; mix: Mix };

export const memoryDefaults = (): MemoryOptions => ({
  users: Number(process.env.BENCH_MEMORY_USERS ?? 16),
  turns: Number(process.env.BENCH_MEMORY_TURNS ?? 100_000),
  every: Number(process.env.BENCH_MEMORY_EVERY ?? 10_000),
  // Cheap but complete turns: user resolution, conversation reference, a card, the connector or an invoke answer.
  mix: { help: 70, overview: 15, 'claim.history': 15 },
});

const MB = 1024 * 1024;

export async function benchMemory(pg: BenchPostgres, o: MemoryOptions = memoryDefaults()): Promise<PartResult> {
  const started = Date.now();
  const database = await pg.database('bench_memory');
  const users = await populateDemo(database.db, o.users);
  const sink = await startConnectorSink();
  const server = await startServerChild(['coop', database.url], { execArgv: ['--expose-gc'] });
  const readings: Array<{ turns: number; rssMB: number; heapUsedMB: number; externalMB: number; seconds: number }> = [];
  const read = async (turns: number) => {
    const m = await server.memory();
    readings.push({
      turns,
      rssMB: round(m.rss / MB, 1),
      heapUsedMB: round(m.heapUsed / MB, 1),
      externalMB: round(m.external / MB, 1),
      seconds: round((Date.now() - started) / 1000, 0),
    });
    process.stdout.write(`  ${turns} turns: rss ${round(m.rss / MB, 1)} MB, heap ${round(m.heapUsed / MB, 1)} MB\n`);
  };
  process.stdout.write(`memory: ${o.turns} turns from ${o.users} users, reading every ${o.every}\n`);
  try {
    await read(0);
    const r = await runLoad({
      url: server.url,
      serviceUrl: sink.url,
      users,
      maxTurns: o.turns,
      mix: o.mix,
      progressEvery: o.every,
      onProgress: read,
    });
    if (readings[readings.length - 1]!.turns < r.turns) await read(r.turns);
    const at = (n: number) => readings.find((x) => x.turns >= n) ?? readings[readings.length - 1]!;
    const first = at(o.every);
    const last = readings[readings.length - 1]!;
    const growth = round((last.rssMB / first.rssMB - 1) * 100, 1);
    process.stdout.write(
      `\nMemory (server process after gc)\n` +
        table(
          ['turns', 'rss MB', 'heap used MB', 'external MB'],
          readings.map((x) => [x.turns, x.rssMB, x.heapUsedMB, x.externalMB]),
        ) +
        `\nRSS growth ${first.turns} → ${last.turns} turns: ${growth} %; ${round(r.turnsPerSecond)} turns/s, ${r.errors} errors\n`,
    );
    return {
      part: 'memory',
      seconds: round((Date.now() - started) / 1000, 1),
      figures: {
        options: o,
        readings,
        rssGrowthPercent: growth,
        turnsPerSecond: round(r.turnsPerSecond),
        errors: r.errors,
        errorSamples: r.errorSamples,
      },
      targets: [{ name: `RSS growth ${first.turns} → ${last.turns} turns`, target: '≤ 20 %', value: growth, unit: '%', met: growth <= 20 }],
    };
  } finally {
    await server.stop();
    await sink.close();
    await database.drop();
  }
}

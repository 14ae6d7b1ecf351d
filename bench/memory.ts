import './lib/env';
import { startServerChild } from './lib/child';
import { runLoad, type Mix } from './lib/load';
import { populateDemo } from './lib/population';
import { type BenchPostgres } from './lib/postgres';
import { type MemoryBreakdown } from './lib/proc';
import { type PartResult } from './lib/report';
import { startConnectorSink } from './lib/sink';
import { round, table } from './lib/stats';

/**
 * Part 4 — memory. The bot (its own process, --expose-gc) takes 100,000 cheap turns; every 10,000
 * the load pauses, the server runs gc() twice and reports process.memoryUsage() and where its resident
 * memory is (bench/lib/proc.ts: V8 heap, WebAssembly memory — Prisma's query compiler —, other native
 * memory, file-backed pages). Targets: RSS after 100,000 turns within 20 % of RSS after 10,000, and
 * the whole part in 10 minutes.
 */
export type MemoryOptions = { users: number; turns: number; every: number; mix: Mix; budgetSeconds: number };

export const memoryDefaults = (): MemoryOptions => ({
  users: Number(process.env.BENCH_MEMORY_USERS ?? 16),
  turns: Number(process.env.BENCH_MEMORY_TURNS ?? 100_000),
  every: Number(process.env.BENCH_MEMORY_EVERY ?? 10_000),
  // The whole part must end within 10 minutes: the load stops there even short of `turns` (and says so).
  budgetSeconds: Number(process.env.BENCH_MEMORY_BUDGET_SECONDS ?? 600),
  // Cheap but complete turns: user resolution, conversation reference, a card, the connector or an invoke answer.
  mix: { help: 70, overview: 15, 'claim.history': 15 },
});

type Reading = MemoryBreakdown & { turns: number; seconds: number };
const COLUMNS: Array<[keyof MemoryBreakdown, string]> = [
  ['rss', 'rss'],
  ['heapUsed', 'heap used'],
  ['v8HeapResident', 'V8 heap resident'],
  ['external', 'external'],
  ['arrayBuffers', 'arrayBuffers'],
  ['wasmMemoryResident', 'wasm memory'],
  ['wasmCodeResident', 'wasm code'],
  ['nativeResident', 'other native'],
  ['fileResident', 'file-backed'],
];

export async function benchMemory(pg: BenchPostgres, o: MemoryOptions = memoryDefaults()): Promise<PartResult> {
  const started = Date.now();
  const database = await pg.database('bench_memory');
  const users = await populateDemo(database.db, o.users);
  const sink = await startConnectorSink();
  const server = await startServerChild(['coop', database.url], { execArgv: ['--expose-gc'] });
  const readings: Reading[] = [];
  const read = async (turns: number) => {
    const m = await server.memory();
    readings.push({ turns, seconds: round((Date.now() - started) / 1000, 0), ...m });
    process.stdout.write(
      `  ${turns} turns (${readings[readings.length - 1]!.seconds} s): rss ${m.rss} MB, heap ${m.heapUsed} MB, wasm ${m.wasmMemoryResident ?? 'n/a'} + ${m.wasmCodeResident ?? 'n/a'} MB, other native ${m.nativeResident ?? 'n/a'} MB\n`,
    );
  };
  process.stdout.write(`memory: ${o.turns} turns from ${o.users} users, reading every ${o.every}, at most ${o.budgetSeconds} s\n`);
  try {
    await read(0);
    const r = await runLoad({
      url: server.url,
      serviceUrl: sink.url,
      users,
      maxTurns: o.turns,
      // What is left of the budget, less the time to stop the server and drop its database.
      seconds: Math.max(10, o.budgetSeconds - (Date.now() - started) / 1000 - 15),
      mix: o.mix,
      progressEvery: o.every,
      onProgress: read,
    });
    if (readings[readings.length - 1]!.turns < r.turns) await read(r.turns);
    const at = (n: number) => readings.find((x) => x.turns >= n) ?? readings[readings.length - 1]!;
    const first = at(o.every);
    const last = readings[readings.length - 1]!;
    const growth = round((last.rss / first.rss - 1) * 100, 1);
    const seconds = round((Date.now() - started) / 1000, 0);
    const projected = last.turns >= o.turns ? seconds : round(seconds - r.seconds + o.turns / r.turnsPerSecond, 0);
    const delta = (k: keyof MemoryBreakdown) => {
      const a = first[k];
      const b = last[k];
      return a === null || b === null ? 'n/a' : `${b - a >= 0 ? '+' : ''}${round(b - a, 1)} MB`;
    };
    process.stdout.write(
      `\nMemory (server process after gc; MB)\n` +
        table(
          ['turns', ...COLUMNS.map(([, h]) => h)],
          readings.map((x) => [x.turns, ...COLUMNS.map(([k]) => x[k] ?? 'n/a')]),
        ) +
        `\nRSS growth ${first.turns} → ${last.turns} turns: ${growth} % (${delta('rss')}: V8 heap ${delta('v8HeapResident')}, ` +
        `wasm ${delta('wasmMemoryResident')} + code ${delta('wasmCodeResident')}, other native ${delta('nativeResident')}, file-backed ${delta('fileResident')}); ` +
        `${round(r.turnsPerSecond)} turns/s, ${r.errors} errors, ${seconds} s\n` +
        `Beyond the V8 heap at ${last.turns} turns: wasm memory ${last.wasmMemoryResident ?? 'n/a'} MB and code ${last.wasmCodeResident ?? 'n/a'} MB, other native ${last.nativeResident ?? 'n/a'} MB ` +
        `(external ${last.external} MB of which arrayBuffers ${last.arrayBuffers} MB), file-backed ${last.fileResident ?? 'n/a'} MB\n`,
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
      targets: [
        {
          name: `memory: RSS growth ${first.turns} → ${last.turns} turns`,
          target: '≤ 20 %',
          goal: '≤ 5 %',
          value: growth,
          unit: '%',
          met: growth <= 20 && last.turns >= o.turns,
          note:
            `${first.rss} → ${last.rss} MB; heap ${first.heapUsed} → ${last.heapUsed} MB` +
            (last.turns < o.turns ? `; only ${last.turns} of ${o.turns} turns within the budget` : ''),
        },
        {
          name: `memory bench: ${o.turns} turns`,
          target: '≤ 600 s',
          value: projected,
          unit: 's',
          met: last.turns >= o.turns && seconds <= 600,
          note:
            last.turns < o.turns
              ? `stopped at ${last.turns} turns after ${seconds} s; ${projected} s projected at ${round(r.turnsPerSecond)} turns/s`
              : undefined,
        },
      ],
    };
  } finally {
    await server.stop();
    await sink.close();
    await database.drop();
  }
}

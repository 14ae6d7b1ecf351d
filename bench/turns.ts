import './lib/env';
import { startConnectorStub } from '../test/stubs/connector';
import { startServerChild } from './lib/child';
import { INVOKE_KINDS, runLoad, TURN_KINDS, type LoadResult, type TurnKind } from './lib/load';
import { populateDemo } from './lib/population';
import { type BenchPostgres } from './lib/postgres';
import { type PartResult } from './lib/report';
import { median, round, summarise, table, type LatencySummary } from './lib/stats';

/**
 * Part 1 — turns over HTTP. Our bot (real server, embedded PostgreSQL with the demo data) and a bare
 * echo bot, each in its own process, take the same closed-loop load in alternating rounds; figures
 * are medians over the rounds and ratios to the echo bot of the same run.
 */
export type TurnsOptions = { users: number; seconds: number; rounds: number; warmupSeconds: number };

export const turnsDefaults = (): TurnsOptions => ({
  users: Number(process.env.BENCH_USERS ?? 32),
  seconds: Number(process.env.BENCH_TURNS_SECONDS ?? 20),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 5),
});

type RoundFigures = {
  turnsPerSecond: number;
  turns: number;
  errors: number;
  invokes: LatencySummary;
  all: LatencySummary;
  kinds: Record<TurnKind, LatencySummary>;
};

function figuresOf(r: LoadResult): RoundFigures {
  return {
    turnsPerSecond: round(r.turnsPerSecond),
    turns: r.turns,
    errors: r.errors,
    invokes: summarise(INVOKE_KINDS.flatMap((k) => r.latencies[k])),
    all: summarise(TURN_KINDS.flatMap((k) => r.latencies[k])),
    kinds: Object.fromEntries(TURN_KINDS.map((k) => [k, summarise(r.latencies[k])])) as Record<TurnKind, LatencySummary>,
  };
}

/** Median over rounds of every figure (each percentile separately). */
function medianOf(rounds: RoundFigures[]): RoundFigures {
  const m = (f: (r: RoundFigures) => number) => round(median(rounds.map(f)));
  const s = (f: (r: RoundFigures) => LatencySummary): LatencySummary => ({
    count: rounds.reduce((a, r) => a + f(r).count, 0),
    p50: m((r) => f(r).p50),
    p95: m((r) => f(r).p95),
    p99: m((r) => f(r).p99),
    max: Math.max(...rounds.map((r) => f(r).max)),
    mean: m((r) => f(r).mean),
  });
  return {
    turnsPerSecond: m((r) => r.turnsPerSecond),
    turns: rounds.reduce((a, r) => a + r.turns, 0),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    invokes: s((r) => r.invokes),
    all: s((r) => r.all),
    kinds: Object.fromEntries(TURN_KINDS.map((k) => [k, s((r) => r.kinds[k])])) as Record<TurnKind, LatencySummary>,
  };
}

export async function benchTurns(pg: BenchPostgres, o: TurnsOptions = turnsDefaults()): Promise<PartResult> {
  const started = Date.now();
  const database = await pg.database('bench_turns');
  const users = await populateDemo(database.db, o.users);
  const stub = await startConnectorStub();
  const coop = await startServerChild(['coop', database.url]);
  const echo = await startServerChild(['echo']);
  const refreshVersion = async (u: { claimId: string }) =>
    (await database.db.claim.findUniqueOrThrow({ where: { id: u.claimId }, select: { version: true } })).version;
  const load = (url: string, seconds: number, seed: number, withVersions: boolean) =>
    runLoad({ url, serviceUrl: stub.url, users, seconds, seed, refreshVersion: withVersions ? refreshVersion : undefined });
  const errorSamples: string[] = [];
  let stale = 0;
  try {
    process.stdout.write(`turns: ${o.users} users, warm-up ${o.warmupSeconds}s each, ${o.rounds} rounds × ${o.seconds}s per bot\n`);
    await load(echo.url, o.warmupSeconds, 99, false);
    await load(coop.url, o.warmupSeconds, 99, true);
    const ours: RoundFigures[] = [];
    const base: RoundFigures[] = [];
    for (let r = 1; r <= o.rounds; r++) {
      // Alternate who goes first, so a drift in the machine's speed does not favour one bot.
      const order = r % 2 ? (['echo', 'coop'] as const) : (['coop', 'echo'] as const);
      for (const who of order) {
        const res = await load(who === 'echo' ? echo.url : coop.url, o.seconds, r, who === 'coop');
        (who === 'echo' ? base : ours).push(figuresOf(res));
        if (who === 'coop') {
          stale += res.staleVersions;
          errorSamples.push(...res.errorSamples);
        }
        process.stdout.write(`  round ${r} ${who}: ${round(res.turnsPerSecond)} turns/s, ${res.turns} turns, ${res.errors} errors\n`);
      }
    }
    const our = medianOf(ours);
    const echoFig = medianOf(base);
    const invokeEcho = echoFig.invokes;
    const ratio = (a: number, b: number) => round(a / b, 2);
    const rows: Array<Array<string | number>> = TURN_KINDS.map((k) => {
      const e = echoFig.kinds[k];
      const c = our.kinds[k];
      return [k, c.count, c.p50, c.p95, c.p99, e.p50, e.p99, ratio(c.p50, e.p50), ratio(c.p99, e.p99)];
    });
    rows.push([
      'all invokes',
      our.invokes.count,
      our.invokes.p50,
      our.invokes.p95,
      our.invokes.p99,
      invokeEcho.p50,
      invokeEcho.p99,
      ratio(our.invokes.p50, invokeEcho.p50),
      ratio(our.invokes.p99, invokeEcho.p99),
    ]);
    rows.push([
      'all turns',
      our.all.count,
      our.all.p50,
      our.all.p95,
      our.all.p99,
      echoFig.all.p50,
      echoFig.all.p99,
      ratio(our.all.p50, echoFig.all.p50),
      ratio(our.all.p99, echoFig.all.p99),
    ]);
    const throughputRatio = ratio(our.turnsPerSecond, echoFig.turnsPerSecond);
    process.stdout.write(
      `\nTurns over HTTP (${o.users} concurrent users; median of ${o.rounds} rounds; ms)\n` +
        table(['kind', 'n', 'p50', 'p95', 'p99', 'echo p50', 'echo p99', 'p50 ×echo', 'p99 ×echo'], rows) +
        `\nthroughput: ours ${our.turnsPerSecond} turns/s, echo ${echoFig.turnsPerSecond} turns/s → ${Math.round(throughputRatio * 100)} % of echo` +
        `\nerrors: ours ${our.errors}, echo ${echoFig.errors}; stale versions ${stale}\n`,
    );
    const targets = [
      { name: 'card-action invoke p99', target: '< 50 ms', value: our.invokes.p99, unit: 'ms', met: our.invokes.p99 < 50 },
      {
        name: 'throughput vs echo bot',
        target: '≥ 50 %',
        value: Math.round(throughputRatio * 100),
        unit: '%',
        met: throughputRatio >= 0.5,
      },
    ];
    return {
      part: 'turns',
      seconds: round((Date.now() - started) / 1000, 1),
      figures: {
        options: o,
        ours: our,
        echo: echoFig,
        throughputRatio,
        rounds: { ours, echo: base },
        staleVersions: stale,
        errorSamples: errorSamples.slice(0, 5),
      },
      targets,
    };
  } finally {
    await coop.stop();
    await echo.stop();
    await stub.close();
    await database.drop();
  }
}

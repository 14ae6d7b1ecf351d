import './lib/env';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { projectRoot } from '../services/paths';
import { PATTI } from '../test/helpers/activities';
import { startConnectorStub } from '../test/stubs/connector';
import { startServerChild, type ServerChild } from './lib/child';
import { build, post, VERSION_RE, type TurnKind } from './lib/load';
import { populateDemo, populateSubmittable, type SimUser } from './lib/population';
import { type BenchPostgres, type ServerCounters } from './lib/postgres';
import { type PartResult, type Target } from './lib/report';
import { round, summarise, table } from './lib/stats';

/**
 * Where a single turn goes: one user, one turn at a time (a person clicks, waits and reads: each turn
 * starts when the previous one and its background work are over), the bot in its own process as
 * `npm start` runs it. Per turn kind: latency, SQL statements PostgreSQL executed (pg_stat_statements,
 * BEGIN/COMMIT included) during the turn and until the bot is quiet again (card updates in place run
 * after the answer), CPU of the bot and of PostgreSQL, card updates sent and notifications queued.
 * Every statement of every kind, with its calls per turn, goes to bench/results/latest-statements.txt.
 *
 * The outbox worker polls once an hour here, so its idle polling is not counted against turns; the
 * notifications a turn queues are counted instead (delivering one is measured by the outbox part).
 *
 * `npm run bench:diagnose` runs only this part; BENCH_DIAG_SQL=<kind> (or `all`) also prints the
 * statements; BENCH_DIAG_ORDER=<kind,kind…> chooses the kinds; BENCH_DIAG_TURNS (30) turns each.
 */

type Case = { label: string; kind: TurnKind; as?: 'reviewer'; lifecycle?: boolean };

/** Cards and forms first; `detail` posts cards that the later card actions update in place. */
const DEFAULT_ORDER = [
  'metric.add',
  'comment.add',
  'claim.history',
  'overview',
  'detail',
  'metric.add',
  'comment.add',
  'claim.open',
  'claim.refresh',
  'overview.open',
  'comment.form',
  'doc.add.form',
  'claim.edit.form',
  'help',
  'reviews.open',
  'claim.submit',
  'review.start',
  'review.approve',
];
const REVIEWER_KINDS: TurnKind[] = ['reviews.open', 'review.start', 'review.approve'];
const LIFECYCLE_KINDS: TurnKind[] = ['claim.submit', 'review.start', 'review.approve'];

/** The single-user targets: p50 ms and statements per turn (detail = `claim <number>`, history = claim.history). */
const TARGETS: Partial<Record<TurnKind, { p50: number; statements: number }>> = {
  'metric.add': { p50: 15, statements: 8 },
  'comment.add': { p50: 15, statements: 8 },
  detail: { p50: 10, statements: 5 },
  'claim.history': { p50: 8, statements: 3 },
  overview: { p50: 8, statements: 3 },
};

export type DiagnoseOptions = { turns: number; warmup: number; order: TurnKind[] };
export const diagnoseDefaults = (): DiagnoseOptions => ({
  turns: Number(process.env.BENCH_DIAG_TURNS ?? 30),
  warmup: 5,
  order: (process.env.BENCH_DIAG_ORDER?.split(',') ?? DEFAULT_ORDER) as TurnKind[],
});

type StatementRow = { queryid: string; query: string; calls: number; ms: number };
type KindFigures = {
  label: string;
  kind: TurnKind;
  turns: number;
  errors: number;
  p50: number;
  p95: number;
  /** Statements PostgreSQL executed while the turn was answered, and in all until the bot was quiet. */
  statementsInTurn: number;
  statements: number;
  sqlExecMs: number;
  botCpuMs: number;
  pgCpuMs: number | null;
  cardUpdates: number;
  notificationsQueued: number;
  claimCards: number;
  statementList: Array<{ callsPerTurn: number; meanMs: number; query: string }>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchDiagnose(pg: BenchPostgres, o: DiagnoseOptions = diagnoseDefaults()): Promise<PartResult> {
  const started = Date.now();
  const database = await pg.database('bench_diagnose');
  const [user] = await populateDemo(database.db, 1);
  const lifecycleNeeded = o.order.filter((k) => LIFECYCLE_KINDS.includes(k)).length > 0;
  const pool = lifecycleNeeded ? await populateSubmittable(database.db, user!, o.turns + o.warmup) : [];
  const reviewer = { aadObjectId: PATTI.aadObjectId, name: PATTI.name };
  const stub = await startConnectorStub();
  const coop = await startServerChild(['coop', database.url, JSON.stringify({ OUTBOX_POLL_MS: '3600000' })]);
  const echo = await startServerChild(['echo']);
  // Counts outside the measured windows (their statements are not a turn's).
  const side = new Client({ connectionString: database.url });
  await side.connect();
  const count = async (table: string) => Number((await side.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const results: KindFigures[] = [];
  const echoP50: Record<string, number> = {};
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const stubUrl = stub.url;

  /** Waits until PostgreSQL has executed nothing more in this database for 90 ms (background card updates done). */
  const settle = async (): Promise<ServerCounters> => {
    let last = await pg.counters(database.name);
    let still = 0;
    for (const until = Date.now() + 3000; Date.now() < until && still < 3;) {
      await sleep(30);
      const now = await pg.counters(database.name);
      still = now.statements === last.statements ? still + 1 : 0;
      last = now;
    }
    return last;
  };

  /** One turn of `kind` by `u`; returns its latency and keeps the claim version the answer shows. */
  const turn = async (server: ServerChild, kind: TurnKind, u: SimUser): Promise<number | null> => {
    const body = JSON.stringify(build(kind, u, stubUrl, rnd));
    const t0 = performance.now();
    const res = await post(agent, new URL(server.url), body);
    const ms = performance.now() - t0;
    if (res.status < 200 || res.status >= 300) return null;
    const v = VERSION_RE.exec(res.text);
    if (v && Number(v[1]) > u.version) u.version = Number(v[1]);
    return ms;
  };

  try {
    process.stdout.write(`diagnose: one user, ${o.turns} turns per kind, each turn alone (after the previous one's background work)\n`);
    // The echo bot's single-user latency, for the "within 3× the echo bot" goal.
    for (const kind of ['overview', 'metric.add'] as const) {
      const samples: number[] = [];
      for (let i = 0; i < o.turns + o.warmup; i++) {
        const ms = await turn(echo, kind, { ...user! });
        if (ms !== null && i >= o.warmup) samples.push(ms);
      }
      echoP50[kind === 'overview' ? 'message' : 'invoke'] = summarise(samples).p50;
    }
    const seen = new Map<TurnKind, number>();
    for (const kind of o.order) {
      const n = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, n);
      const c: Case = {
        label: n > 1 ? `${kind} (again)` : kind,
        kind,
        as: REVIEWER_KINDS.includes(kind) ? 'reviewer' : undefined,
        lifecycle: LIFECYCLE_KINDS.includes(kind),
      };
      /** The acting user on the claim this turn works on (their own draft, or the pool claim `i` for lifecycle kinds). */
      const actorOf = (i: number): SimUser => {
        const who = c.as === 'reviewer' ? reviewer : user!;
        if (c.lifecycle) return { ...pool[i]!, aadObjectId: who.aadObjectId, name: who.name };
        return c.as === 'reviewer' ? { ...user!, aadObjectId: who.aadObjectId, name: who.name } : user!;
      };
      const sendAs = async (i: number) => {
        const u = actorOf(i);
        const ms = await turn(coop, kind, u);
        if (c.lifecycle) pool[i]!.version = u.version;
        return ms;
      };
      // Warm-up (lifecycle kinds use the last claims of the pool, measured turns the first ones).
      for (let i = 0; i < o.warmup; i++) {
        await sendAs(c.lifecycle ? o.turns + i : i);
        await settle();
      }
      const putsBefore = stub.requests.filter((q) => q.method === 'PUT').length;
      const outboxBefore = await count('OutboxMessage');
      const before = await statementSnapshot(pg, database.name);
      const latencies: number[] = [];
      let errors = 0;
      let inTurn = 0;
      let total = 0;
      let execMs = 0;
      let pgCpu: number | null = 0;
      let botCpu = 0;
      for (let i = 0; i < o.turns; i++) {
        const cpu0 = await coop.cpuMs();
        const p0 = await pg.counters(database.name);
        const ms = await sendAs(i);
        const p1 = await pg.counters(database.name);
        const p2 = await settle();
        botCpu += (await coop.cpuMs()) - cpu0;
        if (ms === null) errors++;
        else latencies.push(ms);
        inTurn += p1.statements! - p0.statements!;
        total += p2.statements! - p0.statements!;
        execMs += p2.execMs! - p0.execMs!;
        pgCpu = pgCpu === null || p2.cpuMs === null || p0.cpuMs === null ? null : pgCpu + p2.cpuMs - p0.cpuMs;
      }
      const after = await statementSnapshot(pg, database.name);
      const s = summarise(latencies);
      const turns = o.turns;
      results.push({
        label: c.label,
        kind,
        turns,
        errors,
        p50: s.p50,
        p95: s.p95,
        statementsInTurn: round(inTurn / turns, 1),
        statements: round(total / turns, 1),
        sqlExecMs: round(execMs / turns, 2),
        botCpuMs: round(botCpu / turns, 2),
        pgCpuMs: pgCpu === null ? null : round(pgCpu / turns, 2),
        cardUpdates: round((stub.requests.filter((q) => q.method === 'PUT').length - putsBefore) / turns, 1),
        notificationsQueued: round(((await count('OutboxMessage')) - outboxBefore) / turns, 1),
        claimCards: await count('ClaimCard'),
        statementList: diff(before, after, turns),
      });
      const r = results[results.length - 1]!;
      process.stdout.write(`  ${r.label}: p50 ${r.p50} ms, ${r.statements} statements (${r.statementsInTurn} before the answer)\n`);
    }
  } finally {
    agent.destroy();
    await side.end();
    await coop.stop();
    await echo.stop();
    await stub.close();
    await database.drop();
  }

  const statementsText = results
    .map(
      (r) =>
        `==== ${r.label}: ${r.statements} statements per turn (${r.statementsInTurn} before the answer), ${r.sqlExecMs} ms in PostgreSQL ====\n` +
        r.statementList.map((x) => `${String(x.callsPerTurn).padStart(5)} × ${x.meanMs.toFixed(3).padStart(7)} ms  ${x.query}`).join('\n'),
    )
    .join('\n\n');
  const file = path.join(projectRoot, 'bench', 'results', 'latest-statements.txt');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, statementsText + '\n');
  const wanted = process.env.BENCH_DIAG_SQL;
  if (wanted) {
    process.stdout.write(
      '\n' +
        statementsText
          .split('\n\n')
          .filter((b) => wanted === 'all' || b.startsWith(`==== ${wanted}:`) || b.startsWith(`==== ${wanted} (`))
          .join('\n\n') +
        '\n',
    );
  }
  process.stdout.write(
    `\nSingle user, one turn at a time (${o.turns} turns per kind; echo bot p50: message ${echoP50.message} ms, invoke ${echoP50.invoke} ms)\n` +
      table(
        [
          'kind',
          'p50 ms',
          'p95 ms',
          'statements',
          'before answer',
          'SQL ms',
          'bot CPU ms',
          'PG CPU ms',
          'card PUTs',
          'notifications',
          'ClaimCard rows',
        ],
        results.map((r) => [
          r.label + (r.errors ? ` (${r.errors} errors)` : ''),
          r.p50,
          r.p95,
          r.statements,
          r.statementsInTurn,
          r.sqlExecMs,
          r.botCpuMs,
          r.pgCpuMs ?? 'n/a',
          r.cardUpdates,
          r.notificationsQueued,
          r.claimCards,
        ]),
      ) +
      `\nstatements of every kind: ${path.relative(projectRoot, file)}\n`,
  );

  const targets: Target[] = [];
  const first = (k: TurnKind) => results.find((r) => r.kind === k);
  const label = (k: TurnKind) => (k === 'detail' ? 'detail' : k === 'claim.history' ? 'history' : k);
  for (const [k, t] of Object.entries(TARGETS) as Array<[TurnKind, { p50: number; statements: number }]>) {
    const r = first(k);
    if (!r) continue;
    const echo = k === 'overview' || k === 'detail' ? echoP50.message! : echoP50.invoke!;
    targets.push({
      name: `single user p50: ${label(k)}`,
      target: `≤ ${t.p50} ms`,
      goal: `≤ ${round(3 * echo, 1)} ms (3× echo)`,
      value: r.p50,
      unit: 'ms',
      met: r.p50 <= t.p50,
    });
  }
  for (const [k, t] of Object.entries(TARGETS) as Array<[TurnKind, { p50: number; statements: number }]>) {
    const r = first(k);
    if (!r) continue;
    targets.push({
      name: `SQL statements per turn: ${label(k)}`,
      target: `≤ ${t.statements}`,
      value: r.statements,
      unit: '',
      met: r.statements <= t.statements,
      note: `${r.statementsInTurn} before the answer`,
    });
  }
  return {
    part: 'diagnose',
    seconds: round((Date.now() - started) / 1000, 1),
    figures: {
      options: o,
      echoP50,
      kinds: results.map(({ statementList, ...rest }) => ({ ...rest, statementKinds: statementList.length })),
    },
    targets,
  };
}

async function statementSnapshot(pg: BenchPostgres, database: string): Promise<Map<string, StatementRow>> {
  const rows = await pg.statements(database);
  return new Map(rows.map((r) => [r.queryid, r]));
}

function diff(before: Map<string, StatementRow>, after: Map<string, StatementRow>, turns: number) {
  const out: Array<{ callsPerTurn: number; meanMs: number; query: string }> = [];
  for (const [id, a] of after) {
    const b = before.get(id);
    const calls = a.calls - (b?.calls ?? 0);
    if (calls <= 0) continue;
    out.push({
      callsPerTurn: round(calls / turns, 2),
      meanMs: (a.ms - (b?.ms ?? 0)) / calls,
      query: a.query.replace(/\s+/g, ' ').slice(0, 400),
    });
  }
  return out.sort((x, y) => y.callsPerTurn - x.callsPerTurn);
}

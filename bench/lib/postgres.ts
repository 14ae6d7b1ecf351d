import { Client } from 'pg';
import { createDb, type Db } from '../../services/db/client';
import { startEmbeddedPostgres, tempDatabaseDir } from '../../services/db/embedded';
import { migrate } from '../../services/db/migrate';
import fs from 'node:fs';
import path from 'node:path';
import { postmasterOf, processTreeCpuMs } from './proc';

/**
 * One embedded PostgreSQL server for a benchmark run (default settings: fsync on, as in
 * production, plus pg_stat_statements), with a separate database per part. BENCH_DATABASE_URL uses
 * an external server (statement counts need pg_stat_statements preloaded there; CPU needs it local).
 */
export type BenchPostgres = {
  adminUrl: string;
  version: string;
  database: (name: string) => Promise<{ name: string; url: string; db: Db; drop: () => Promise<void> }>;
  /** Cumulative counters of the server; subtract two readings. */
  counters: (database: string) => Promise<ServerCounters>;
  /** Every statement pg_stat_statements knows in `database`, with its cumulative calls and execution ms (empty without it). */
  statements: (database: string) => Promise<Array<{ queryid: string; query: string; calls: number; ms: number }>>;
  stop: () => Promise<void>;
};

export type ServerCounters = {
  /** CPU ms of the postmaster and every backend (all databases), from /proc; null when the server is not local. */
  cpuMs: number | null;
  /** Statements executed in `database` (BEGIN/COMMIT included), from pg_stat_statements; null without it. */
  statements: number | null;
  /** Their summed execution time inside PostgreSQL (ms). */
  execMs: number | null;
};

export async function startBenchPostgres(): Promise<BenchPostgres> {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dir = tempDatabaseDir('coop-bench-');
    const pg = await startEmbeddedPostgres(dir, {
      persistent: false,
      postgresFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.max=10000'],
    });
    adminUrl = pg.url;
    stop = async () => {
      await pg.stop();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    };
  }
  // One connection kept for the readings; its backend's parent is the postmaster.
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const backend = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const postmaster = postmasterOf(backend);
  const withStatements = await admin
    .query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    .then(() => admin.query('SELECT 1 FROM pg_stat_statements LIMIT 1'))
    .then(
      () => true,
      () => false,
    );
  const url = (name: string) => {
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return {
    adminUrl,
    version,
    database: async (name) => {
      const a = new Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.query(`CREATE DATABASE "${name}"`);
      await a.end();
      await migrate(url(name));
      const db = createDb(url(name));
      return {
        name,
        url: url(name),
        db,
        drop: async () => {
          await db.$disconnect();
          const b = new Client({ connectionString: adminUrl });
          await b.connect();
          await b.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await b.end();
        },
      };
    },
    counters: async (name) => {
      const cpuMs = postmaster ? processTreeCpuMs(postmaster) : null;
      if (!withStatements) return { cpuMs, statements: null, execMs: null };
      const r = await admin.query<{ calls: string | null; ms: number | null }>(
        `SELECT sum(s.calls) AS calls, sum(s.total_exec_time) AS ms
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
        [name],
      );
      return { cpuMs, statements: Number(r.rows[0]?.calls ?? 0), execMs: Number(r.rows[0]?.ms ?? 0) };
    },
    statements: async (name) => {
      if (!withStatements) return [];
      const r = await admin.query<{ queryid: string; query: string; calls: string; ms: number }>(
        `SELECT s.queryid::text AS queryid, s.query, s.calls, s.total_exec_time AS ms
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
        [name],
      );
      return r.rows.map((x) => ({ queryid: x.queryid, query: x.query, calls: Number(x.calls), ms: Number(x.ms) }));
    },
    stop: async () => {
      await admin.end();
      await stop();
    },
  };
}

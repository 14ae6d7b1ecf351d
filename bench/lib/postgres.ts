import { Client } from 'pg';
import { createDb, type Db } from '../../services/db/client';
import { startEmbeddedPostgres, tempDatabaseDir } from '../../services/db/embedded';
import { migrate } from '../../services/db/migrate';
import fs from 'node:fs';
import path from 'node:path';

/**
 * One embedded PostgreSQL server for a benchmark run (default settings: fsync on, as in
 * production), with a separate database per part. BENCH_DATABASE_URL uses an external server.
 */
export type BenchPostgres = {
  adminUrl: string;
  version: string;
  database: (name: string) => Promise<{ url: string; db: Db; drop: () => Promise<void> }>;
  stop: () => Promise<void>;
};

export async function startBenchPostgres(): Promise<BenchPostgres> {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dir = tempDatabaseDir('coop-bench-');
    const pg = await startEmbeddedPostgres(dir, { persistent: false });
    adminUrl = pg.url;
    stop = async () => {
      await pg.stop();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    };
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  await admin.end();
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
    stop,
  };
}

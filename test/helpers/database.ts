import crypto from 'node:crypto';
import { Client } from 'pg';
import { applyReferenceData } from '../../services/catalogue/apply';
import { createDb, type Db } from '../../services/db/client';
import { migrate } from '../../services/db/migrate';

export type TestDatabase = { db: Db; url: string; name: string; drop: () => Promise<void> };

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_DATABASE_URL;
  if (!url) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run tests through jest (globalSetup starts PostgreSQL)');
  return url;
}

export function databaseUrl(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A new migrated database on the test server with the reference data every deployment has (as
 * `openDatabase` at start): no organisation yet. Call `drop` in afterAll.
 */
export async function freshDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = databaseUrl(name);
  if (opts.migrate !== false) await migrate(url);
  const db = createDb(url);
  if (opts.migrate !== false) await applyReferenceData(db, new Date());
  return {
    db,
    url,
    name,
    drop: async () => {
      await db.$disconnect();
      const a = new Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { StartupError } from '../startupError';
import { DB_CONNECT_TIMEOUT_MS } from './client';
import { log } from '../log';
import { projectRoot } from '../paths';

/** Prisma's own lock id, so `prisma migrate` commands and this runner never interleave. */
const PRISMA_ADVISORY_LOCK = 72707369;
export const MIGRATIONS_DIR = path.join(projectRoot, 'prisma', 'migrations');

export type Migration = { name: string; sql: string; checksum: string };

export class MigrationChecksumError extends Error {}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations in name order, each in its own transaction, recorded in Prisma's
 * `_prisma_migrations` table (so `prisma migrate status` agrees). Replicas starting together
 * serialise on the advisory lock; a migration changed after it was applied is refused.
 * Returns the names applied by this call.
 */
/** host:port of a connection string, never its password. */
function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS });
  await client.connect().catch((e: unknown) => {
    // pg says "Connection terminated due to connection timeout", with no code: name the server and the limit.
    if (e instanceof Error && /timeout/i.test(e.message) && !(e as { code?: unknown }).code)
      throw new StartupError(
        `The database server at ${safeHost(databaseUrl)} accepted the connection but did not answer within ${DB_CONNECT_TIMEOUT_MS / 1000} s.`,
        'Check that DATABASE_URL points at PostgreSQL (host, port, TLS) and that the server is not overloaded or paused; unset DATABASE_URL to use the embedded one.',
        { cause: e },
      );
    throw e;
  });
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const byName = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const m of migrations) {
      const prior = byName.get(m.name);
      if (prior !== undefined) {
        if (prior !== m.checksum) {
          throw new MigrationChecksumError(
            `Migration ${m.name} was changed after it was applied to this database (checksum ${prior.slice(0, 12)}… ≠ ${m.checksum.slice(0, 12)}…). ` +
              `Never edit an applied migration: restore it and add a new one.`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), m.checksum, m.name],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.name);
      log.info({ migration: m.name }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

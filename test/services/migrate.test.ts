import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../services/db/migrate';
import { freshDatabase, type TestDatabase } from '../helpers/database';

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase({ migrate: false });
  });
  afterAll(() => t.drop());

  it('applies each migration once when several replicas start together', async () => {
    const results = await Promise.all([migrate(t.url), migrate(t.url), migrate(t.url)]);
    const all = results.flat();
    const names = readMigrations().map((m) => m.name);
    expect(all.sort()).toEqual([...names].sort());
    const c = new Client({ connectionString: t.url });
    await c.connect();
    const rows = await c.query('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name');
    await c.end();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    expect(await migrate(t.url)).toEqual([]);
  });

  it('refuses a migration that was changed after it was applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const first = readMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first.name, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(t.url, dir)).rejects.toThrow(/was changed after it was applied/);
  });
});

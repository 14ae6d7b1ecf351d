// One real PostgreSQL for the whole run: the embedded server under the OS temp dir (CI's clone may sit
// under a mode-700 folder the postgres user cannot enter), or the external one named by DATABASE_URL.
// Each test file then creates its own database on it (test/helpers/database.ts).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  // The same loader as the app: it copies the binaries somewhere the postgres user can run them when needed.
  const { loadEmbeddedPostgres, freePort } = require('../../services/db/embedded');
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-test-'));
  fs.chmodSync(base, 0o755);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(base, 'pg'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ['-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  await pg.initialise();
  await pg.start();
  globalThis.__COOP_PG__ = { pg, base };
  process.env.TEST_ADMIN_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
};

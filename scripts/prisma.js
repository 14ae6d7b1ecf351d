#!/usr/bin/env node
// Runs the Prisma CLI offline: Prisma 7 for `generate`, the pinned 6.19 CLI for `migrate diff`
// (--migrate-cli). The 6.19 CLI resolves the datasource url it is given even though the diff goes
// through the pg adapter, so a placeholder is supplied when DATABASE_URL is unset.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
env.DATABASE_URL ??= 'postgresql://placeholder@127.0.0.1:1/placeholder';
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
// Prisma 7's CLI fetches its schema engine before `generate` although generate never runs it; the
// download fails offline. A path that exists satisfies the check (migrate goes through the 6.19 CLI).
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
// `node scripts/prisma.js --migrate-cli migrate diff …`: the pinned 6.19 CLI (see prisma/migrate.config.ts).
const migrateCli = process.argv[2] === '--migrate-cli';
const args = process.argv.slice(migrateCli ? 3 : 2);
const cli = path.join(__dirname, '..', 'node_modules', migrateCli ? 'prisma-migrate-cli' : 'prisma', 'build', 'index.js');
const r = spawnSync(
  process.execPath,
  [cli, ...args, ...(migrateCli ? ['--config', path.join(__dirname, '..', 'prisma', 'migrate.config.ts')] : [])],
  {
    stdio: 'inherit',
    env,
  },
);
process.exit(r.status ?? 1);

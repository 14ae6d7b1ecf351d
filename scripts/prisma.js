#!/usr/bin/env node
// Runs the Prisma CLI offline. The schema's datasource url must resolve even for `generate`, which
// never connects, so a placeholder is supplied when DATABASE_URL is unset.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
env.DATABASE_URL ??= 'postgresql://placeholder@127.0.0.1:1/placeholder';
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = path.join(__dirname, '..', 'node_modules', 'prisma', 'build', 'index.js');
const r = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(r.status ?? 1);

#!/usr/bin/env node
// `npm run build` / the first half of `npm start`: compiles bot/, cards/, services/ and prisma/ into dist/ —
// only when something changed. An unchanged tree costs one walk over the sources' mtimes (tens of ms) and no
// compiler; a changed one is compiled incrementally (tsc --incremental keeps dist/.tsbuildinfo), so only
// what changed is checked again. `--force` always compiles.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const buildInfo = path.join(dist, '.tsbuildinfo');
// What tsconfig.build.json compiles, and what decides how it compiles.
const SOURCE_DIRS = ['bot', 'cards', 'services', 'prisma'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'migrations' && entry.name !== 'node_modules') walk(p);
      } else if (/\.(ts|json)$/.test(entry.name)) {
        newest = Math.max(newest, fs.statSync(p).mtimeMs);
      }
    }
  };
  for (const d of SOURCE_DIRS) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  for (const f of CONFIG_FILES) if (fs.existsSync(path.join(root, f))) newest = Math.max(newest, fs.statSync(path.join(root, f)).mtimeMs);
  return newest;
}

/** True when dist/ was built after the newest source change. */
function upToDate() {
  return fs.existsSync(stamp) && fs.existsSync(path.join(dist, 'bot', 'main.js')) && fs.statSync(stamp).mtimeMs >= newestSourceMtime();
}

const lock = path.join(root, '.build-lock');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * One compiler at a time on this checkout (parallel test files, `npm start` while tests run): the others wait,
 * then find dist/ up to date. A lock older than ten minutes belongs to a process that died.
 */
function withLock(fn) {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function build({ force = false, quiet = false } = {}) {
  if (!force && upToDate()) return 0;
  return withLock(() => (!force && upToDate() ? 0 : compile(quiet)));
}

function compile(quiet) {
  const startedAt = Date.now();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', buildInfo], {
    cwd: root,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    return r.status ?? 1;
  }
  // The stamp carries the time the build started: a source saved during the build is compiled next time.
  fs.writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
  fs.utimesSync(stamp, new Date(startedAt), new Date(startedAt));
  if (!quiet) console.log(`built dist/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return 0;
}

module.exports = { build, upToDate };

if (require.main === module) process.exit(build({ force: process.argv.includes('--force') }));

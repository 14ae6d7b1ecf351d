#!/usr/bin/env node
// `npm test`: the TypeScript check (strict, tests and benchmarks included), ESLint and Prettier, the jest suites
// (services, bot over HTTP, cards, manifest), then the browser tests in the Agents Playground when
// Debian's Chromium is installed; says plainly when it skipped them.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const jest = path.join(__dirname, '..', 'node_modules', 'jest', 'bin', 'jest.js');
const extra = process.argv.slice(2);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveBrowser = fs.existsSync(chromium);

const run = (args, env = {}) =>
  spawnSync(process.execPath, [jest, ...args, ...extra], { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const root = path.join(__dirname, '..');
const step = (bin, args) =>
  spawnSync(process.execPath, [path.join(root, 'node_modules', ...bin), ...args], { stdio: 'inherit', cwd: root }).status ?? 1;
let status = step(['typescript', 'bin', 'tsc'], ['-p', 'tsconfig.json', '--noEmit']);
if (status !== 0) console.log('\nTypeScript check failed (npm run typecheck): fix the errors above.\n');
if (status === 0) {
  status = step(['eslint', 'bin', 'eslint.js'], ['.', '--max-warnings', '0']);
  if (status === 0) status = step(['prettier', 'bin', 'prettier.cjs'], ['--check', '--log-level', 'warn', '.']);
  if (status !== 0) console.log('\nLint failed (npm run lint; npm run format rewrites the layout): fix the errors above.\n');
}
if (status === 0) status = run(['--testPathIgnorePatterns', '/test/e2e/']);
if (status === 0) {
  if (haveBrowser) {
    status = run(['--runInBand', '--passWithNoTests', '--testPathPatterns', '/test/e2e/'], { CHROMIUM_PATH: chromium });
  } else {
    console.log(`\nSKIPPED the browser tests (test/e2e): no Chromium at ${chromium}. Install it with: apt-get install -y chromium\n`);
  }
}
process.exit(status);

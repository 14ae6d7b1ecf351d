#!/usr/bin/env node
// `npm run playground [-- --as "Patti Fernandez"] [--port 56150]`: the Microsoft 365 Agents Playground
// (a local Teams-like chat, offline) talking to the bot on http://127.0.0.1:${PORT||3978}/api/messages,
// signed in as a demo user (default Alex Wilber, the incentives user). Start the bot first (`npm start`).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { configYaml, findUser } = require('../playground/config');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const who = findUser(arg('as') || 'Alex Wilber');
const botPort = process.env.PORT || '3978';
const endpoint = `http://127.0.0.1:${botPort}/api/messages`;
const uiPort = arg('port') || '56150';

// The committed file is the Alex context; other users get a generated one (the playground cannot
// switch users while running).
let configPath = path.join(root, 'playground', '.m365agentsplayground.yml');
if (who.name !== 'Alex Wilber') {
  configPath = path.join(os.tmpdir(), `coop-playground-${who.id}.yml`);
  fs.writeFileSync(configPath, configYaml(who.name));
}
const logFile = process.env.M365_AGENTS_PLAYGROUND_LOGFILE || path.join(os.tmpdir(), 'coop-playground.log');

const child = spawn(process.execPath, [cli, '-e', endpoint, '-c', 'msteams', '--disable-telemetry', '-p', uiPort], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
  env: {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER || 'none',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
  },
});

child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  // It falls back to a random port when the asked one is taken, so report the one it says.
  const m = /Listening on (\d+)/.exec(String(chunk));
  if (m) {
    console.log(`\nAgents Playground: http://localhost:${m[1]}  (signed in as ${who.name}; bot endpoint ${endpoint})`);
    console.log(`Playground log: ${logFile}. Other users: npm run playground -- --as "Patti Fernandez". Ctrl-C to stop.`);
  }
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (child.exitCode === null) child.kill(sig);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

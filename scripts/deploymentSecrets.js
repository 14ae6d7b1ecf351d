#!/usr/bin/env node
// Agents Toolkit `script` step (m365agents.yml, m365agents.local.yml): for each name given, prints
// `::set-teamsfx-env NAME=<48 random bytes, base64url>` unless the environment already has a value — the
// Toolkit loads env/.env.<env>.user before running the step, so a secret is made once and kept there.
// Names must start with SECRET_ so the Toolkit writes them to the .user file (never committed) and masks them.
'use strict';
const crypto = require('node:crypto');

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !/^SECRET_[A-Z0-9_]+$/.test(n))) {
  console.error('usage: node scripts/deploymentSecrets.js SECRET_NAME [SECRET_NAME...]');
  process.exit(2);
}
for (const name of names) {
  if ((process.env[name] || '').trim()) continue;
  console.log(`::set-teamsfx-env ${name}=${crypto.randomBytes(48).toString('base64url')}`);
}

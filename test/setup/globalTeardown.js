'use strict';
const fs = require('node:fs');
module.exports = async function globalTeardown() {
  const h = globalThis.__COOP_PG__;
  if (!h) return;
  await h.pg.stop();
  fs.rmSync(h.base, { recursive: true, force: true });
};

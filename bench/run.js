#!/usr/bin/env node
'use strict';
// Runs every bench/*.bench.js (or those whose name contains argv[2]), each in its own process.
// `npm run bench` builds first. Benchmarks report ratios against a baseline measured in the same run.
const { readdirSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const filter = process.argv[2] ?? '';
const benches = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(2);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`);
  const r = spawnSync(process.execPath, [join(__dirname, bench)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

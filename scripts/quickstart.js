#!/usr/bin/env node
'use strict';
// `npm start`: the main job on the embedded defaults — no server, no network. Each step runs the
// real CLI, exactly as a user or a CI step would, and stops at the first unexpected exit code.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const mlctl = join(root, 'bin', 'mlctl');

function step(title, args, expectCode) {
  console.log(`\n▶ ${title}\n  $ mlctl ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [mlctl, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { LOG_LEVEL: 'warn', ...process.env },
  });
  if (r.status !== expectCode) {
    console.error(`\nquick start: expected exit code ${expectCode}, got ${r.status}; stopping here.`);
    process.exit(1);
  }
}

step(
  'Validate the shipped iris dataset against its schema',
  ['validate', 'data/processed/iris.csv', '--schema', 'data/processed/iris.schema.json'],
  0,
);
step(
  'Validate a broken copy: every problem located, exit code 3',
  ['validate', 'data/examples/broken-iris.csv', '--schema', 'data/processed/iris.schema.json'],
  3,
);
console.log(
  '\n✓ quick start done. Next: `npx mlctl validate --help`, and docs/DATA.md for the schema format.',
);

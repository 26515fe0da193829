'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

/** Runs `task` exported by `module` in a fresh node process; returns {seconds, maxRssMB, result}. */
function measure(module, task, args = {}) {
  const r = spawnSync(
    process.execPath,
    [join(__dirname, 'child-measure.js'), task, JSON.stringify({ ...args, module })],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`${task} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const quick = process.env.MLCTL_BENCH_QUICK === '1';

/** Trains the serve benchmarks' model (10 trees on data/processed/iris.csv) into `output`. */
function trainIrisModel(output) {
  const root = join(__dirname, '..');
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'bin', 'mlctl'),
      'train',
      '--data',
      join(root, 'data', 'processed', 'iris.csv'),
      '--n-estimators',
      '10',
      '--output',
      output,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`mlctl train failed (${r.status}): ${r.stderr}`);
  return output;
}

module.exports = { measure, quick, trainIrisModel };

'use strict';
// `mlctl train` against scikit-learn, measured in the same run. Numeric tables: RandomForestClassifier
// (n_estimators=100) — held-out accuracy on five datasets (3 splits each), fit time at 50k and 200k rows
// × 20 features as a ratio to n_jobs=-1, peak RSS, single-row prediction latency (targets: accuracy
// within 1 point, fit ratio ≤ 1, peak RSS at 200k ≤ 1 GB, predict ≤ 20 µs). Tables with text categories,
// empty cells and numeric targets (bench/train-tables.js): against scikit-learn's pipeline, SimpleImputer
// + OneHotEncoder + RandomForest (targets: accuracy within 1 point, R² within 0.01, fit ≤ 0.5× the
// pipeline's at 50k and 200k rows, peak RSS ≤ scikit-learn's), and native categorical splits against
// one-hot and ordinal encodings.
// MLCTL_BENCH_QUICK=1 shrinks the sizes for a smoke test; MLCTL_BENCH_PYTHON names a python with sklearn.
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join } = require('node:path');
const { measure, quick } = require('./measure');

const python = process.env.MLCTL_BENCH_PYTHON || 'python3';
const tasks = join(__dirname, 'train-tasks.js');
const helper = join(__dirname, 'sklearn_fit.py');

function hasSklearn() {
  const r = spawnSync(python, ['-c', 'import sklearn'], { encoding: 'utf8' });
  return r.status === 0;
}

const sklearnAvailable = hasSklearn();
// Data written without scikit-learn differs: keep it apart from the cached scikit-learn datasets.
const dir = join(
  __dirname,
  '..',
  '.bench',
  `train${quick ? '-quick' : ''}${sklearnAvailable ? '' : '-no-sklearn'}`,
);

function py(args) {
  const r = spawnSync(python, [helper, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${python} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Without scikit-learn: iris (ours split it) and a synthetic 20-feature set, written by this script. */
function prepareWithoutSklearn() {
  mkdirSync(dir, { recursive: true });
  const write = (name, header, rows) => {
    const base = join(dir, name);
    writeFileSync(`${base}.csv`, `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`);
    return base;
  };
  const iris = readFileSync(join(__dirname, '..', 'data', 'processed', 'iris.csv'), 'utf8')
    .trim()
    .split('\n');
  const header = iris[0].split(',');
  header[header.length - 1] = 'target';
  const rows = iris.slice(1).map((l) => l.split(','));
  const accuracy = [0, 1, 2].map((split) => {
    const test = rows.filter((_, i) => (i + split) % 5 === 0);
    const train = rows.filter((_, i) => (i + split) % 5 !== 0);
    return {
      dataset: 'iris',
      split,
      train: write(`iris_s${split}_train`, header, train),
      test: write(`iris_s${split}_test`, header, test),
    };
  });
  let seed = 1;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const synthetic = (n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = Array.from({ length: 20 }, () => rnd() * 3);
      const s = x[0] + x[1] * 0.7 - x[2] * 0.5 + rnd();
      out.push([...x.map((v) => v.toFixed(6)), s < -1 ? 0 : s < 1 ? 1 : 2]);
    }
    return out;
  };
  const names = [...Array.from({ length: 20 }, (_, f) => `f${f}`), 'target'];
  const timing = (quick ? [2000, 8000] : [50000, 200000]).map((n) => ({
    rows: n,
    train: write(`timing_${n}_train`, names, synthetic(n)),
    test: write(`timing_${n}_test`, names, synthetic(n / 4)),
  }));
  return { accuracy, timing };
}

const pct = (x) => (x * 100).toFixed(2);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function accuracyTable(manifest, sklearn) {
  const ours = measure(tasks, 'accuracy', { tasks: manifest.accuracy }).result;
  const datasets = [...new Set(manifest.accuracy.map((t) => t.dataset))];
  console.log('\nHeld-out accuracy, 100 trees, mean of 3 stratified splits (test 20 %):');
  console.log('| dataset | mlctl | scikit-learn | difference (points) |');
  console.log('|---|---:|---:|---:|');
  let worst = 0;
  for (const name of datasets) {
    const a = mean(ours.filter((r) => r.dataset === name).map((r) => r.accuracy));
    if (!sklearn) {
      console.log(`| ${name} | ${pct(a)} | — | — |`);
      continue;
    }
    const b = mean(sklearn.filter((r) => r.dataset === name).map((r) => r.accuracy));
    worst = Math.max(worst, (b - a) * 100);
    console.log(`| ${name} | ${pct(a)} | ${pct(b)} | ${((a - b) * 100).toFixed(2)} |`);
  }
  if (sklearn)
    console.log(
      `accuracy: worst shortfall ${worst.toFixed(2)} points (target ≤ 1) ${worst <= 1 ? 'OK' : 'MISSED'}`,
    );
}

function timingTable(manifest, sklearnAvailable) {
  console.log(
    `\nFit time, 100 trees × 20 features, ${availableParallelism()} cores (mlctl: threads = cores; sklearn: n_jobs=-1):`,
  );
  console.log(
    '| rows | mlctl fit s | sklearn fit s | ratio mlctl/sklearn | mlctl acc | sklearn acc | mlctl peak RSS MB | predict µs/row |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  const results = [];
  for (const t of manifest.timing) {
    const ours = measure(tasks, 'fit', { train: `${t.train}.csv`, test: `${t.test}.csv` });
    const sk = sklearnAvailable ? JSON.parse(py(['fit', t.train, t.test])) : undefined;
    const ratio = sk ? ours.result.fitSeconds / sk.fit_seconds : undefined;
    results.push({ rows: t.rows, ours, sk, ratio });
    console.log(
      `| ${t.rows} | ${ours.result.fitSeconds.toFixed(2)} | ${sk ? sk.fit_seconds.toFixed(2) : '—'} | ${ratio ? ratio.toFixed(2) : '—'} | ${pct(ours.result.accuracy)} | ${sk ? pct(sk.accuracy) : '—'} | ${ours.maxRssMB.toFixed(0)} | ${ours.result.predictMicros.toFixed(1)} |`,
    );
  }
  for (const r of results) {
    if (r.ratio !== undefined)
      console.log(
        `fit ${r.rows} rows: ratio ${r.ratio.toFixed(2)} (target ≤ 1) ${r.ratio <= 1 ? 'OK' : 'MISSED'}`,
      );
  }
  const big = results[results.length - 1];
  console.log(
    `peak RSS, fit on ${big.rows} rows: ${big.ours.maxRssMB.toFixed(0)} MB (target ≤ 1024) ${big.ours.maxRssMB <= 1024 ? 'OK' : 'MISSED'}`,
  );
  const out = join(dir, 'cli-model');
  rmSync(out, { recursive: true, force: true });
  const largest = manifest.timing[manifest.timing.length - 1];
  const cli = measure(tasks, 'cli', { data: `${largest.train}.csv`, output: out });
  console.log(
    `mlctl train end to end on ${big.rows} rows (80/20 split, CSV read, metrics, artifact): ${cli.seconds.toFixed(1)} s (fit ${cli.result.fitSeconds.toFixed(1)} s), peak RSS ${cli.maxRssMB.toFixed(0)} MB ${cli.maxRssMB <= 1024 ? 'OK' : 'MISSED'}`,
  );
}

function latency(manifest) {
  const iris = manifest.accuracy.find((t) => t.dataset === 'iris');
  const r = measure(tasks, 'fit', { train: `${iris.train}.csv`, test: `${iris.test}.csv` }).result;
  console.log(
    `\nsingle-row predict, 100-tree iris model, in-process: ${r.predictMicros.toFixed(2)} µs (target ≤ 20) ${r.predictMicros <= 20 ? 'OK' : 'MISSED'}`,
  );
}

function main() {
  const sklearn = sklearnAvailable;
  console.log(`mode: ${quick ? 'quick (MLCTL_BENCH_QUICK=1)' : 'full'}; python: ${python}`);
  let manifest;
  if (sklearn) {
    if (!existsSync(join(dir, 'manifest.json'))) py(['prepare', dir, ...(quick ? ['--quick'] : [])]);
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } else {
    console.log(
      `sklearn not available (${python} -c 'import sklearn' failed): mlctl's numbers only, on iris and synthetic data.`,
    );
    manifest = prepareWithoutSklearn();
  }
  latency(manifest);
  accuracyTable(manifest, sklearn ? JSON.parse(py(['score', dir])) : undefined);
  timingTable(manifest, sklearn);
  if (sklearn) require('./train-tables').run({ python, quick });
  else
    console.log(
      '\nTables with categories, gaps and numeric targets: need scikit-learn (their data comes from it).',
    );
}

main();

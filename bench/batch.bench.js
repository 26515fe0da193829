'use strict';
// `npm run bench batch`: batch scoring and SHAP on every core against scikit-learn and shap, measured
// in the same run, A and B alternating, each measurement in a fresh process.
// - predict: `mlctl predict --proba` on 100,000 rows (the input columns, prediction and probabilities
//   written to a CSV) against pandas read_csv + predict_proba (n_jobs=-1) + to_csv with a scikit-learn
//   forest of the very same trees (bench/sklearn_batch.py): rows/s and peak RSS (targets: ≥ 2× the rows/s,
//   RSS ≤ scikit-learn's). Beside it, each whole process as a user runs it: `node bin/mlctl predict`
//   against a Python script that imports pandas and scikit-learn, joblib.loads the same forest and does
//   the same (start-up and model loading counted on both sides; wall-clock seconds from here).
// - explain: `mlctl explain` (the predicted class, and --all-classes) against shap.TreeExplainer on that
//   forest: rows/s (target ≥ 2×). shap explains row by row, so its rows/s is measured on fewer rows.
// The model: 100 trees on 50,000 rows × 20 features (make_classification, 3 classes).
// MLCTL_BENCH_QUICK=1: small sizes, one round. MLCTL_BENCH_EXPLAIN_ROWS / MLCTL_BENCH_SHAP_ROWS: rows
// explained per run (full: 1,000 and 100). MLCTL_BENCH_ROUNDS: rounds (full: 3).
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { availableParallelism, loadavg } = require('node:os');
const { join } = require('node:path');
const { measure, quick } = require('./measure');

const python = process.env.MLCTL_BENCH_PYTHON || 'python3';
const helper = join(__dirname, 'sklearn_batch.py');
const tasks = join(__dirname, 'batch-tasks.js');
const root = join(__dirname, '..');
const dir = join(root, '.bench', `batch${quick ? '-quick' : ''}`);
const rounds = Number(process.env.MLCTL_BENCH_ROUNDS ?? (quick ? 1 : 3));
const explainRows = Number(process.env.MLCTL_BENCH_EXPLAIN_ROWS ?? (quick ? 60 : 1000));
const shapRows = Number(process.env.MLCTL_BENCH_SHAP_ROWS ?? (quick ? 10 : 100));

const can = (module) => spawnSync(python, ['-c', `import ${module}`]).status === 0;

function py(args) {
  const r = spawnSync(python, [helper, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${python} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout ? JSON.parse(r.stdout) : undefined;
}

function prepare() {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'score.csv'))) py(['prepare', dir, ...(quick ? ['--quick'] : [])]);
  const model = join(dir, 'model');
  if (!existsSync(join(model, 'SHA256SUMS'))) {
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin', 'mlctl'), 'train', '--data', join(dir, 'train.csv'), '--output', model],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`mlctl train failed: ${r.stderr}`);
  }
  if (can('sklearn') && can('joblib') && !existsSync(join(dir, 'sklearn-forest.joblib')))
    py(['dump', model, join(dir, 'sklearn-forest.joblib')]);
  const lines = readFileSync(join(dir, 'score.csv'), 'utf8').split('\n');
  writeFileSync(join(dir, 'explain.csv'), `${lines.slice(0, explainRows + 1).join('\n')}\n`);
  return model;
}

/** Wall-clock seconds of a whole process, from spawn to exit. */
function timeProcess(command, args) {
  const started = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - started) / 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const fmt = (xs) => `${median(xs).toFixed(1)} (${spread(xs)})`;
const seconds = (xs) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const steal = () => Number(readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/)[8] ?? 0);

function main() {
  const sklearn = can('sklearn') && can('pandas');
  const shap = sklearn && can('shap');
  console.log(
    `mode: ${quick ? 'quick' : 'full'}; ${rounds} round(s); python: ${python}; cores: ${availableParallelism()}; load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (!sklearn) console.log('sklearn not available: mlctl alone');
  const model = prepare();
  const score = join(dir, 'score.csv');
  const rows = { mlctlPredict: [], sklearnPredict: [], mlctlExplain: [], mlctlExplainAll: [], shap: [] };
  const rss = { mlctl: [], sklearn: [] };
  const whole = { mlctl: [], sklearn: [] };
  const stealStart = steal();
  for (let round = 1; round <= rounds; round++) {
    const a = measure(tasks, 'predict', { model, data: score, output: join(dir, 'mlctl-predictions.csv') });
    rows.mlctlPredict.push(a.result.rows / a.seconds);
    rss.mlctl.push(a.maxRssMB);
    console.log(
      `round ${round} predict  mlctl   ${(a.result.rows / a.seconds).toFixed(0)} rows/s (${a.seconds.toFixed(2)} s, ${a.result.cpuSeconds.toFixed(2)} s CPU, peak RSS ${a.maxRssMB.toFixed(0)} MB)`,
    );
    if (sklearn) {
      const b = py(['predict', model, score, join(dir, 'sklearn-predictions.csv')]);
      rows.sklearnPredict.push(a.result.rows / b.seconds);
      rss.sklearn.push(b.max_rss_mb);
      console.log(
        `round ${round} predict  sklearn ${(a.result.rows / b.seconds).toFixed(0)} rows/s (${b.seconds.toFixed(2)} s, ${b.cpu_seconds.toFixed(2)} s CPU, peak RSS ${b.max_rss_mb.toFixed(0)} MB)`,
      );
    }
    const cli = timeProcess(process.execPath, [
      join(root, 'bin', 'mlctl'),
      'predict',
      '--model',
      model,
      '--data',
      score,
      '--output',
      join(dir, 'mlctl-predictions.csv'),
      '--proba',
    ]);
    whole.mlctl.push(cli);
    console.log(
      `round ${round} process  mlctl   ${cli.toFixed(2)} s (node bin/mlctl predict, start to exit)`,
    );
    if (sklearn) {
      const script = timeProcess(python, [
        helper,
        'score',
        join(dir, 'sklearn-forest.joblib'),
        score,
        join(dir, 'sklearn-predictions.csv'),
      ]);
      whole.sklearn.push(script);
      console.log(
        `round ${round} process  sklearn ${script.toFixed(2)} s (python: imports, joblib.load, read, predict, write)`,
      );
    }
    for (const allClasses of [false, true]) {
      const c = measure(tasks, 'explain', {
        model,
        data: join(dir, 'explain.csv'),
        output: join(dir, 'mlctl-shap.csv'),
        allClasses,
      });
      (allClasses ? rows.mlctlExplainAll : rows.mlctlExplain).push(c.result.rows / c.seconds);
      console.log(
        `round ${round} explain  mlctl${allClasses ? ' --all-classes' : ''} ${(c.result.rows / c.seconds).toFixed(2)} rows/s (${c.result.rows} rows, ${c.seconds.toFixed(1)} s, ${c.result.cpuSeconds.toFixed(1)} s CPU, ${c.result.threads} threads)`,
      );
    }
    if (shap) {
      const d = py(['shap', model, score, String(shapRows)]);
      rows.shap.push(d.rows / d.seconds);
      console.log(
        `round ${round} explain  shap    ${(d.rows / d.seconds).toFixed(2)} rows/s (${d.rows} rows, ${d.seconds.toFixed(1)} s, ${d.cpu_seconds.toFixed(1)} s CPU)`,
      );
    }
  }
  const ticks = steal() - stealStart;
  console.log(
    `\nmedians (min–max) over ${rounds} round(s); CPU stolen by other guests meanwhile: ${(ticks / 100).toFixed(0)} s; load average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `predict rows/s: mlctl ${fmt(rows.mlctlPredict)}${sklearn ? `, scikit-learn ${fmt(rows.sklearnPredict)}` : ''}`,
  );
  if (sklearn) {
    const ratios = rows.mlctlPredict.map((r, i) => r / rows.sklearnPredict[i]);
    console.log(
      `predict ratio (per round): ${fmt(ratios)} (target ≥ 2) · peak RSS mlctl ${fmt(rss.mlctl)} MB, scikit-learn ${fmt(rss.sklearn)} MB (target ≤)`,
    );
  }
  if (sklearn) {
    const ratios = whole.mlctl.map((t, i) => whole.sklearn[i] / t);
    console.log(
      `whole process (s): mlctl ${seconds(whole.mlctl)}, scikit-learn script ${seconds(whole.sklearn)}; ratio ${fmt(ratios)}`,
    );
  }
  console.log(
    `explain rows/s: mlctl ${fmt(rows.mlctlExplain)}, --all-classes ${fmt(rows.mlctlExplainAll)}${shap ? `, shap ${fmt(rows.shap)}` : ''}`,
  );
  if (shap) {
    const ratio = (xs) => fmt(xs.map((r, i) => r / rows.shap[i]));
    console.log(
      `explain ratio (per round): predicted class ${ratio(rows.mlctlExplain)}, every class ${ratio(rows.mlctlExplainAll)} (target ≥ 2)`,
    );
  }
}

main();

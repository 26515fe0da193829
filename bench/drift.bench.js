'use strict';
// mlctl drift vs Evidently on the same data: 1,000,000 current rows × 4 features from a JSONL prediction
// log against a 100,000-row reference (MLCTL_BENCH_QUICK=1: 100,000 vs 10,000). Both sides read the files,
// compare, and write the HTML report. Target (issue "mlctl drift"): ≥ 10× faster, peak RSS ≤ 500 MB.
// Evidently runs where MLCTL_BENCH_EVIDENTLY_PYTHON names a Python with `evidently` installed.
const { spawnSync } = require('node:child_process');
const { createWriteStream, existsSync, mkdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { measure, quick } = require('./measure');

const currentRows = Number(process.env.MLCTL_BENCH_DRIFT_ROWS ?? (quick ? 100_000 : 1_000_000));
const referenceRows = Math.max(1000, Math.round(currentRows / 10));
const dir = join(__dirname, '..', '.bench');
const reference = join(dir, `drift-reference-${referenceRows}.csv`);
const current = join(dir, `drift-current-${currentRows}.jsonl`);
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

function generator(seed) {
  let s = seed >>> 0;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  // Box–Muller: smooth, many distinct values (the Wasserstein path, as with real features).
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

async function write(path, rows, line) {
  if (existsSync(path)) return;
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(`${path}.tmp`);
  for (let i = 0; i < rows; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++) chunk += line(j);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  require('node:fs').renameSync(`${path}.tmp`, path);
}

async function generate() {
  const g = generator(42);
  const row = (shift) => [5.8 + 0.8 * g() + shift, 3.0 + 0.4 * g(), 3.7 + 1.7 * g() + shift, 1.2 + 0.7 * g()];
  await write(reference, referenceRows + 1, (i) => {
    if (i === 0) return `${FEATURES.join(',')},target,prediction\n`;
    const cls = i % 3;
    return `${row(0)
      .map((v) => v.toFixed(3))
      .join(',')},${cls},${cls}\n`;
  });
  const h = generator(7);
  const drifted = () => [5.8 + 0.8 * h() + 0.3, 3.0 + 0.4 * h(), 3.7 + 1.7 * h() + 0.5, 1.2 + 0.7 * h()];
  await write(current, currentRows, (i) => {
    const cls = i % 5 === 0 ? 2 : i % 3;
    const features = drifted().map((v) => Number(v.toFixed(3)));
    return `${JSON.stringify({ level: 'info', time: '2026-11-27T10:00:00.000Z', event: 'prediction', request_id: `r${i}`, model: { name: 'iris', version: '3', uri: 'models:/iris/3' }, feature_names: FEATURES, features: [features], predictions: [cls], msg: 'prediction' })}\n`;
  });
}

function runEvidently(python) {
  const html = join(dir, 'evidently-report.html');
  const started = performance.now();
  const r = spawnSync(python, [join(__dirname, 'evidently_drift.py'), reference, current, html], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`evidently failed: ${r.stderr.slice(-2000)}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), wall };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function main() {
  await generate();
  console.log(
    `data: reference ${referenceRows.toLocaleString('en')} rows (${mb(statSync(reference).size)}), current ${currentRows.toLocaleString('en')} rows × ${FEATURES.length} features as a JSONL log (${mb(statSync(current).size)})`,
  );
  const report = join(dir, 'mlctl-drift-report.html');
  // The machine is shared: mlctl runs before and after Evidently, and the median counts.
  const runMlctl = () =>
    measure(join(__dirname, 'drift-tasks.js'), 'mlctlDrift', { reference, current, report });
  const runs = [runMlctl()];
  if (!quick) runs.push(runMlctl());
  const median = () => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
  let ours = median();
  if (ours.result.rows !== currentRows)
    throw new Error(`mlctl read ${ours.result.rows} rows, expected ${currentRows}`);
  console.log(
    `mlctl drift:   ${ours.seconds.toFixed(2)} s, peak RSS ${ours.maxRssMB.toFixed(0)} MB, HTML ${mb(statSync(report).size)}, drift share ${ours.result.share}`,
  );
  const rssOk = ours.maxRssMB <= 500;
  console.log(`peak RSS: ${ours.maxRssMB.toFixed(0)} MB (target <= 500 MB) ${rssOk ? 'OK' : 'MISSED'}`);

  const python = process.env.MLCTL_BENCH_EVIDENTLY_PYTHON;
  if (!python) {
    console.log(
      'evidently not available (set MLCTL_BENCH_EVIDENTLY_PYTHON to a Python with evidently installed)',
    );
    return;
  }
  const ev = runEvidently(python);
  if (!quick) {
    runs.push(runMlctl());
    ours = median();
    console.log(
      `mlctl drift runs: ${runs.map((r) => `${r.seconds.toFixed(2)} s`).join(', ')}; median ${ours.seconds.toFixed(2)} s`,
    );
  }
  console.log(
    `evidently ${ev.evidently}: ${ev.wall.toFixed(2)} s for the process; ${ev.seconds.toFixed(2)} s without Python's start and imports (load ${ev.load_seconds.toFixed(2)} s, compute ${ev.compute_seconds.toFixed(2)} s, save HTML ${ev.html_seconds.toFixed(2)} s), peak RSS ${ev.maxRssMB.toFixed(0)} MB, HTML ${mb(ev.html_bytes)}, drift share ${ev.share}`,
  );
  // Evidently's share counts the prediction column too; mlctl reports it separately (docs/DRIFT.md).
  const evPrediction = ev.scores.prediction;
  console.log(
    `prediction column: evidently ${evPrediction?.[0]} ${evPrediction?.[1]}, mlctl ${ours.result.prediction[0]} ${ours.result.prediction[1]} (PSI ${ours.result.prediction[2]})`,
  );
  const diffs = Object.entries(ours.result.scores).map(([name, [test, score]]) => {
    const [evTest, evScore] = ev.scores[name] ?? [];
    return { name, test, evTest, diff: Math.abs(score - evScore) };
  });
  const worst = Math.max(...diffs.map((d) => d.diff));
  const sameTests = diffs.every((d) => d.test === d.evTest);
  console.log(
    `same tests per column: ${sameTests ? 'yes' : 'NO'} (${diffs.map((d) => `${d.name}:${d.test}`).join(', ')}); largest score difference ${worst.toExponential(2)} ${worst <= 1e-6 && sameTests ? 'OK' : 'MISMATCH'}`,
  );
  // mlctl's time includes loading its modules; the process's own start (~0.05 s) is all it leaves out.
  const ratio = ev.wall / ours.seconds;
  const inner = ev.seconds / ours.seconds;
  console.log(
    `speed-up vs evidently, time to the report (both processes): ${ratio.toFixed(1)}× (target >= 10×) ${ratio >= 10 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `speed-up vs evidently's read + compare + save alone (its imports not counted): ${inner.toFixed(1)}×`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

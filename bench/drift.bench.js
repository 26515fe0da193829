'use strict';
// mlctl drift vs Evidently 0.7 (its default API, Report([DataDriftPreset()])) on the same files: a 100,000-row
// reference CSV against 1,000,000 and 5,000,000 current rows, as a CSV and as a JSONL prediction log; 5 feature
// columns (3 floats, a 0–4 integer, a text category) and the prediction. Both sides are whole processes that
// read the files, compare and write the HTML report, timed by /usr/bin/time (wall, CPU, peak RSS), run in
// alternation (mlctl, Evidently, mlctl, Evidently, mlctl) so a busy machine hits both; medians and ranges.
// Targets (issue 22): >= 10x faster than Evidently; peak RSS <= 200 MB whatever the number of rows.
//   MLCTL_BENCH_EVIDENTLY_PYTHON   a Python with evidently 0.7 (scripts/ci/evidently.sh); without it, mlctl only
//   MLCTL_BENCH_DRIFT_ROWS         current sizes, e.g. "1000000,5000000" (MLCTL_BENCH_QUICK=1: 100000)
//   MLCTL_BENCH_DRIFT_FORMATS      "csv,jsonl"
//   MLCTL_BENCH_DRIFT_ROUNDS       Evidently runs per case (mlctl runs one more), default 2
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, rmSync, statSync } = require('node:fs');
const { loadavg } = require('node:os');
const { join } = require('node:path');
const { quick } = require('./measure');
const { writeCurrent, writeReference } = require('./drift-data');

const root = join(__dirname, '..');
const dir = join(root, '.bench');
const sizes = (process.env.MLCTL_BENCH_DRIFT_ROWS ?? (quick ? '100000' : '1000000,5000000'))
  .split(',')
  .map(Number);
const formats = (process.env.MLCTL_BENCH_DRIFT_FORMATS ?? 'csv,jsonl').split(',');
const rounds = Number(process.env.MLCTL_BENCH_DRIFT_ROUNDS ?? (quick ? 1 : 2));
const python = process.env.MLCTL_BENCH_EVIDENTLY_PYTHON;
const TIME = '/usr/bin/time';

/** Runs a command under GNU time: wall seconds, CPU seconds (user + system), peak RSS in MB, stdout. */
function timed(command, args) {
  const r = spawnSync(TIME, ['-f', '@@time %e %U %S %M', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const m = /@@time (\S+) (\S+) (\S+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m)
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-3000)}`);
  return {
    wall: Number(m[1]),
    cpu: Number(m[2]) + Number(m[3]),
    rssMB: Number(m[4]) / 1024,
    stdout: r.stdout,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const span = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function runMlctl(reference, current, cache) {
  const out = timed(process.execPath, [
    join(root, 'bin', 'mlctl'),
    'drift',
    '--reference',
    reference,
    '--current',
    current,
    '--format',
    'json',
    '--report',
    join(dir, 'mlctl-drift-report.html'),
    '--profile-cache',
    cache,
  ]);
  return { ...out, result: JSON.parse(out.stdout) };
}

function runEvidently(reference, current) {
  const out = timed(python, [
    join(__dirname, 'evidently_drift.py'),
    reference,
    current,
    join(dir, 'evidently-report.html'),
  ]);
  return { ...out, result: JSON.parse(out.stdout.trim().split('\n').pop()) };
}

/** Same test and score (1e-9) per column, or the differences. */
function agreement(ours, theirs) {
  const problems = [];
  for (const c of [...ours.columns, ...(ours.prediction ? [ours.prediction] : [])]) {
    const [method, score] = theirs.scores[c.name] ?? [];
    const display = {
      ks: 'K-S p_value',
      wasserstein: 'Wasserstein distance (normed)',
      jensenshannon: 'Jensen-Shannon distance',
      chisquare: 'chi-square p_value',
      z: 'Z-test p_value',
    }[c.stattest];
    if (display !== method || !(Math.abs(c.score - score) <= 1e-9 * Math.max(1, Math.abs(score)))) {
      problems.push(`${c.name}: mlctl ${display} ${c.score}, evidently ${method} ${score}`);
    }
  }
  return problems;
}

async function main() {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(TIME))
    throw new Error(`${TIME} (GNU time) is needed to measure peak RSS: apt-get install time`);
  const referenceRows = quick ? 10_000 : 100_000;
  const reference = await writeReference(dir, referenceRows);
  console.log(
    `reference: ${referenceRows.toLocaleString('en')} rows (${mb(statSync(reference).size)}); load average at start ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (!python)
    console.log(
      'evidently not measured: set MLCTL_BENCH_EVIDENTLY_PYTHON to a Python with evidently 0.7 (scripts/ci/evidently.sh)',
    );
  const table = [];
  for (const rows of sizes) {
    for (const format of formats) {
      const current = await writeCurrent(dir, rows, format);
      const cache = join(dir, 'drift-profiles');
      rmSync(cache, { recursive: true, force: true });
      const ours = [];
      const theirs = [];
      const loads = [loadavg()[0]];
      for (let round = 0; round < rounds; round++) {
        ours.push(runMlctl(reference, current, 'none'));
        if (python) theirs.push(runEvidently(reference, current));
        loads.push(loadavg()[0]);
      }
      ours.push(runMlctl(reference, current, 'none'));
      // With the reference profile cached (a second run on the same reference).
      runMlctl(reference, current, cache);
      const cached = runMlctl(reference, current, cache);
      const last = ours[ours.length - 1].result;
      if (last.current.rows !== rows)
        throw new Error(`mlctl read ${last.current.rows} rows, expected ${rows}`);
      const line = {
        rows,
        format,
        size: mb(statSync(current).size),
        mlctl: median(ours.map((r) => r.wall)),
        mlctlRange: span(ours.map((r) => r.wall)),
        mlctlCpu: median(ours.map((r) => r.cpu)),
        mlctlRss: Math.max(...ours.map((r) => r.rssMB)),
        cached: cached.wall,
        load: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
      };
      console.log(
        `${rows.toLocaleString('en')} rows ${format} (${line.size}): mlctl ${ours.map((r) => r.wall.toFixed(2)).join(', ')} s (median ${line.mlctl.toFixed(2)}, CPU ${line.mlctlCpu.toFixed(2)} s), peak RSS ${line.mlctlRss.toFixed(0)} MB ${line.mlctlRss <= 200 ? 'OK' : 'MISSED'}; with the reference profile cached ${cached.wall.toFixed(2)} s`,
      );
      if (python) {
        const ev = theirs[0].result;
        Object.assign(line, {
          evidently: median(theirs.map((r) => r.wall)),
          evidentlyRange: span(theirs.map((r) => r.wall)),
          evidentlyCpu: median(theirs.map((r) => r.cpu)),
          evidentlyRss: Math.max(...theirs.map((r) => r.rssMB)),
        });
        const ratio = line.evidently / line.mlctl;
        const worst = Math.min(...theirs.map((r) => r.wall)) / Math.max(...ours.map((r) => r.wall));
        const problems = agreement(last, ev);
        console.log(
          `  evidently ${ev.evidently}: ${theirs.map((r) => r.wall.toFixed(2)).join(', ')} s (median ${line.evidently.toFixed(2)}, CPU ${line.evidentlyCpu.toFixed(2)} s; import ${ev.import_seconds.toFixed(1)} s, load ${ev.load_seconds.toFixed(1)} s, compute ${ev.compute_seconds.toFixed(1)} s, HTML ${ev.html_seconds.toFixed(1)} s), peak RSS ${line.evidentlyRss.toFixed(0)} MB, HTML ${mb(ev.html_bytes)}`,
        );
        console.log(
          `  speed-up: ${ratio.toFixed(1)}x median (${worst.toFixed(1)}x slowest mlctl vs fastest Evidently; CPU ${(line.evidentlyCpu / line.mlctlCpu).toFixed(1)}x) ${ratio >= 10 ? 'OK' : 'MISSED'} (target >= 10x); load ${line.load}`,
        );
        console.log(
          `  same test and score (1e-9) on every column: ${problems.length ? `NO — ${problems.join('; ')}` : 'yes'}`,
        );
        line.ratio = ratio;
      }
      table.push(line);
    }
  }
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(JSON.stringify(table));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

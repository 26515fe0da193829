'use strict';
// Batch scoring of one mlctl model three ways, in rows per second, on the same machine and file:
//   A. `mlctl predict --model <dir> --data <csv> --output <csv>` (the process, start to end);
//   B. MLflow's pyfunc in one Python process: mlflow.pyfunc.load_model + pandas.read_csv + predict
//      (the loader of docs/PYTHON.md, MLflow's signature check included; interpreter start left out);
//   C. docs/PYTHON.md's score_spark.py under `spark-submit --master local[2]` (spark_udf), start to end;
//      Spark's fixed cost (JVM, session, model distribution) is measured on a 1,000-row file in the
//      same round and taken off, to give its throughput once running.
// The model: the penguins species forest (100 trees; text categories, gaps). The rows: penguins drawn at
// random with jitter, NA gaps and unseen categories, the integration test's generator. A, B and C
// alternate, `rounds` times; medians and ranges. MLCTL_BENCH_QUICK=1: 20,000 rows, one round, no Spark.
// MLCTL_BENCH_PYTHON: a Python with MLflow and pyspark (the CI venv).
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { loadavg } = require('node:os');
const { dirname, join } = require('node:path');
const { quick } = require('./measure');

const python = process.env.MLCTL_BENCH_PYTHON || 'python3';
const root = join(__dirname, '..');
const rows = Number(process.env.MLCTL_BENCH_PREDICT_ROWS ?? (quick ? 20_000 : 1_000_000));
const rounds = quick ? 1 : 3;
const dir = join(root, '.bench', 'predict-python');
const model = join(dir, 'penguins');
const data = join(dir, `rows-${rows}.csv`);
const small = join(dir, 'rows-1000.csv');

const GENERATE = `
import sys
import numpy as np, pandas as pd
source, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(7)
frame = pd.read_csv(source).sample(n, replace=True, random_state=7).reset_index(drop=True)
for c in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm"):
    frame[c] = (frame[c] + rng.normal(0, 2, n)).round(1)
for c in ("island", "sex"):
    frame.loc[rng.random(n) < 0.01, c] = "Atlantis"
for c in frame.columns[1:]:
    frame.loc[rng.random(n) < 0.03, c] = np.nan
frame.insert(0, "id", np.arange(n))
frame.to_csv(out, index=False, na_rep="NA")
`;

const PYFUNC = `
import sys, time
import mlflow.pyfunc, pandas as pd
started = time.perf_counter()
model = mlflow.pyfunc.load_model(sys.argv[1])
frame = pd.read_csv(sys.argv[2])
frame = frame.astype({c: "float64" for c in frame.columns if frame[c].dtype.kind == "i"})
frame.assign(prediction=model.predict(frame)).to_csv(sys.argv[3], index=False)
print(time.perf_counter() - started)
`;

function run(command, args, env = {}) {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONWARNINGS: 'ignore', ...env },
  });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return { seconds: (performance.now() - started) / 1000, stdout: r.stdout };
}

function setUp() {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(model, 'MLmodel'))) {
    const penguins = join(root, 'data', 'penguins', 'penguins.csv');
    const args = ['train', '--data', penguins, '--target', 'species', '--na-values', 'NA', '--output', model];
    run(process.execPath, [join(root, 'bin', 'mlctl'), ...args]);
  }
  for (const [file, n] of [
    [data, rows],
    [small, 1000],
  ]) {
    if (!existsSync(file))
      run(python, ['-c', GENERATE, join(root, 'data', 'penguins', 'penguins.csv'), file, String(n)]);
  }
  // The job is docs/PYTHON.md's, as the page shows it.
  const page = readFileSync(join(root, 'docs', 'PYTHON.md'), 'utf8');
  const job = /<!-- python-doc: score_spark\.py -->\s*```python\n([\s\S]*?)```/.exec(page)?.[1];
  if (!job) throw new Error('docs/PYTHON.md has no score_spark.py block');
  writeFileSync(join(dir, 'score_spark.py'), job);
}

const hasSpark = () => spawnSync(python, ['-c', 'import pyspark, mlflow'], { encoding: 'utf8' }).status === 0;

function spark(file) {
  const out = join(dir, 'spark-out');
  rmSync(out, { recursive: true, force: true });
  const submit = join(dirname(python), 'spark-submit');
  const args = ['--master', 'local[2]', 'score_spark.py', model, file, out];
  return run(submit, args, { PYSPARK_PYTHON: python, PATH: `${dirname(python)}:${process.env.PATH}` })
    .seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;

function main() {
  if (spawnSync(python, ['-c', 'import mlflow'], { encoding: 'utf8' }).status !== 0) {
    console.log(`predict-python: skipped, ${python} has no MLflow (set MLCTL_BENCH_PYTHON)`);
    return;
  }
  setUp();
  const withSpark = !quick && hasSpark();
  const load = [loadavg()[0]];
  const times = { mlctl: [], pyfunc: [], spark: [], sparkFixed: [] };
  for (let round = 0; round < rounds; round++) {
    const predict = ['predict', '--model', model, '--data', data, '--output', join(dir, 'mlctl-out.csv')];
    times.mlctl.push(run(process.execPath, [join(root, 'bin', 'mlctl'), ...predict]).seconds);
    times.pyfunc.push(Number(run(python, ['-c', PYFUNC, model, data, join(dir, 'pyfunc-out.csv')]).stdout));
    if (withSpark) {
      times.spark.push(spark(data));
      times.sparkFixed.push(spark(small));
    }
    load.push(loadavg()[0]);
  }
  const rate = (seconds) => Math.round(rows / seconds).toLocaleString('en');
  const mlctl = median(times.mlctl);
  console.log(
    `${rows.toLocaleString('en')} rows, ${rounds} round(s); 1-minute load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${require('node:os').availableParallelism()} cores`,
  );
  console.log('| way | seconds (median, range) | rows/s | vs mlctl predict |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| mlctl predict | ${mlctl.toFixed(1)} (${range(times.mlctl)}) | ${rate(mlctl)} | 1 |`);
  const pyfunc = median(times.pyfunc);
  console.log(
    `| MLflow pyfunc, one process | ${pyfunc.toFixed(1)} (${range(times.pyfunc)}) | ${rate(pyfunc)} | ${(mlctl / pyfunc).toFixed(2)} |`,
  );
  if (withSpark) {
    const total = median(times.spark);
    const running = median(times.spark.map((t, i) => t - times.sparkFixed[i]));
    console.log(
      `| spark_udf, local[2], start to end | ${total.toFixed(1)} (${range(times.spark)}) | ${rate(total)} | ${(mlctl / total).toFixed(2)} |`,
    );
    console.log(
      `| spark_udf, local[2], less the ${median(times.sparkFixed).toFixed(1)} s of a 1,000-row job | ${running.toFixed(1)} | ${rate(running)} | ${(mlctl / running).toFixed(2)} |`,
    );
  } else {
    console.log(
      quick ? '| spark_udf | full run only | | |' : `| spark_udf | skipped: ${python} has no pyspark | | |`,
    );
  }
}

main();

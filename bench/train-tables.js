'use strict';
// The tables part of train.bench.js: text categories, empty cells and numeric targets, against
// scikit-learn's pipeline (bench/sklearn_pipeline.py) in the same run, and native categorical splits
// against one-hot and ordinal encodings. Each measurement runs in a fresh process (bench/measure.js).
// To re-measure a part alone (`node -e "require('./bench/train-tables').run({ python: '…' })"`):
//   MLCTL_BENCH_TABLES_PARTS   "accuracy,encodings,timing" (the default: all three)
//   MLCTL_BENCH_TABLES_CASES   timing cases as task:rows, e.g. "classification:50000,regression:200000"
//   MLCTL_BENCH_ROUNDS         timing rounds of every case (default 3 at 50,000 rows, 1 above)
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { measure } = require('./measure');

const tasks = join(__dirname, 'train-tasks.js');
const helper = join(__dirname, 'sklearn_pipeline.py');
const root = join(__dirname, '..');

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const metric = (task) => (task === 'regression' ? 'R²' : 'accuracy');
const show = (task, x) => (task === 'regression' ? x.toFixed(4) : (x * 100).toFixed(2));

function run({ python, quick }) {
  const py = (args) => {
    const r = spawnSync(python, [helper, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0)
      throw new Error(`${python} sklearn_pipeline.py ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const dir = join(root, '.bench', `train-tables${quick ? '-quick' : ''}`);
  if (!existsSync(join(dir, 'manifest.json'))) py(['prepare', dir, root, ...(quick ? ['--quick'] : [])]);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const parts = (process.env.MLCTL_BENCH_TABLES_PARTS || 'accuracy,encodings,timing').split(',');
  if (parts.includes('accuracy')) accuracy(manifest, JSON.parse(py(['score', dir])));
  if (parts.includes('encodings')) encodings(manifest);
  if (parts.includes('timing')) timing(manifest, py, quick);
}

function accuracy(manifest, sklearn) {
  const ours = measure(tasks, 'tables', { tasks: manifest.accuracy, encoding: 'native' }).result;
  console.log(
    '\nTables with categories, gaps and numeric targets: held-out score, mean of 3 splits (test 20 %),',
  );
  console.log(
    'mlctl (native categorical splits, learned missing sides) against SimpleImputer + OneHotEncoder + RandomForest(100):',
  );
  console.log('| dataset | task | metric | mlctl | scikit-learn pipeline | difference |');
  console.log('|---|---|---|---:|---:|---:|');
  const verdicts = [];
  for (const name of [...new Set(manifest.accuracy.map((t) => t.dataset))]) {
    const task = manifest.accuracy.find((t) => t.dataset === name).task;
    const a = mean(ours.filter((r) => r.dataset === name).map((r) => r.score));
    const b = mean(sklearn.filter((r) => r.dataset === name).map((r) => r.score));
    const diff = task === 'regression' ? a - b : (a - b) * 100;
    verdicts.push({ name, ok: task === 'regression' ? diff >= -0.01 : diff >= -1 });
    console.log(
      `| ${name} | ${task} | ${metric(task)} | ${show(task, a)} | ${show(task, b)} | ${diff >= 0 ? '+' : ''}${diff.toFixed(task === 'regression' ? 4 : 2)} |`,
    );
  }
  const missed = verdicts.filter((v) => !v.ok).map((v) => v.name);
  console.log(
    `score vs pipeline (target: accuracy within 1 point, R² within 0.01): ${missed.length ? `MISSED on ${missed.join(', ')}` : 'OK'}`,
  );
}

function encodings(manifest) {
  const mixed = manifest.accuracy.filter((t) => /mixed|penguins/.test(t.dataset));
  console.log(
    '\nCategorical splits, by measurement: native subsets against encodings, same tables and splits',
  );
  console.log(
    '(score: mean over the tables of their mean of 3 splits; fit: total seconds; trees.bin: total bytes):',
  );
  console.log('| learner | mean score (classification) | mean R² (regression) | fit s | trees.bin MB |');
  console.log('|---|---:|---:|---:|---:|');
  for (const encoding of ['native', 'onehot', 'ordinal']) {
    const r = measure(tasks, 'tables', { tasks: mixed, encoding }).result;
    const byTask = (task) =>
      mean(
        [...new Set(mixed.filter((t) => t.task === task).map((t) => t.dataset))].map((d) =>
          mean(r.filter((x) => x.dataset === d).map((x) => x.score)),
        ),
      );
    const fit = r.reduce((a, x) => a + x.fitSeconds, 0);
    const bytes = r.reduce((a, x) => a + x.treesBinBytes, 0);
    console.log(
      `| ${encoding} | ${(byTask('classification') * 100).toFixed(2)} | ${byTask('regression').toFixed(4)} | ${fit.toFixed(1)} | ${(bytes / 1e6).toFixed(1)} |`,
    );
  }
}

/** Fit time and peak RSS, mlctl and the pipeline alternating, `rounds` times each; medians and ranges. */
function timing(manifest, py, quick) {
  console.log(
    '\nFit time and peak RSS against the pipeline (n_jobs=-1), 100 trees, 20 features (5 categorical), 10 % cells empty:',
  );
  console.log(
    '| task | rows | mlctl fit s (median, range) | pipeline fit s | ratio (median) | CPU s mlctl / pipeline (medians) | mlctl / pipeline peak RSS MB | mlctl / pipeline score |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const cases = process.env.MLCTL_BENCH_TABLES_CASES?.split(',');
  const verdicts = [];
  for (const t of manifest.timing) {
    if (cases && !cases.includes(`${t.task}:${t.rows}`)) continue;
    const rounds = Number(process.env.MLCTL_BENCH_ROUNDS) || (quick || t.rows > 50000 ? 1 : 3);
    const ours = [];
    const theirs = [];
    for (let k = 0; k < rounds; k++) {
      theirs.push(JSON.parse(py(['fit', t.train, t.test, t.task])));
      ours.push(measure(tasks, 'tableFit', { train: `${t.train}.csv`, test: `${t.test}.csv`, task: t.task }));
    }
    const a = ours.map((o) => o.result.fitSeconds);
    const b = theirs.map((o) => o.fit_seconds);
    const ratio = median(a.map((x, i) => x / b[i]));
    // CPU seconds of every thread: each program's own cost, whatever else loads the machine.
    const cpu = [
      median(ours.map((o) => o.result.fitCpuSeconds)),
      median(theirs.map((o) => o.fit_cpu_seconds)),
    ];
    const rss = [Math.max(...ours.map((o) => o.maxRssMB)), Math.max(...theirs.map((o) => o.max_rss_mb))];
    verdicts.push(
      `${t.task} ${t.rows}: fit ratio ${ratio.toFixed(2)} (target ≤ 0.5) ${ratio <= 0.5 ? 'OK' : 'MISSED'}; peak RSS ${rss[0].toFixed(0)} vs ${rss[1].toFixed(0)} MB ${rss[0] <= rss[1] ? 'OK' : 'MISSED'}`,
    );
    const range = (xs) =>
      xs.length > 1 ? ` (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})` : '';
    console.log(
      `| ${t.task} | ${t.rows} | ${median(a).toFixed(2)}${range(a)} | ${median(b).toFixed(2)}${range(b)} | **${ratio.toFixed(2)}** | ${cpu[0].toFixed(1)} / ${cpu[1].toFixed(1)} | ${rss[0].toFixed(0)} / ${rss[1].toFixed(0)} | ${show(t.task, ours[0].result.score)} / ${show(t.task, theirs[0].score)} |`,
    );
  }
  for (const v of verdicts) console.log(v);
}

module.exports = { run };

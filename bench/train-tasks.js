'use strict';
// Tasks measured by train.bench.js, each in its own process (bench/measure.js), so peak RSS is the task's.
const { PassThrough } = require('node:stream');

const dist = (path) => require(`../dist/${path}`);

async function readSet(file) {
  const { readTrainingTable } = dist('data/training-table.js');
  return readTrainingTable(file, { target: 'target' });
}

/** Trains on `train`, scores `test`; fitSeconds covers binning, trees and out-of-bag scoring. */
async function trainAndScore({ train, test, seed = 0, threads }) {
  const { trainForest } = dist('forest/forest.js');
  const { Predictor } = dist('forest/predictor.js');
  const { resolveMaxFeatures } = dist('commands/train/resolve-params.js');
  const readStarted = performance.now();
  const tr = await readSet(train);
  const te = await readSet(test);
  const readSeconds = (performance.now() - readStarted) / 1000;
  const started = performance.now();
  const { forest, threads: used } = await trainForest(
    { columns: tr.columns, target: { task: 'classification', y: tr.y, K: tr.classes.length } },
    {
      nEstimators: 100,
      seed,
      mtry: resolveMaxFeatures('sqrt', tr.features.length),
      minSamplesLeaf: 1,
      maxDepth: Infinity,
    },
    { threads },
  );
  const fitSeconds = (performance.now() - started) / 1000;
  const predictor = new Predictor({ features: tr.features, classes: tr.classes, forest });
  // The test set's classes are the training set's (stratified splits); map labels through them.
  const index = new Map(tr.classes.map((c, i) => [c, i]));
  const row = new Float64Array(te.columns.length);
  let right = 0;
  for (let i = 0; i < te.rows; i++) {
    for (let f = 0; f < row.length; f++) row[f] = te.columns[f][i];
    if (predictor.predictIndex(row) === index.get(te.classes[te.y[i]])) right++;
  }
  const nodes = forest.trees.reduce((a, t) => a + t.feature.length, 0);
  return {
    fitSeconds,
    readSeconds,
    accuracy: right / te.rows,
    threads: used,
    nodesPerTree: nodes / forest.trees.length,
    predictMicros: singleRowMicros(predictor, te),
  };
}

/** Mean time of one `predict([row])` call, cycling through the rows of `table`. */
function singleRowMicros(predictor, table, calls = 20000) {
  const rows = [];
  for (let i = 0; i < Math.min(table.rows, 256); i++) rows.push(table.columns.map((c) => c[i]));
  const predicted = new Set();
  for (let i = 0; i < 2000; i++) predicted.add(predictor.predict([rows[i % rows.length]])[0]);
  const started = performance.now();
  for (let i = 0; i < calls; i++) predicted.add(predictor.predict([rows[i % rows.length]])[0]);
  const micros = ((performance.now() - started) * 1000) / calls;
  // Using every result keeps the calls from being optimised away.
  if (predicted.size === 0) throw new Error('no prediction');
  return micros;
}

/**
 * A table with categories and gaps, read as `mlctl train` reads it; `encoding` turns its categorical
 * features into what an encoding would give the learner instead of native splits: `onehot` (one 0/1
 * column per category, NaN where missing) or `ordinal` (the category codes as numbers).
 */
async function readTable(train, test, task, encoding) {
  const { readTrainingTable } = dist('data/training-table.js');
  const { readEvaluationTable } = dist('data/evaluation-table.js');
  const tr = await readTrainingTable(train, { target: 'target', task });
  const te = await readEvaluationTable(test, {
    features: tr.specs,
    target: 'target',
    classes: tr.classes,
    naValues: [],
    name: test,
  });
  const encode = (columns) =>
    tr.specs.flatMap((spec, f) => {
      const column = columns[f];
      if (spec.type !== 'categorical' || encoding === 'native') return [column];
      if (encoding === 'ordinal') return [column];
      return spec.categories.map((_, k) => column.map((v) => (v !== v ? NaN : v === k ? 1 : 0)));
    });
  const categories =
    encoding === 'native' ? tr.specs.map((s) => s.categories?.length ?? 0) : encode(tr.columns).map(() => 0);
  return { tr, te, trainColumns: encode(tr.columns), testColumns: encode(te.columns), categories };
}

/** Fits on a table's training file and scores the test file: accuracy, or R² for regression. */
async function tableFit({ train, test, task, seed = 0, encoding = 'native', threads }) {
  const { trainForest } = dist('forest/forest.js');
  const { resolveMaxFeatures } = dist('commands/train/resolve-params.js');
  const { regressionMetrics, classificationMetrics } = dist('forest/metrics.js');
  const { treesBinChunks } = dist('artifact/trees-bin.js');
  const { tr, te, trainColumns, testColumns, categories } = await readTable(train, test, task, encoding);
  const target = task === 'regression' ? { task, y: tr.values } : { task, y: tr.y, K: tr.classes.length };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { forest, threads: used } = await trainForest(
    { columns: trainColumns, categories, target },
    {
      nEstimators: 100,
      seed,
      mtry: resolveMaxFeatures(task === 'regression' ? 'all' : 'sqrt', trainColumns.length),
      minSamplesLeaf: 1,
      maxDepth: Infinity,
    },
    { threads },
  );
  const fitSeconds = (performance.now() - started) / 1000;
  // CPU time of every thread of the process: what the fit cost, whatever else loads the machine.
  const { user, system } = process.cpuUsage(cpu);
  const fitCpuSeconds = (user + system) / 1e6;
  const { forestOutputs } = dist('forest/batch.js');
  const out = forestOutputs(
    forest,
    testColumns,
    Int32Array.from({ length: te.rows }, (_, i) => i),
  );
  let score;
  if (task === 'regression') score = regressionMetrics(te.truth, out).r2;
  else {
    const K = tr.classes.length;
    const predicted = Array.from({ length: te.rows }, (_, i) => {
      let best = 0;
      for (let c = 1; c < K; c++) if (out[i * K + c] > out[i * K + best]) best = c;
      return best;
    });
    score = classificationMetrics(te.truth, predicted, tr.classes).accuracy;
  }
  let treesBinBytes = 0;
  for (const chunk of treesBinChunks(forest)) treesBinBytes += chunk.length;
  const nodes = forest.trees.reduce((a, t) => a + t.feature.length, 0);
  return {
    fitSeconds,
    fitCpuSeconds,
    score,
    threads: used,
    nodes,
    treesBinBytes,
    features: trainColumns.length,
  };
}

module.exports = {
  fit: trainAndScore,
  tableFit,

  /** Every table task of the manifest with one encoding, one after another. */
  async tables({ tasks, encoding }) {
    const out = [];
    for (const t of tasks) {
      const r = await tableFit({
        train: `${t.train}.csv`,
        test: `${t.test}.csv`,
        task: t.task,
        seed: t.split,
        encoding,
      });
      out.push({
        dataset: t.dataset,
        split: t.split,
        score: r.score,
        fitSeconds: r.fitSeconds,
        treesBinBytes: r.treesBinBytes,
      });
    }
    return out;
  },

  /** Every accuracy task of the manifest, one after another. */
  async accuracy({ tasks }) {
    const out = [];
    for (const t of tasks) {
      const r = await trainAndScore({ train: `${t.train}.csv`, test: `${t.test}.csv`, seed: t.split });
      out.push({ dataset: t.dataset, split: t.split, accuracy: r.accuracy });
    }
    return out;
  },

  /** `mlctl train` end to end, in-process (read, split, train, metrics, artifact). */
  async cli({ data, output }) {
    const { run } = dist('cli/main.js');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let text = '';
    let errors = '';
    stdout.on('data', (c) => (text += c));
    stderr.on('data', (c) => (errors += c));
    const code = await run(['train', '--data', data, '--output', output, '--json'], {
      stdout,
      stderr,
      env: { LOG_LEVEL: 'silent' },
      cwd: process.cwd(),
    });
    if (code !== 0) throw new Error(`mlctl train exited ${code}: ${errors}`);
    const doc = JSON.parse(text);
    return { fitSeconds: doc.seconds.fit, totalSeconds: doc.seconds.total, accuracy: doc.metrics.accuracy };
  },
};

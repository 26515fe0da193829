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
  const {
    forest,
    oobAccuracy,
    threads: used,
  } = await trainForest(
    { columns: tr.columns, y: tr.y, nClasses: tr.classes.length },
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
    oobAccuracy,
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

module.exports = {
  fit: trainAndScore,

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

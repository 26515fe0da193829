'use strict';
// The drift bench's files, written once into .bench/ and reused: a reference CSV (features, target,
// prediction, as `mlctl train` writes reference.csv) and current data as a CSV or a JSONL prediction log
// (the lines `mlctl serve` logs). Five features: three floats, a 0–4 integer (categorical for Evidently
// 0.7), a text category; the current data has drifted in two of them.
const { createWriteStream, existsSync, renameSync } = require('node:fs');
const { join } = require('node:path');

const FEATURES = ['amount', 'tenure', 'score', 'rooms', 'plan'];
const PLANS = ['basic', 'pro', 'team', 'enterprise'];

function generator(seed) {
  let s = seed >>> 0;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  // Box–Muller: smooth, many distinct values (the Wasserstein path, as with real features).
  return {
    uniform: next,
    gauss: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

function row(g, drifted) {
  const amount = (50 + 10 * g.gauss() + (drifted ? 3 : 0)).toFixed(2);
  const tenure = (24 + 8 * g.gauss()).toFixed(1);
  const score = g.uniform().toFixed(4);
  const rooms = Math.min(4, Math.floor(g.uniform() * (drifted ? 4.6 : 5)));
  const plan = PLANS[Math.floor(g.uniform() ** (drifted ? 1.3 : 1) * 4)];
  const prediction = Math.floor(g.uniform() * 3);
  return { values: [amount, tenure, score, rooms, plan], prediction };
}

async function write(path, rows, line) {
  if (existsSync(path)) return path;
  const out = createWriteStream(`${path}.tmp`);
  for (let i = 0; i < rows; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++) chunk += line(j);
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  renameSync(`${path}.tmp`, path);
  return path;
}

/** reference.csv as `mlctl train` writes it: the features, target, prediction. */
function writeReference(dir, rows) {
  const g = generator(42);
  return write(join(dir, `drift-ref-${rows}.csv`), rows + 1, (i) => {
    if (i === 0) return `${FEATURES.join(',')},target,prediction\n`;
    const r = row(g, false);
    return `${r.values.join(',')},${r.prediction},${r.prediction}\n`;
  });
}

/** Current data: a CSV with the same columns (no target), or the prediction log of `mlctl serve`. */
function writeCurrent(dir, rows, format) {
  const g = generator(7);
  if (format === 'csv') {
    return write(join(dir, `drift-cur-${rows}.csv`), rows + 1, (i) => {
      if (i === 0) return `${FEATURES.join(',')},prediction\n`;
      const r = row(g, true);
      return `${r.values.join(',')},${r.prediction}\n`;
    });
  }
  return write(join(dir, `drift-cur-${rows}.jsonl`), rows, (i) => {
    const r = row(g, true);
    const features = r.values.map((v, k) => (k === 4 ? v : Number(v)));
    return `${JSON.stringify({ level: 30, time: 1764237600000 + i, event: 'prediction', request_id: `r${i}`, model: { name: 'churn', version: '3', uri: 'models:/churn/3' }, feature_names: FEATURES, features: [features], predictions: [r.prediction], msg: 'prediction' })}\n`;
  });
}

module.exports = { FEATURES, writeReference, writeCurrent };

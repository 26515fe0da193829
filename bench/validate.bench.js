'use strict';
// Validation throughput as a ratio to a bare csv-parse pass over the same file, and peak memory.
// Target (issue "mlctl validate"): ratio >= 0.5; a 1 GB file in well under 300 MB RSS.
const { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { measure, quick } = require('./measure');

const sizeMB = Number(process.env.MLCTL_BENCH_VALIDATE_MB ?? (quick ? 64 : 1024));
const dir = join(__dirname, '..', '.bench');
const file = join(dir, `validate-${sizeMB}mb.csv`);
const schema = join(dir, 'validate.schema.json');

async function generate() {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    schema,
    JSON.stringify({
      version: 1,
      target: 'target',
      columns: [
        { name: 'sepal_length', type: 'number', min: 0, max: 100 },
        { name: 'sepal_width', type: 'number', min: 0, max: 100 },
        { name: 'petal_length', type: 'number', min: 0, max: 100 },
        { name: 'petal_width', type: 'number', min: 0, max: 100 },
        { name: 'target', type: 'integer', values: [0, 1, 2] },
      ],
    }),
  );
  if (existsSync(file) && statSync(file).size >= sizeMB * 1024 * 1024) return;
  const out = createWriteStream(file);
  out.write('sepal_length,sepal_width,petal_length,petal_width,target\n');
  let written = 0;
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 10;
  while (written < sizeMB * 1024 * 1024) {
    let chunk = '';
    for (let i = 0; i < 10000; i++) {
      chunk += `${rnd().toFixed(2)},${rnd().toFixed(2)},${rnd().toFixed(2)},${rnd().toFixed(2)},${i % 3}\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

async function main() {
  await generate();
  const mb = statSync(file).size / 1024 / 1024;
  const tasks = join(__dirname, 'validate-tasks.js');
  const bare = measure(tasks, 'bareParse', { file });
  const ours = measure(tasks, 'validate', { file, schema });
  if (ours.result.rows !== bare.result.rows - 1 || !ours.result.valid) {
    throw new Error(`validation disagrees with the baseline: ${JSON.stringify({ bare, ours })}`);
  }
  const ratio = bare.seconds / ours.seconds;
  console.log(`file: ${mb.toFixed(0)} MB, ${ours.result.rows.toLocaleString('en')} rows`);
  console.log(
    `bare csv-parse: ${(mb / bare.seconds).toFixed(1)} MB/s, peak RSS ${bare.maxRssMB.toFixed(0)} MB`,
  );
  console.log(
    `mlctl validate: ${(mb / ours.seconds).toFixed(1)} MB/s, peak RSS ${ours.maxRssMB.toFixed(0)} MB`,
  );
  console.log(
    `throughput ratio (validate / bare parse): ${ratio.toFixed(2)} (target >= 0.5) ${ratio >= 0.5 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `peak RSS: ${ours.maxRssMB.toFixed(0)} MB (target < 300 MB) ${ours.maxRssMB < 300 ? 'OK' : 'MISSED'}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

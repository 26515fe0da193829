'use strict';
// mlctl's side of bench/batch.bench.js, each run in a fresh process (bench/measure.js): the commands'
// cores as the CLI calls them, so the time and peak RSS (worker threads included) are the command's.
const { PassThrough } = require('node:stream');

const dist = (path) => require(`../dist/${path}`);

function deps() {
  const pino = require('pino');
  return { logger: pino({ level: 'silent' }), cwd: process.cwd(), stdout: new PassThrough().resume() };
}

async function predict({ model, data, output, threads }) {
  const { runPredict } = dist('commands/predict/run-predict.js');
  const cpu = process.cpuUsage();
  const r = await runPredict({ model, data, output, format: 'csv', proba: true, threads }, deps());
  const used = process.cpuUsage(cpu);
  return { rows: r.rows, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function explain({ model, data, output, threads, allClasses }) {
  const { runExplain } = dist('commands/explain/run-explain.js');
  const cpu = process.cpuUsage();
  const r = await runExplain({ model, data, output, format: 'csv', allClasses, threads }, deps());
  const used = process.cpuUsage(cpu);
  return { rows: r.rows, threads: r.threads, cpuSeconds: (used.user + used.system) / 1e6 };
}

module.exports = { predict, explain };

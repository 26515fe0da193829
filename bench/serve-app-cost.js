'use strict';
// What `mlctl serve` itself spends on one POST /predict of one iris row, without the HTTP around it:
// the app's handler (router, body parse, 10-tree model, reply, prediction log line, feedback store,
// metrics) driven with stand-in request and response objects. The load test (serve.bench.js) swings by
// ±5 points between runs on a shared machine, far more than a change to the request path moves it; this
// judges such a change alone. Not a target: a tool for working on the request path (docs/BENCHMARKS.md).
//   node bench/serve-app-cost.js                  nanoseconds per request (30 samples of 100,000)
//   node bench/serve-app-cost.js --instructions   instructions per request, counted by valgrind
//                                                 (deterministic; a few minutes)
//   … --penguins                                  a 10-tree penguins classifier (text categories, gaps)
//                                                 and a row of text and null, instead of iris
// Run `npm run build` first: it loads dist/.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { trainIrisModel } = require('./measure');

const root = join(__dirname, '..');
const IRIS_BODY = '{"features": [[5.1, 3.5, 1.4, 0.2]]}';
const PENGUINS_BODY = '{"features": [["Biscoe", 46.5, null, 210, 4500, "male", 2008]]}';
const dist = join(root, 'dist');

/** Builds the app as `mlctl serve` does, on the model in `modelDir`; returns a function serving n requests. */
async function createLoad(modelDir) {
  const pino = require('pino');
  const { createServeMetrics } = require(join(dist, 'telemetry', 'serve-metrics'));
  const { ModelHolder } = require(join(dist, 'serve', 'model-holder'));
  const { createPredictionLog } = require(join(dist, 'serve', 'prediction-log'));
  const { FeedbackTracker } = require(join(dist, 'serve', 'feedback'));
  const { createApp } = require(join(dist, 'serve', 'app'));
  const { createDirectorySource } = require(join(dist, 'serve', 'sources'));

  const metrics = createServeMetrics({ defaultMetrics: false });
  const holder = new ModelHolder(metrics);
  const source = createDirectorySource(modelDir);
  holder.set(await source.load(await source.resolve()));
  // The log's lines are made as in production; the stand-in destination drops them.
  const predictionLog = createPredictionLog({ stdout: { write: () => true } });
  // maxReplyWaitMs 0: each reply is written as soon as it is made (the server writes a round's replies
  // together, after its I/O; here there is no I/O, and the requests are served in one synchronous loop).
  const app = createApp(
    {
      holder,
      metrics,
      logger: pino({ level: 'warn' }),
      predictionLog,
      feedback: new FeedbackTracker({ maxRequests: 100_000, window: 1000 }),
      settings: {
        maxBatch: 1000,
        maxBodyBytes: 1 << 20,
        adminTokenHeader: 'X-Admin-Token',
        correlationHeader: 'X-Correlation-ID',
      },
      version: 'bench',
    },
    { maxReplyWaitMs: 0 },
  );
  const body = Buffer.from(process.env.MLCTL_BENCH_APP_BODY ?? IRIS_BODY);
  const headers = {
    host: '127.0.0.1:8000',
    'content-type': 'application/json',
    'content-length': String(body.length),
  };
  let status = 0;
  const res = {
    headersSent: false,
    writeHead(code) {
      status = code;
    },
    end() {},
    destroy() {},
  };
  const serve = (n) => {
    for (let i = 0; i < n; i++) {
      const listeners = {};
      const req = {
        headers,
        method: 'POST',
        url: '/predict',
        on(event, listener) {
          listeners[event] = listener;
          return req;
        },
        resume() {},
      };
      app(req, res);
      listeners.data(body);
      listeners.end();
      if (status !== 200) throw new Error(`POST /predict answered ${status}`);
    }
  };
  return { serve, flush: () => predictionLog.flush() };
}

/** Child mode: serve exactly n requests and exit (what valgrind counts). */
async function child(modelDir, n) {
  const load = await createLoad(modelDir);
  load.serve(n);
  load.flush();
}

async function timed(modelDir) {
  const load = await createLoad(modelDir);
  load.serve(200_000); // warm-up: optimized code and a full feedback store
  const samples = [];
  for (let s = 0; s < 30; s++) {
    const t = process.hrtime.bigint();
    load.serve(100_000);
    samples.push(Number(process.hrtime.bigint() - t) / 100_000);
  }
  load.flush();
  samples.sort((a, b) => a - b);
  console.log(
    `mlctl serve app, POST /predict (1 row, 10 trees), no HTTP: ${samples[0].toFixed(0)} ns/request ` +
      `(fastest of 30 samples of 100,000; median ${samples[15].toFixed(0)} ns)`,
  );
}

function instructions(modelDir) {
  // V8 on one thread (compiler and GC included) so that the count does not depend on scheduling; the
  // difference of two runs leaves out start-up and warm-up.
  const count = (n) => {
    const r = spawnSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--callgrind-out-file=/dev/null',
        '--smc-check=all-non-file',
        process.execPath,
        '--single-threaded',
        __filename,
        '--child',
        modelDir,
        String(n),
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error) throw new Error(`valgrind could not run (${r.error.message}); install valgrind`);
    const m = /Collected\s*:\s*(\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`valgrind run failed (${r.status}):\n${r.stderr.slice(-2000)}`);
    return Number(m[1]);
  };
  const small = 1000;
  const large = 31_000;
  const perRequest = (count(large) - count(small)) / (large - small);
  console.log(
    `mlctl serve app, POST /predict (1 ${process.env.MLCTL_BENCH_APP_BODY ? 'penguins' : 'iris'} row, 10 trees), no HTTP: ${Math.round(perRequest).toLocaleString('en')} ` +
      `instructions/request (valgrind, ${large - small} requests)`,
  );
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1], Number(args[2]));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlctl-app-cost-'));
  try {
    let model;
    if (args.includes('--penguins')) {
      // The child processes read the body from the environment.
      process.env.MLCTL_BENCH_APP_BODY = PENGUINS_BODY;
      model = trainPenguinsModel(join(dir, 'model'));
    } else model = trainIrisModel(join(dir, 'model'));
    if (args.includes('--instructions')) instructions(model);
    else await timed(model);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 10 trees on data/penguins (species; text categories, NA cells) into `output`. */
function trainPenguinsModel(output) {
  const data = join(root, 'data', 'penguins', 'penguins.csv');
  const args = ['train', '--data', data, '--target', 'species', '--na-values', 'NA', '--n-estimators', '10'];
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mlctl'), ...args, '--output', output], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`mlctl train failed (${r.status}): ${r.stderr}`);
  return output;
}

main().catch((err) => {
  console.error(`serve-app-cost: ${err.message}`);
  process.exit(1);
});

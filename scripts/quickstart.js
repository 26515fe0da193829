#!/usr/bin/env node
'use strict';
// `npm start`: the main job on one machine — validate, train, register, serve — with the embedded
// registry, no MLflow, no network. Every step runs the real CLI (bin/mlctl) as a child process, exactly
// as a user or a CI step would. The server stays in the foreground until Ctrl-C or SIGTERM.
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const { constants } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const mlctl = join(root, 'bin', 'mlctl');
const DATA = 'data/processed/iris.csv';
const SCHEMA = 'data/processed/iris.schema.json';
const MODEL = 'models:/iris@production';
const READY_TIMEOUT_MS = 30_000;

function fail(what, todo, code = 1) {
  console.error(`\nquick start: ${what}\n  ${todo}`);
  process.exit(code);
}

function settings() {
  const port = Number(process.env.PORT || '8000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(
      `PORT=${process.env.PORT} is not a port number.`,
      'Use 1–65535 (or 0 for any free port), e.g. PORT=8001 npm start.',
      2,
    );
  }
  return {
    port,
    host: process.env.HOST || '127.0.0.1',
    log: process.env.PREDICTION_LOG_PATH || '.mlctl/predictions.jsonl',
    registry: process.env.MLFLOW_TRACKING_URI
      ? `MLFLOW_TRACKING_URI=${process.env.MLFLOW_TRACKING_URI.replace(/\/\/[^/@]*@/, '//…@')}`
      : `the embedded local registry in ${process.env.MLCTL_REGISTRY_DIR || '.mlctl/registry'}`,
  };
}

/** Resolves with the error of listening on host:port, or null when the port is free. */
function probePort(host, port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', resolve);
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
}

function portTaken(port) {
  fail(
    `port ${port} is already in use (another \`npm start\` or \`mlctl serve\`, or another program).`,
    `Stop that program, or choose another port: PORT=${port === 8000 ? 8001 : port + 1} npm start (PORT=0 picks any free port).`,
  );
}

/** Runs one mlctl step in the foreground; returns its stdout when asked to capture it. */
function step(title, args, { capture = false } = {}) {
  console.log(`\n▶ ${title}\n  $ mlctl ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [mlctl, ...args], {
    cwd: root,
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn' },
    encoding: 'utf8',
  });
  if (capture && r.stdout) process.stdout.write(r.stdout);
  if (r.status !== 0) {
    const how = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit code ${r.status}`;
    fail(
      `\`mlctl ${args[0]}\` failed (${how}); stopping here.`,
      'Its message above says what went wrong.',
      r.status || 1,
    );
  }
  return r.stdout || '';
}

// /readyz answers 503 until the model is loaded, and serve logs each 503 as an error: ask once its log
// says "model loaded" (or, when LOG_LEVEL hides that line, every second after a while).
async function waitReady(url, child, loaded) {
  const probe = new URL('/readyz', url);
  if (probe.hostname === '0.0.0.0') probe.hostname = '127.0.0.1';
  if (probe.hostname === '[::]') probe.hostname = '[::1]';
  const started = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS && child.exitCode === null && child.signalCode === null) {
    const ask = loaded() || Date.now() - started > 3000;
    if (ask) {
      try {
        const res = await fetch(probe);
        if (res.ok) return (await res.json()).model;
      } catch {
        // not answering yet
      }
    }
    await new Promise((r) => setTimeout(r, ask && !loaded() ? 1000 : 50));
  }
  return undefined;
}

function printTryIt(base, log, model) {
  const json = "-H 'content-type: application/json'";
  console.log(`
✓ Serving ${MODEL} (version ${model.version}) on http://${base} — the prediction log is ${log}.

Try it from another terminal, in this directory:

  curl -s -X POST ${base}/predict ${json} -d '{"features": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}'
  curl -s -X POST ${base}/explain ${json} -d '{"features": [[6.2, 2.9, 4.3, 1.3]]}'
  curl -s -X POST ${base}/feedback ${json} -d '{"features": [[5.1, 3.5, 1.4, 0.2]], "labels": [0]}'
  curl -s ${base}/health
  curl -s ${base}/metrics

Compare the logged traffic with the model's training reference (a verdict needs at least 50 logged
rows; with fewer it says "not evaluated"):

  npx mlctl drift --reference ${MODEL} --current ${log}

Endpoints: docs/API.md · drift: docs/DRIFT.md
Waiting for requests; Ctrl-C stops the server.`);
}

async function main() {
  const { port, host, log, registry } = settings();
  // Checked first, so a busy port is reported before any work is done.
  if (port !== 0) {
    const err = await probePort(host, port);
    if (err && err.code === 'EADDRINUSE') portTaken(port);
    if (err)
      fail(
        `cannot listen on ${host}:${port}: ${err.message}`,
        'Set HOST or PORT to an address this machine can listen on.',
      );
  }

  step('Validate the training data against its schema', ['validate', DATA, '--schema', SCHEMA]);
  const trained = step(
    `Train a random forest and register it as iris, alias production, in ${registry}`,
    ['train', '--data', DATA, '--register', 'iris', '--alias', 'production'],
    { capture: true },
  );
  const uri = /^MODEL_URI=(.*)$/m.exec(trained);
  console.log(`  (each run registers a new version; ${uri ? uri[1] : 'it'} is now iris@production)`);

  console.log(
    `\n▶ Serve ${MODEL}\n  $ PREDICTION_LOG_PATH=${log} mlctl serve --model ${MODEL} --host ${host} --port ${port}`,
  );
  // Its own process group (not on Windows, where that opens a console): a terminal's Ctrl-C reaches
  // npm, this script and the server at once, and a server stopped twice exits without draining.
  const child = spawn(
    process.execPath,
    [mlctl, 'serve', '--model', MODEL, '--host', host, '--port', String(port)],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
      detached: process.platform !== 'win32',
      env: {
        ...process.env,
        PREDICTION_LOG_PATH: log,
        PREDICTION_LOG_STDOUT: 'false',
        LOG_LEVEL: process.env.LOG_LEVEL || 'info',
        LOG_FORMAT: process.env.LOG_FORMAT || 'text',
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (stderr.length < 65536) stderr += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });

  let stopping = 0;
  const stop = (signal) => {
    if (stopping === 0) {
      stopping = Date.now();
      console.error(`\nquick start: ${signal} — stopping mlctl serve (it finishes requests in flight)…`);
      // On Windows the console already delivered Ctrl-C to the server.
      if (!(process.platform === 'win32' && signal === 'SIGINT'))
        child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
    } else if (Date.now() - stopping > 1000) {
      // A second Ctrl-C; npm forwards the first one again at once, so only a later one counts.
      console.error('quick start: stopping now, without waiting.');
      child.kill('SIGKILL');
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
  // A SIGTERM sent to npm alone kills npm's shell without reaching this script: a script whose parent
  // is gone stops the server rather than leave it holding the port.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('SIGTERM'), 500).unref();

  const listening = await new Promise((resolve) => {
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]);
    };
    child.stderr.on('data', check);
    void exited.then(() => resolve(undefined));
  });
  const model =
    listening && !stopping ? await waitReady(listening, child, () => /model loaded/.test(stderr)) : undefined;
  if (model) {
    const bound = Number(new URL(listening).port);
    const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
    printTryIt(`${local ? 'localhost' : host}:${bound}`, log, model);
  } else if (!stopping && child.exitCode === null) {
    console.error(
      `\nquick start: mlctl serve did not get ready within ${READY_TIMEOUT_MS / 1000} s; its log above says why.`,
    );
    child.kill('SIGTERM');
  }

  const { code, signal } = await exited;
  if (code === 0) {
    console.log('quick start: stopped.');
  } else if (/EADDRINUSE/.test(stderr)) {
    portTaken(port);
  } else {
    console.error(`quick start: mlctl serve exited with ${signal ? `signal ${signal}` : `code ${code}`}.`);
  }
  process.exitCode = code ?? 128 + (constants.signals[signal] || 0);
}

main().catch((err) =>
  fail(`unexpected error: ${err.stack || err}`, 'Please report it with the output above.'),
);

'use strict';
// What one POST /predict costs the whole `mlctl serve` process — node:http, the app, the prediction
// log — counted by valgrind's cache simulator (cachegrind): instructions, and first-level instruction
// and data cache misses, per request. Under load on this machine a request's time followed its cache
// misses more than its instructions (docs/BENCHMARKS.md): code that runs once per request between
// node:http's own code is fetched into the CPU's caches again each time. Deterministic, unlike a load
// test. Not a target: a tool for working on the request path.
//   node bench/serve-cache-cost.js            mlctl serve
//   node bench/serve-cache-cost.js --refs     also bench/http-floor.js and bench/bare-http.js
//   node bench/serve-cache-cost.js --quick    500 and 1,500 requests: checks that the tool works (CI);
//                                             the numbers still hold warm-up
// Each server runs twice under valgrind (4,000 and 12,000 requests over 32 keep-alive connections, V8
// on one thread); the difference of the two runs leaves out start-up and warm-up. A few minutes per
// server. Run `npm run build` first: it starts bin/mlctl.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { freePort } = require('../scripts/lib/free-port');
const { trainIrisModel } = require('./measure');

const root = join(__dirname, '..');
const BODY = '{"features": [[5.1, 3.5, 1.4, 0.2]]}';
const CONNECTIONS = 32;
const quick = process.argv.includes('--quick');
const SMALL = quick ? 500 : 4000;
const LARGE = quick ? 1500 : 12_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `n` requests over CONNECTIONS keep-alive connections, one in flight on each; resolves with the
 * number of answers that were not 200; rejects if a connection fails or closes first. A raw HTTP/1.1
 * client on plain sockets.
 */
function load(port, n) {
  const request =
    `POST /predict HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    let failed = 0;
    const sockets = [];
    let settled = false;
    const done = (err) => {
      if (settled) return;
      settled = true;
      for (const s of sockets) s.destroy();
      if (err) reject(err);
      else resolve(failed);
    };
    for (let c = 0; c < CONNECTIONS; c++) {
      const socket = net.connect(port, '127.0.0.1');
      sockets.push(socket);
      let pending = '';
      const next = () => {
        if (sent < n) {
          sent++;
          socket.write(request);
        }
      };
      socket.on('connect', next);
      socket.on('error', done);
      socket.on('close', () =>
        done(new Error(`the server closed a connection after ${answered} of ${n} answers`)),
      );
      socket.on('data', (chunk) => {
        pending += chunk.toString('latin1');
        for (;;) {
          const headEnd = pending.indexOf('\r\n\r\n');
          if (headEnd === -1) return;
          const length = /\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, headEnd));
          if (!length) return done(new Error(`an answer without content-length: ${pending.slice(0, 200)}`));
          const end = headEnd + 4 + Number(length[1]);
          if (pending.length < end) return;
          if (!pending.startsWith('HTTP/1.1 200 ')) failed++;
          pending = pending.slice(end);
          if (++answered === n) return done();
          next();
        }
      });
    }
  });
}

async function ready(port, deadline) {
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(1000);
  }
  throw new Error('the server did not answer POST /predict with 200 within 5 minutes under valgrind');
}

/** Runs a server under cachegrind, loads it with n requests, stops it; the process's totals. */
async function measure(server, n) {
  const port = await freePort();
  let stderr = '';
  const child = spawn(
    'valgrind',
    [
      '--tool=cachegrind',
      '--cache-sim=yes',
      '--cachegrind-out-file=/dev/null',
      '--smc-check=all-non-file',
      process.execPath,
      '--single-threaded',
      ...server.args(port),
    ],
    { env: { ...process.env, ...server.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve, reject) => {
    child.once('error', (err) =>
      reject(new Error(`valgrind could not run (${err.message}); install valgrind`)),
    );
    child.once('exit', resolve);
  });
  try {
    await Promise.race([
      ready(port, Date.now() + 300_000),
      exited.then((code) => Promise.reject(new Error(`the server exited (${code}) before it was ready`))),
    ]);
    const failed = await load(port, n);
    if (failed) throw new Error(`${failed} of ${n} requests were not answered 200`);
  } catch (err) {
    child.kill('SIGKILL');
    await exited.catch(() => {});
    throw new Error(`${server.name}: ${err.message}\n${stderr.slice(-2000)}`, { cause: err });
  }
  child.kill('SIGTERM');
  await exited;
  const count = (label) => {
    const m = new RegExp(`${label}:\\s+([\\d,]+)`).exec(stderr);
    if (!m) throw new Error(`${server.name}: no "${label}" in valgrind's report:\n${stderr.slice(-2000)}`);
    return Number(m[1].replace(/,/g, ''));
  };
  return {
    instructions: count('I\\s+refs'),
    i1: count('I1\\s+misses'),
    d1: count('D1\\s+misses'),
    ll: count('LL misses'),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mlctl-cache-cost-'));
  try {
    const model = trainIrisModel(join(dir, 'model'));
    const servers = [
      {
        name: 'mlctl serve',
        // The semi-space flags bin/mlctl would otherwise add by replacing itself (valgrind would lose it).
        args: (port) => [
          '--min-semi-space-size=16',
          '--max-semi-space-size=16',
          join(root, 'bin', 'mlctl'),
          'serve',
          '--model',
          model,
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
        ],
        env: { PREDICTION_LOG_STDOUT: 'true', MODEL_AUTO_REFRESH_SECONDS: '0', LOG_LEVEL: 'warn' },
      },
    ];
    if (process.argv.includes('--refs')) {
      for (const [name, file] of [
        ["node:http, /predict's HTTP only", 'http-floor.js'],
        ['bare node:http', 'bare-http.js'],
      ])
        servers.push({ name, args: (port) => [join(__dirname, file), String(port)], env: {} });
    }
    console.log(
      `per POST /predict (1 row, 10 trees), valgrind cachegrind, difference of ${LARGE.toLocaleString('en')} and ${SMALL.toLocaleString('en')} requests${quick ? ' (quick: still warming up, not for comparing)' : ''}:`,
    );
    for (const server of servers) {
      const small = await measure(server, SMALL);
      const large = await measure(server, LARGE);
      const per = (key) => Math.round((large[key] - small[key]) / (LARGE - SMALL)).toLocaleString('en');
      console.log(
        `  ${server.name.padEnd(32)} ${per('instructions').padStart(8)} instructions, ${per('i1').padStart(6)} I1 misses, ` +
          `${per('d1').padStart(6)} D1 misses, ${per('ll').padStart(4)} LL misses`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`serve-cache-cost: ${err.message}`);
  process.exit(1);
});

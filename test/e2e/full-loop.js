#!/usr/bin/env node
'use strict';
/*
 * The whole loop with real services on loopback (npm run test:e2e; .ci/run runs it):
 *   validate → MLflow + Prometheus → train v1 (production) → stable serve → train v2 (candidate) → canary
 *   serve → traffic and feedback → canary promote → stable hot-swaps → drift detected → DataDriftDetected
 *   fires → bad v3 rejected → rollback.
 * Every step is a real `mlctl` process (the built CLI), a real MLflow server (the pinned PyPI release in
 * ~/.cache/mlctl/venv, see scripts/ci/mlflow.sh) and Debian's Prometheus with infra/prometheus/rules.
 * It prints a timeline, stops at the first broken step with what was expected and what happened, and
 * stops everything it started however it ends. Needs `npm run build` (npm ci does it).
 */
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, mkdirSync } = require('node:fs');
const { tmpdir, homedir } = require('node:os');
const { join } = require('node:path');
const YAML = require('yaml');
const { freePort } = require('../../scripts/lib/free-port');

const ROOT = join(__dirname, '..', '..');
const MLCTL = join(ROOT, 'bin', 'mlctl');
const IRIS = join(ROOT, 'data', 'processed', 'iris.csv');
const PYTHON = process.env.MLCTL_TEST_PYTHON || join(homedir(), '.cache', 'mlctl', 'venv', 'bin', 'python');
const PROMETHEUS = process.env.MLCTL_PROMETHEUS_BIN || 'prometheus';
const KEEP = process.env.MLCTL_E2E_KEEP === '1';

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'mlctl-e2e-'));
const children = [];
const timeline = [];

// ---------------------------------------------------------------------------------------------------------
// Plumbing: steps, processes, HTTP.

const clock = () => {
  const s = Math.floor((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

class StepFailed extends Error {}

async function step(title, fn) {
  const t = Date.now();
  process.stdout.write(`[${clock()}] ▶ ${title}\n`);
  try {
    const note = await fn();
    const line = `[${clock()}] ✓ ${title} (${((Date.now() - t) / 1000).toFixed(1)} s)${note ? ` — ${note}` : ''}`;
    timeline.push(line);
    process.stdout.write(`${line}\n`);
  } catch (err) {
    const line = `[${clock()}] ✗ ${title}: ${err.message}`;
    timeline.push(line);
    throw new StepFailed(line);
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Starts a long-running process in its own process group; its output goes to <work>/<name>.log. */
function background(name, command, args, env = {}) {
  const log = join(work, `${name}.log`);
  const out = require('node:fs').openSync(log, 'a');
  const child = spawn(command, args, {
    cwd: work,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  child.on('error', () => {});
  children.push({ name, child, log });
  return child;
}

function logTail(name, lines = 20) {
  try {
    return readFileSync(join(work, `${name}.log`), 'utf8')
      .trim()
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

const baseEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LOG_LEVEL: 'warn',
  MODEL_CACHE_DIR: join(work, 'cache'),
  MLFLOW_TRACKING_URI: services.mlflow,
});

/** Runs `mlctl …` to completion; resolves with its exit code and output. */
function mlctl(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MLCTL, ...args], {
      cwd: work,
      env: { ...baseEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function mlctlOk(args, expectedCode = 0, env = {}) {
  const r = await mlctl(args, env);
  expect(
    r.code === expectedCode,
    `\`mlctl ${args.join(' ')}\` exited ${r.code}, expected ${expectedCode}:\n${r.stderr.trim()}\n${r.stdout.trim()}`.slice(
      0,
      4000,
    ),
  );
  return r;
}

async function until(what, check, timeoutMs = 30_000, pauseMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last === true || (last && last.ok)) return last;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > end)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

async function getJson(url) {
  const r = await fetch(url);
  return { status: r.status, body: await r.json().catch(() => undefined) };
}

async function postJson(url, body) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json().catch(() => undefined) };
}

async function servedVersion(url) {
  const r = await getJson(`${url}/readyz`).catch(() => ({ status: 0 }));
  return r.status === 200 ? r.body.model.version : undefined;
}

async function promQuery(q) {
  const r = await getJson(`${services.prometheus}/api/v1/query?${new URLSearchParams({ query: q })}`);
  if (r.body?.status !== 'success') throw new Error(`query ${q}: ${r.body?.error ?? r.status}`);
  return r.body.data.result;
}

/** MLflow's own Python client, to prove mlctl's registry writes are what MLflow users see. */
function mlflowClient(code) {
  const r = spawnSync(
    PYTHON,
    ['-c', `from mlflow import MlflowClient\nc = MlflowClient("${services.mlflow}")\n${code}`],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(r.status === 0, `MLflow's Python client failed: ${r.stderr}`);
  return r.stdout.trim();
}

// ---------------------------------------------------------------------------------------------------------
// Traffic: iris rows with their true labels as feedback; `scale` shifts the features (drift).

const rows = readFileSync(IRIS, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));

function traffic(url, { scale = 1, feedback = true } = {}) {
  let running = true;
  const stats = { sent: 0, failed: 0, errors: [] };
  const loop = (async () => {
    let i = 0;
    while (running) {
      const row = rows[(i++ * 37) % rows.length];
      const features = row.slice(0, 4).map((v) => Math.round(v * scale * 100) / 100);
      try {
        const p = await postJson(`${url}/predict`, { features: [features] });
        stats.sent++;
        if (p.status !== 200) {
          stats.failed++;
          stats.errors.push(`/predict ${p.status}`);
        } else if (feedback) {
          const f = await postJson(`${url}/feedback`, { request_id: p.body.request_id, labels: [row[4]] });
          stats.sent++;
          if (f.status !== 200) {
            stats.failed++;
            stats.errors.push(`/feedback ${f.status}`);
          }
        }
      } catch (err) {
        stats.failed++;
        stats.errors.push(err.message);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stats,
    stop: async () => {
      running = false;
      await loop;
      return stats;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The loop.

/** Starts `mlctl serve` on a model URI (refresh every second) and waits until it serves `version`. */
async function startServe(name, uri, port, version, env = {}) {
  background(
    name,
    process.execPath,
    [MLCTL, 'serve', '--model', uri, '--host', '127.0.0.1', '--port', String(port)],
    {
      ...baseEnv(),
      LOG_LEVEL: 'info',
      MODEL_AUTO_REFRESH_SECONDS: '1',
      PREDICTION_LOG_STDOUT: 'false',
      ...env,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await until(
    `${name} serves version ${version}`,
    async () => (await servedVersion(url)) === version,
    60_000,
  ).catch((err) => {
    throw new Error(`${err.message}\n${logTail(name)}`);
  });
}

const services = {};

async function main() {
  process.stdout.write(`mlctl end-to-end: working in ${work}\n`);
  const ports = {
    mlflow: await freePort(),
    prometheus: await freePort(),
    stable: await freePort(),
    canary: await freePort(),
    drift: await freePort(),
  };
  const url = (name) => `http://127.0.0.1:${ports[name]}`;
  services.mlflow = url('mlflow');
  services.prometheus = url('prometheus');
  const stableLog = join(work, 'stable-predictions.jsonl');

  await step(
    '1. mlctl validate: the iris data passes; a corrupted copy is rejected with exit 3',
    async () => {
      const schema = join(ROOT, 'data', 'processed', 'iris.schema.json');
      await mlctlOk(['validate', IRIS, '--schema', schema]);
      const lines = readFileSync(IRIS, 'utf8').split('\n');
      lines[5] = lines[5].replace(/^[^,]+/, 'abc');
      lines[9] = lines[9].replace(/,\d+$/, ',7');
      const broken = join(work, 'corrupted-iris.csv');
      writeFileSync(broken, lines.join('\n'));
      const r = await mlctlOk(
        ['validate', broken, '--schema', join(ROOT, 'data', 'processed', 'iris.schema.json')],
        3,
      );
      return `corrupted copy: ${r.stdout.split('\n')[0]}`;
    },
  );

  await step(
    '2. start a real MLflow server (PyPI) and a real Prometheus (Debian) with the shipped rules',
    async () => {
      expect(
        existsSync(PYTHON),
        `no Python with MLflow at ${PYTHON}: run \`bash scripts/ci/mlflow.sh install\``,
      );
      expect(
        spawnSync(PROMETHEUS, ['--version']).status === 0,
        `no ${PROMETHEUS}: apt-get install prometheus`,
      );
      mkdirSync(join(work, 'mlflow-artifacts'), { recursive: true });
      background(
        'mlflow',
        join(PYTHON, '..', 'mlflow'),
        [
          'server',
          '--host',
          '127.0.0.1',
          '--port',
          String(ports.mlflow),
          '--workers',
          '1',
          '--backend-store-uri',
          `sqlite:///${join(work, 'mlflow.db')}`,
          '--artifacts-destination',
          join(work, 'mlflow-artifacts'),
        ],
        { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
      );
      // The shipped rules, with DataDriftDetected's `for:` cut from 10m to 5s so it can fire in this run.
      const rules = YAML.parse(
        readFileSync(join(ROOT, 'infra', 'prometheus', 'rules', 'mlctl.rules.yml'), 'utf8'),
      );
      let found = false;
      for (const group of rules.groups) {
        group.interval = '1s';
        for (const rule of group.rules) {
          if (rule.alert === 'DataDriftDetected') {
            rule.for = '5s';
            found = true;
          }
        }
      }
      expect(found, 'infra/prometheus/rules/mlctl.rules.yml has no DataDriftDetected alert');
      writeFileSync(join(work, 'rules.yml'), YAML.stringify(rules));
      const check = spawnSync('promtool', ['check', 'rules', join(work, 'rules.yml')], { encoding: 'utf8' });
      expect(check.status === 0, `promtool check rules: ${check.stdout}${check.stderr}`);
      // infra/prometheus/local.yml (the README walkthrough's config) with this run's ports and 1 s intervals.
      const config = YAML.parse(readFileSync(join(ROOT, 'infra', 'prometheus', 'local.yml'), 'utf8'));
      const portOf = {
        'mlctl-stable': ports.stable,
        'mlctl-canary': ports.canary,
        'drift-monitor': ports.drift,
      };
      for (const job of config.scrape_configs) {
        expect(
          portOf[job.job_name] !== undefined,
          `unexpected job ${job.job_name} in infra/prometheus/local.yml`,
        );
        job.static_configs[0].targets = [`127.0.0.1:${portOf[job.job_name]}`];
      }
      config.global = { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' };
      config.rule_files = [join(work, 'rules.yml')];
      writeFileSync(join(work, 'prometheus.yml'), YAML.stringify(config));
      background(PROMETHEUS, PROMETHEUS, [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        '--log.level=warn',
      ]);
      await until('Prometheus ready', async () => (await fetch(`${services.prometheus}/-/ready`)).ok, 30_000);
      await until(
        'MLflow /health',
        async () => (await (await fetch(`${services.mlflow}/health`)).text()) === 'OK',
        180_000,
        500,
      ).catch((err) => {
        throw new Error(`${err.message}\n${logTail('mlflow')}`);
      });
      return `MLflow ${services.mlflow}, Prometheus ${services.prometheus}`;
    },
  );

  await step(
    '3. train v1, register it as iris@production in MLflow; start the stable mlctl serve',
    async () => {
      await mlctlOk([
        'train',
        '--data',
        IRIS,
        '--output',
        join(work, 'm1'),
        '--n-estimators',
        '50',
        '--seed',
        '1',
        '--register',
        'iris',
        '--alias',
        'production',
      ]);
      await startServe('stable', 'models:/iris@production', ports.stable, '1', {
        PREDICTION_LOG_PATH: stableLog,
      });
      return 'models:/iris@production → version 1';
    },
  );

  await step(
    '4. train a candidate with other settings → v2 (alias candidate); start the canary mlctl serve',
    async () => {
      await mlctlOk([
        'train',
        '--data',
        IRIS,
        '--output',
        join(work, 'm2'),
        '--n-estimators',
        '20',
        '--max-depth',
        '4',
        '--seed',
        '2',
        '--register',
        'iris',
        '--alias',
        'candidate',
      ]);
      await startServe('canary', 'models:/iris@candidate', ports.canary, '2');
      return 'models:/iris@candidate → version 2';
    },
  );

  let stableTraffic;
  let canaryTraffic;
  await step('5. traffic and feedback (true labels) to both; Prometheus scrapes both tracks', async () => {
    stableTraffic = traffic(url('stable'));
    canaryTraffic = traffic(url('canary'));
    await until(
      'Prometheus has live accuracy for the canary',
      async () => (await promQuery('ml_model_accuracy{source="feedback",track="canary"}')).length === 1,
    );
    await until(
      'Prometheus has the canary request rate',
      async () =>
        (
          await promQuery('sum(rate(ml_request_latency_seconds_count{track="canary",path="/predict"}[15s]))')
        )[0]?.value[1] > 0,
    );
    const acc = (await promQuery('ml_model_accuracy{source="feedback",track="canary"}'))[0].value[1];
    return `canary live accuracy ${Number(acc).toFixed(3)}`;
  });

  const policy = join(work, 'policy.yaml');
  const shipped = YAML.parse(readFileSync(join(ROOT, 'infra', 'canary', 'policy.yaml'), 'utf8'));
  writeFileSync(policy, YAML.stringify({ ...shipped, interval: '2s', count: 3, initialDelay: '0s' }));
  const promote = (version) =>
    mlctl([
      'canary',
      'promote',
      '--model',
      `models:/iris/${version}`,
      '--policy',
      policy,
      '--prometheus-url',
      services.prometheus,
      '--var',
      'window=15s',
      '--canary-url',
      url('canary'),
      '--json',
    ]);

  await step(
    '6. mlctl canary promote v2 → promoted; stable hot-swaps with no failed request; MLflow sees the alias',
    async () => {
      // Watch the stable server while the gate runs, to time its hot swap from the registry change.
      let swappedAt;
      let watching = true;
      const watcher = (async () => {
        while (watching && swappedAt === undefined) {
          if ((await servedVersion(url('stable'))) === '2') swappedAt = Date.now();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const r = await promote('2');
      const report = JSON.parse(r.stdout || '{}');
      expect(
        r.code === 0 && report.decision === 'promoted',
        `expected promoted (exit 0), got exit ${r.code}: ${report.reasons?.join('; ') ?? r.stderr}`,
      );
      await until('stable serves version 2', async () => swappedAt !== undefined, 10_000);
      watching = false;
      await watcher;
      await new Promise((r) => setTimeout(r, 500));
      const s = await stableTraffic.stop();
      const c = await canaryTraffic.stop();
      expect(
        s.failed === 0 && c.failed === 0,
        `failed requests: stable ${s.failed} (${s.errors.slice(0, 3)}), canary ${c.failed}`,
      );
      const seen = mlflowClient('print(c.get_model_version_by_alias("iris", "production").version)');
      expect(seen === '2', `MLflow's client sees iris@production = ${seen}, expected 2`);
      const decidedAt = Date.parse(
        mlflowClient('print(c.get_model_version("iris", "2").tags["mlctl.canary.decided_at"])'),
      );
      const swapS = ((swappedAt - decidedAt) / 1000).toFixed(1);
      expect(
        swappedAt - decidedAt < 5_000,
        `the stable server took ${swapS} s to follow the alias (refresh interval 1 s)`,
      );
      const tag = mlflowClient('print(c.get_model_version("iris", "2").tags["mlctl.canary.decision"])');
      expect(tag === 'promoted', `version 2's mlctl.canary.decision tag is ${tag}`);
      return `stable on v2 ${swapS} s after the alias moved; ${s.sent + c.sent} requests, 0 failed; MLflow client: iris@production = v2`;
    },
  );

  await step(
    '7. shifted traffic → mlctl drift exits 3; mlctl drift serve exposes it; DataDriftDetected fires in Prometheus',
    async () => {
      const logged = readFileSync(stableLog, 'utf8').trim().split('\n').length;
      const shifted = traffic(url('stable'), { scale: 1.6, feedback: false });
      await until(
        'the shifted rows outnumber the earlier ones 3:1',
        async () => shifted.stats.sent >= 3 * logged,
        120_000,
        200,
      );
      await shifted.stop();
      await new Promise((r) => setTimeout(r, 1500)); // the prediction log is flushed every second
      const r = await mlctlOk(
        ['drift', '--reference', 'models:/iris@production', '--current', stableLog, '--fail-on-drift'],
        3,
      );
      background(
        'drift',
        process.execPath,
        [MLCTL, 'drift', 'serve', '--reference', 'models:/iris@production', '--current', stableLog],
        {
          ...baseEnv(),
          DRIFT_HOST: '127.0.0.1',
          DRIFT_PORT: String(ports.drift),
          DRIFT_EVALUATION_INTERVAL_SECONDS: '2',
        },
      );
      await until(
        'Prometheus scrapes ml_data_drift_status 1',
        async () => (await promQuery('ml_data_drift_status'))[0]?.value[1] === '1',
        60_000,
      ).catch((err) => {
        throw new Error(`${err.message}\n${logTail('drift')}`);
      });
      await until(
        'DataDriftDetected firing',
        async () =>
          (await promQuery('ALERTS{alertname="DataDriftDetected",alertstate="firing"}')).length === 1,
        30_000,
      );
      return `${r.stdout.split('\n')[0]}; alert DataDriftDetected firing`;
    },
  );

  await step(
    '8. a bad candidate v3 (trained on wrong labels) is rejected; mlctl canary rollback restores v1',
    async () => {
      const wrong = readFileSync(IRIS, 'utf8')
        .trim()
        .split('\n')
        .map((line, i) => (i === 0 ? line : line.replace(/,(\d+)$/, (_, t) => `,${(Number(t) + 1) % 3}`)));
      writeFileSync(join(work, 'wrong-labels.csv'), `${wrong.join('\n')}\n`);
      await mlctlOk([
        'train',
        '--data',
        join(work, 'wrong-labels.csv'),
        '--output',
        join(work, 'm3'),
        '--n-estimators',
        '20',
        '--seed',
        '3',
        '--register',
        'iris',
        '--alias',
        'candidate',
      ]);
      await until(
        'canary serves version 3',
        async () => (await servedVersion(url('canary'))) === '3',
        15_000,
      );
      const bad = traffic(url('canary'));
      try {
        await until(
          'Prometheus sees v3 live accuracy',
          async () =>
            (
              await promQuery(
                'ml_model_accuracy{source="feedback",track="canary"} * on(instance) ml_model_info{version="3"}',
              )
            ).length === 1,
        );
        const r = await promote('3');
        const report = JSON.parse(r.stdout || '{}');
        expect(
          r.code === 3 && report.decision === 'rejected',
          `expected rejected (exit 3), got exit ${r.code}: ${report.reasons?.join('; ') ?? r.stderr}`,
        );
      } finally {
        await bad.stop();
      }
      expect(
        mlflowClient('print(c.get_model_version_by_alias("iris", "production").version)') === '2',
        'production moved on a rejection',
      );
      const rb = await mlctlOk(['canary', 'rollback', '--name', 'iris']);
      const seen = mlflowClient('print(c.get_model_version_by_alias("iris", "production").version)');
      expect(seen === '1', `after rollback MLflow's client sees iris@production = ${seen}, expected 1`);
      await until(
        'stable serves version 1 again',
        async () => (await servedVersion(url('stable'))) === '1',
        10_000,
      );
      return `${rb.stdout.split('\n')[0]}`;
    },
  );
}

/** Signals a child's whole process group (MLflow's server has workers); false when it is already gone. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function cleanup() {
  for (const { child } of children.reverse()) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    signalGroup(child.pid, 'SIGTERM');
  }
  const deadline = Date.now() + 10_000;
  for (const { child } of children) {
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      signalGroup(child.pid, 'SIGKILL');
    }
  }
  if (!KEEP) rmSync(work, { recursive: true, force: true });
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stdout.write(`\ninterrupted (${signal}); stopping everything\n`);
    void cleanup().then(() => process.exit(130));
  });
}

main().then(
  async () => {
    await cleanup();
    const total = (Date.now() - started) / 1000;
    process.stdout.write(
      `\nTimeline\n${timeline.join('\n')}\n\nend-to-end: all 8 steps passed in ${total.toFixed(0)} s\n`,
    );
  },
  async (err) => {
    if (!(err instanceof StepFailed)) timeline.push(`end-to-end crashed: ${err.stack}`);
    process.stderr.write(
      `\nTimeline\n${timeline.join('\n')}\n\nend-to-end FAILED (the ✗ step above says what was expected and what happened)\n`,
    );
    if (KEEP) process.stderr.write(`(kept ${work})\n`);
    else
      for (const { name } of children) process.stderr.write(`--- ${name} log (tail)\n${logTail(name, 15)}\n`);
    await cleanup();
    process.exit(1);
  },
);

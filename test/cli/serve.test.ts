import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { eventually, startServeProcess } from '../helpers/serve-process';

const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');
const ROW = [5.1, 3.5, 1.4, 0.2];

async function predict(url: string, body: unknown = { features: [ROW] }) {
  const r = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** The serve log's "retrying" lines, parsed. */
function retries(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'model not loaded yet; retrying');
}

describe('mlctl serve (built CLI)', () => {
  let dir: string;
  const env = () => ({ MLCTL_REGISTRY_DIR: join(dir, 'registry'), MODEL_CACHE_DIR: join(dir, 'cache') });

  beforeAll(async () => {
    dir = tempDir('mlctl-serve-');
    for (const [out, seed] of [
      ['m1', '1'],
      ['m2', '2'],
    ] as const) {
      const t = await spawnCli([
        'train',
        '--data',
        IRIS,
        '--output',
        join(dir, out),
        '--n-estimators',
        '10',
        '--seed',
        seed,
        '--threads',
        '1',
      ]);
      expect(t.code).toBe(0);
    }
    const r = await spawnCli(
      ['register', '--model-dir', join(dir, 'm1'), '--name', 'iris', '--alias', 'production'],
      { env: env() },
    );
    expect(r.code).toBe(0);
  }, 60_000);

  it('serves a model directory, logs predictions to stdout and the JSONL file, and drains on SIGTERM: exit 0', async () => {
    const log = join(dir, 'predictions.jsonl');
    const s = await startServeProcess(['--model', join(dir, 'm1')], {
      env: { ...env(), PREDICTION_LOG_PATH: log },
    });
    await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200).catch(async (err) => {
      await s.stop('SIGKILL');
      throw err;
    });
    const p = await predict(s.url);
    expect(p.status).toBe(200);
    expect(p.json).toMatchObject({
      predictions: [0],
      model_version: expect.stringMatching(/^local-[0-9a-f]{12}$/),
    });
    // A quiet server's lines are not held back until a buffer fills: both logs have it while it runs.
    await eventually(
      async () => existsSync(log) && readFileSync(log, 'utf8').includes('"event":"prediction"'),
    );
    await eventually(async () => s.stdout().includes('"event":"prediction"'));
    expect(await s.stop('SIGTERM')).toBe(0);
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n')[0] as string);
    expect(line).toMatchObject({
      event: 'prediction',
      features: [ROW],
      predictions: [0],
      model: { name: 'm1' },
    });
    expect(s.stdout()).toContain('"event":"prediction"');
    expect(s.stderr()).toContain('"msg":"stopped"');
  }, 30_000);

  it('follows a registry alias and hot-swaps when it moves', async () => {
    const s = await startServeProcess(['--model', 'models:/iris@production'], {
      env: { ...env(), MODEL_AUTO_REFRESH_SECONDS: '1', PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
      expect((await predict(s.url)).json.model_version).toBe('1');
      const r = await spawnCli(
        ['register', '--model-dir', join(dir, 'm2'), '--name', 'iris', '--alias', 'production'],
        { env: env() },
      );
      expect(r.code).toBe(0);
      await eventually(async () => (await predict(s.url)).json.model_version === '2', 15_000);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toContain('ml_model_info{name="iris",version="2",uri="models:/iris@production"} 1');
    } finally {
      expect(await s.stop('SIGINT')).toBe(0);
    }
  }, 40_000);

  it('finishes a request in flight before exiting on SIGTERM', async () => {
    const s = await startServeProcess(['--model', join(dir, 'm1')], {
      env: { ...env(), PREDICTION_LOG_STDOUT: 'false' },
    });
    await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
    // A large batch keeps the request busy while the signal arrives.
    const pending = predict(s.url, { features: Array.from({ length: 1000 }, () => ROW) });
    await new Promise((r) => setTimeout(r, 5));
    const code = s.stop('SIGTERM');
    const result = await pending;
    expect(result.status).toBe(200);
    expect((result.json.predictions as unknown[]).length).toBe(1000);
    expect(await code).toBe(0);
  }, 30_000);

  it.each([
    ['a directory that does not exist', 'nope', /^mlctl: error: model directory nope does not exist$/m],
    ['an unknown registered model', 'models:/nope@production', /registered model 'nope' not found/],
    ['an unknown version', 'models:/iris/99', /model 'iris' has no version 99/],
    ['an unknown alias', 'models:/iris@staging', /model 'iris' has no alias 'staging'/],
  ])('exits 2 at start for %s, with one message and no server', async (_, model, message) => {
    const started = Date.now();
    const r = await spawnCli(['serve', '--model', model, '--port', '0'], { env: env() });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(message),
    });
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/listening|"stack"|at .*\.js:\d+/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('starts not ready when the registry is unreachable, and says why', async () => {
    const s = await startServeProcess(['--model', 'models:/iris@production'], {
      env: {
        ...env(),
        MLFLOW_TRACKING_URI: 'http://127.0.0.1:9',
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0',
        PREDICTION_LOG_STDOUT: 'false',
      },
    });
    try {
      expect((await fetch(`${s.url}/livez`)).status).toBe(200);
      await eventually(async () => {
        const h = (await (await fetch(`${s.url}/health`)).json()) as {
          registry: { last_error: string | null };
        };
        return h.registry.last_error !== null;
      });
      const health = await fetch(`${s.url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ready: false, registry: { reachable: false } });
      expect((await fetch(`${s.url}/readyz`)).status).toBe(503);
      // Retried with backoff (1 s, 2 s, …), one line per attempt, no stack trace.
      await eventually(async () => retries(s.stderr()).length >= 2, 10_000);
      const [first, second] = retries(s.stderr());
      expect(first).toMatchObject({ level: 'warn', attempt: 1, retry_in_s: 1, code: 'REGISTRY_UNAVAILABLE' });
      expect(second).toMatchObject({ attempt: 2, retry_in_s: 2 });
      expect(first?.error).toMatch(
        /cannot reach the MLflow server at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED/,
      );
      expect(s.stderr()).not.toMatch(/"stack"|"err"/);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 30_000);

  it('never serves a tampered model', async () => {
    const bad = join(dir, 'tampered');
    cpSync(join(dir, 'm1'), bad, { recursive: true });
    writeFileSync(join(bad, 'metrics.json'), '{"accuracy": 1}\n');
    const s = await startServeProcess(['--model', bad], {
      env: { ...env(), PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      await eventually(async () => {
        const h = (await (await fetch(`${s.url}/health`)).json()) as {
          registry: { last_error: string | null };
        };
        return h.registry.last_error !== null;
      });
      const response = await fetch(`${s.url}/health`);
      expect(response.status).toBe(503);
      const health = (await response.json()) as { registry: { last_error: string } };
      expect(health.registry.last_error).toMatch(/checksum verification/);
      expect((await predict(s.url)).status).toBe(503);
    } finally {
      await s.stop();
    }
  }, 30_000);

  it('lists every configuration problem at once: exit 2', async () => {
    const r = await spawnCli(['serve', '--port', 'eighty'], {
      env: {
        MAX_BATCH_SIZE: '0',
        MODEL_SOURCE: 'cloud',
        MLFLOW_MODEL_VERSION: '3',
        MLFLOW_MODEL_ALIAS: 'x',
        // node:http would refuse to send it, and answering with it would fail on every request.
        CORRELATION_ID_HEADER: 'Request ID',
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CORRELATION_ID_HEADER: expected an HTTP header name');
    expect(r.stderr).toContain('got "Request ID"');
    expect(r.stderr).toContain('--port: expected an integer, got "eighty"');
    expect(r.stderr).toContain('MAX_BATCH_SIZE: expected an integer ≥ 1');
    expect(r.stderr).toContain('MODEL_SOURCE: expected one of local, mlflow, got "cloud"');
  });

  it('needs a model: exit 2 with what to set', async () => {
    const r = await spawnCli(['serve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no model to serve/);
    expect(r.stderr).toMatch(/MODEL_PATH/);
  });

  it('reports a port in use: exit 1', async () => {
    const s = await startServeProcess(['--model', join(dir, 'm1')], {
      env: { ...env(), PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      const port = new URL(s.url).port;
      const r = await spawnCli(['serve', '--model', join(dir, 'm1'), '--host', '127.0.0.1', '--port', port]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
    } finally {
      await s.stop();
    }
  }, 30_000);
});

import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { createModelFixture } from '../helpers/model-fixture';

jest.setTimeout(60_000);

describe('mlctl register (built CLI)', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mlctl-cli-register-'));
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('registers into the local registry and prints MODEL_URI and friends: exit 0', async () => {
    const modelDir = await createModelFixture(cwd);
    const outputs = join(cwd, 'github-output');
    const summary = join(cwd, 'github-summary');
    await writeFile(outputs, '');
    const r = await spawnCli(
      ['register', '--model-dir', modelDir, '--name', 'iris', '--alias', 'challenger'],
      {
        cwd,
        env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary },
      },
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['MODEL_URI=models:/iris/1', 'MODEL_NAME=iris', 'MODEL_VERSION=1']);
    expect(lines[3]).toMatch(/^RUN_ID=[0-9a-f]{32}$/);
    expect(lines[4]).toMatch(/^LOGGED_MODEL_ID=m-[0-9a-f]{32}$/);
    const out = await readFile(outputs, 'utf8');
    expect(out).toContain(`logged_model_id=${lines[4]?.slice('LOGGED_MODEL_ID='.length)}\n`);
    expect(out).toContain('model_uri=models:/iris/1\n');
    expect(out).toContain('model_version=1\n');
    expect(await readFile(summary, 'utf8')).toContain('Registered `models:/iris/1`');
  });

  it('--json prints the whole result, and the next registration is the next version', async () => {
    const modelDir = await createModelFixture(cwd);
    const r = await spawnCli(
      [
        'register',
        '--model-dir',
        modelDir,
        '--name',
        'iris',
        '--stage',
        'staging',
        '--tag',
        'team=ml,core',
        '--json',
      ],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: 'iris',
      version: '2',
      model_uri: 'models:/iris/2',
      stage: 'Staging',
      experiment: 'mlctl',
      metrics: { accuracy: 0.9667 },
      registry: { kind: 'local', location: join(cwd, '.mlctl', 'registry') },
    });
  });

  it('lists every missing or invalid setting at once: exit 2', async () => {
    const bad = await spawnCli(['register', '--tag', 'novalue'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mlctl: error: invalid configuration for `mlctl register`');
    expect(bad.stderr).toContain('--tag: expected key=value, got "novalue"');
    const missing = await spawnCli(['register', '--stage', 'Live'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('  - --model-dir: required');
    expect(missing.stderr).toContain('  - --name: required (or MLFLOW_MODEL_NAME)');
    expect(missing.stderr).toContain(
      '  - --stage: expected one of None, Staging, Production, Archived (any case), got "Live"',
    );
  });

  it('refuses an invalid alias before creating anything: exit 2', async () => {
    const modelDir = await createModelFixture(cwd);
    const r = await spawnCli(['register', '--model-dir', modelDir, '--name', 'other', '--alias', 'v2'], {
      cwd,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Version alias name 'v2' is reserved.");
    const list = await spawnCli(['models', 'list', 'other'], { cwd });
    expect(list.code).toBe(2);
  });

  it('refuses a tampered artifact, listing what changed: exit 1 (and a JSON error with --json)', async () => {
    const modelDir = await createModelFixture(cwd);
    await writeFile(join(modelDir, 'metrics.json'), '{"accuracy": 1}');
    const r = await spawnCli(['register', '--model-dir', modelDir, '--name', 'iris', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed its checksum verification');
    expect(r.stderr).toContain('  - metrics.json: sha256 does not match');
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'ARTIFACT_INVALID', problems: ['metrics.json: sha256 does not match'] },
    });
  });

  it('names the missing model directory: exit 2', async () => {
    const r = await spawnCli(['register', '--model-dir', 'no-such-dir', '--name', 'iris'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`model directory not found: ${join(cwd, 'no-such-dir')}`);
  });

  it('refuses a tracking URI it cannot use: exit 2', async () => {
    const modelDir = await createModelFixture(cwd);
    const r = await spawnCli(['register', '--model-dir', modelDir, '--name', 'iris'], {
      cwd,
      env: { MLFLOW_TRACKING_URI: 'sqlite:///mlflow.db' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('scheme "sqlite:" is not supported');
  });

  it('reports an unreachable MLflow server with the URI tried: exit 1, at once (no minute of retries)', async () => {
    const modelDir = await createModelFixture(cwd);
    // The default retry policy (5 retries, factor 2) spends about a minute on a server that is down;
    // nothing listening, or a host that does not resolve, is said at once.
    for (const uri of ['http://127.0.0.1:9', 'http://mlflow.example.invalid:5000']) {
      const started = Date.now();
      const r = await spawnCli(
        ['register', '--model-dir', modelDir, '--name', 'iris', '--tracking-uri', uri],
        {
          cwd,
        },
      );
      const seconds = (Date.now() - started) / 1000;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`mlctl: error: cannot reach the MLflow server at ${uri} (`);
      expect(r.stderr).toContain('1 attempt)');
      expect(r.stderr).not.toMatch(/retrying/);
      expect([uri, seconds < 5]).toEqual([uri, true]);
    }
  });

  describe('against a server that refuses credentials', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(401).end('You are not authenticated.'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('says which credentials were sent and never prints the secret: exit 1', async () => {
      const modelDir = await createModelFixture(cwd);
      const env = {
        MLFLOW_TRACKING_URI: url,
        MLFLOW_TRACKING_USERNAME: 'alice',
        MLFLOW_TRACKING_PASSWORD: 'pw-do-not-print',
        MLFLOW_TRACKING_TOKEN: 'tok-do-not-print',
        LOG_LEVEL: 'trace',
      };
      const r = await spawnCli(['register', '--model-dir', modelDir, '--name', 'iris', '--json'], {
        cwd,
        env,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`MLflow at ${url} refused the credentials (HTTP 401`);
      expect(r.stderr).toContain("mlctl sent basic auth as user 'alice'");
      expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'REGISTRY_AUTH' } });
      expect(r.stdout + r.stderr).not.toMatch(/do-not-print|cHctZG8tbm90|YWxpY2U6/);
    });
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { spawnCli } from '../helpers/cli';
import { MLFLOW_URI, TEST_PYTHON, describeWithMlflow } from '../helpers/mlflow-env';
import { uniqueName } from '../helpers/registry-contract';
import { itIfAvailable } from '../helpers/requirement';
import { eventually, startServeProcess } from '../helpers/serve-process';

jest.setTimeout(240_000);
const run = promisify(execFile);
const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');
const PENGUINS = join(__dirname, '..', '..', 'data', 'penguins', 'penguins.csv');

describeWithMlflow('mlctl serve against a real MLflow server', MLFLOW_URI, 'MLCTL_TEST_MLFLOW_URI', () => {
  let dir: string;
  const name = uniqueName('serve');
  const env = () => ({ MLFLOW_TRACKING_URI: MLFLOW_URI as string, MODEL_CACHE_DIR: join(dir, 'cache') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlctl-serve-it-'));
    for (const [out, seed] of [
      ['v1', '1'],
      ['v2', '2'],
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
      ]);
      expect(t.code).toBe(0);
    }
    // Penguins as they are, for the OpenAPI fuzz: text categories and gaps (species), and a regression.
    for (const [out, target] of [
      ['penguins', 'species'],
      ['body-mass', 'body_mass_g'],
    ] as const) {
      const t = await spawnCli(
        [
          'train',
          '--data',
          PENGUINS,
          '--target',
          target,
          '--na-values',
          'NA',
          '--output',
          join(dir, out),
        ].concat(['--n-estimators', '10']),
      );
      expect(t.code).toBe(0);
    }
    const r = await spawnCli(
      ['register', '--model-dir', join(dir, 'v1'), '--name', name, '--alias', 'production'],
      { env: env() },
    );
    expect(r.code).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves models:/name@production from MLflow and hot-swaps when the alias moves', async () => {
    const s = await startServeProcess(['--model', `models:/${name}@production`], {
      env: { ...env(), MODEL_AUTO_REFRESH_SECONDS: '1', PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200, 60_000);
      const health = (await (await fetch(`${s.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        model: { name, version: '1' },
        registry: { reachable: true, server_version: '3.17.2' },
      });
      const r = await spawnCli(
        ['register', '--model-dir', join(dir, 'v2'), '--name', name, '--alias', 'production'],
        {
          env: env(),
        },
      );
      expect(r.code).toBe(0);
      await eventually(async () => {
        const h = (await (await fetch(`${s.url}/health`)).json()) as { model: { version: string } };
        return h.model.version === '2';
      }, 60_000);
      const p = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2]] }),
      });
      expect(await p.json()).toMatchObject({ predictions: [0], model_version: '2' });
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  const schemathesis = join(dirname(TEST_PYTHON), 'st');
  const fuzzDir = join(__dirname, 'schemathesis');
  // The document is the model's own (its features' types, its task): one run per kind of model. Each
  // run adds about a minute to CI.
  const fuzzModels: Array<[string, () => string]> = [
    ['iris from the registry', () => `models:/${name}@production`],
    ['penguins: text categories and missing values', () => join(dir, 'penguins')],
    ['body mass: a regression on text categories and missing values', () => join(dir, 'body-mass')],
  ];
  for (const [what, model] of fuzzModels) {
    itIfAvailable(
      `drives the OpenAPI document with schemathesis, every check: 0 failures (${what})`,
      existsSync(schemathesis)
        ? undefined
        : `schemathesis is not installed at ${schemathesis} (pip install schemathesis)`,
      'MLCTL_REQUIRE_SCHEMATHESIS',
      async () => {
        const s = await startServeProcess(['--model', model()], {
          env: { ...env(), PREDICTION_LOG_STDOUT: 'false', ADMIN_API_TOKEN: 'fuzz-token', LOG_LEVEL: 'warn' },
        });
        try {
          await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200, 60_000);
          // Every check. The hooks keep the cross-field rules JSON Schema cannot state (labels as many as
          // rows, a tensor's data as long as its shape) in positive cases; the config counts 413 (a batch
          // over MAX_BATCH_SIZE) as a rejection (schemathesis/schemathesis.toml). The stateful phase is left
          // out: its steps put a request id from an earlier answer into a /feedback body whose labels they
          // generate after the hooks have run, so the labels are not as many as that request's rows and
          // /feedback rightly refuses them; without /feedback as a target no stateful step can follow.
          const { stdout } = await run(
            schemathesis,
            [
              '--config-file',
              join(fuzzDir, 'schemathesis.toml'),
              'run',
              `${s.url}/openapi.json`,
              '--checks',
              'all',
              '--max-examples',
              '40',
              '--seed',
              '1',
              '--phases',
              'examples,coverage,fuzzing',
              '-H',
              'X-Admin-Token: fuzz-token',
            ],
            {
              timeout: 200_000,
              maxBuffer: 20 * 1024 * 1024,
              env: { ...process.env, SCHEMATHESIS_HOOKS: 'hooks', PYTHONPATH: fuzzDir },
            },
          ).catch((err: { stdout?: string; stderr?: string }) => {
            throw new Error(`schemathesis found problems:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
          });
          expect(stdout).toMatch(/(\d+) generated, \1 passed/);
          expect(stdout).toMatch(/No issues found/);
        } finally {
          await s.stop();
        }
      },
    );
  }
});

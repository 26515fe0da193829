import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnCli } from '../helpers/cli';
import { FIXTURE_DATASET_SHA, createModelFixture } from '../helpers/model-fixture';
import { MLFLOW_URI, TEST_PYTHON, describeWithMlflow, mlflowPython } from '../helpers/mlflow-env';
import { describeIfAvailable } from '../helpers/requirement';
import { eventually, startServeProcess } from '../helpers/serve-process';
import { uniqueName } from '../helpers/registry-contract';

jest.setTimeout(180_000);

const run = promisify(execFile);

/** MLflow's own Python client, pointed at the same server. */
const python = (script: string, args: string[]) =>
  mlflowPython(TEST_PYTHON, MLFLOW_URI as string, script, args);

const READ_WITH_MLFLOW = `
import json, os, sys
import mlflow
from mlflow import MlflowClient
name, alias, dst = sys.argv[1:4]
client = MlflowClient()
mv = client.get_model_version_by_alias(name, alias)
run = client.get_run(mv.run_id)
path = mlflow.artifacts.download_artifacts(f"models:/{name}@{alias}", dst_path=dst)
print(json.dumps({
    "version": mv.version, "run_id": mv.run_id, "source": mv.source, "aliases": list(mv.aliases),
    "metrics": run.data.metrics, "params": run.data.params, "tags": dict(run.data.tags),
    "status": run.info.status, "path": path, "files": sorted(os.listdir(path)),
}))
`;

const WRITE_WITH_MLFLOW = `
import json, sys
import mlflow
from mlflow import MlflowClient
name, model_dir = sys.argv[1:3]
mlflow.set_experiment("mlctl-compat-python")
with mlflow.start_run() as run:
    mlflow.log_metric("accuracy", 0.91)
    mlflow.log_param("n_estimators", "7")
    mlflow.log_artifacts(model_dir, "model")
mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
MlflowClient().set_registered_model_alias(name, "prod", mv.version)
print(json.dumps({"version": mv.version, "run_id": run.info.run_id}))
`;

describeWithMlflow(
  "MLflow's own Python client and mlctl read each other's registrations",
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    const env = () => ({ MLFLOW_TRACKING_URI: MLFLOW_URI as string, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' });
    let work: string;
    beforeAll(async () => {
      if (!existsSync(TEST_PYTHON))
        throw new Error(`MLflow's Python (MLCTL_TEST_PYTHON) not found at ${TEST_PYTHON}`);
      work = await mkdtemp(join(tmpdir(), 'mlctl-compat-'));
    });
    afterAll(() => rm(work, { recursive: true, force: true }));

    test('what `mlctl register` wrote: version by alias, run metrics, models:/name@alias download', async () => {
      const name = uniqueName('compat');
      const modelDir = await createModelFixture(work);
      const reg = await spawnCli(
        [
          'register',
          '--model-dir',
          modelDir,
          '--name',
          name,
          '--alias',
          'champion',
          '--experiment',
          'compat',
          '--json',
        ],
        { env: env() },
      );
      expect(reg.stderr).not.toMatch(/error/i);
      expect(reg.code).toBe(0);
      const registered = JSON.parse(reg.stdout) as { version: string; run_id: string };

      const seen = await python(READ_WITH_MLFLOW, [name, 'champion', join(work, 'py-download')]);
      expect(seen).toMatchObject({
        version: registered.version,
        run_id: registered.run_id,
        aliases: ['champion'],
        status: 'FINISHED',
        metrics: { accuracy: 0.9667, f1_macro: 0.9666, oob_accuracy: 0.95 },
        params: { n_estimators: '10', seed: '42', max_features: 'sqrt', 'tree.max_depth': '5' },
      });
      expect(seen.tags).toMatchObject({
        'mlctl.dataset_sha256': FIXTURE_DATASET_SHA,
        'mlctl.version': '0.1.0',
      });
      // MLflow's client adds `registered_model_meta` (name and version) to what it downloads via models:/.
      const files = (seen.files as string[]).filter((f) => f !== 'registered_model_meta');
      expect(files).toEqual(['MLmodel', 'SHA256SUMS', 'metrics.json', 'model.json', 'reference.csv']);
      for (const file of ['MLmodel', 'model.json']) {
        expect(await readFile(join(seen.path as string, file))).toEqual(await readFile(join(modelDir, file)));
      }
    });

    test('what MLflow wrote: `mlctl models show` and a verified `mlctl models download`', async () => {
      const name = uniqueName('from-python');
      const modelDir = await createModelFixture(work);
      const written = await python(WRITE_WITH_MLFLOW, [name, modelDir]);

      const show = await spawnCli(['models', 'show', `models:/${name}@prod`, '--json'], { env: env() });
      expect(show.code).toBe(0);
      const details = JSON.parse(show.stdout) as { uri: string; run: { metrics: object; params: object } };
      expect(details.uri).toBe(`models:/${name}/${written.version as string}`);
      expect(details.run).toMatchObject({ metrics: { accuracy: 0.91 }, params: { n_estimators: '7' } });

      const dest = join(work, 'mlctl-download');
      const dl = await spawnCli(['models', 'download', `models:/${name}@prod`, dest], { env: env() });
      expect(dl.code).toBe(0);
      expect(dl.stdout).toContain('checksums verified');
      expect(await readFile(join(dest, 'model.json'))).toEqual(await readFile(join(modelDir, 'model.json')));
    });
  },
);

describeIfAvailable(
  "MLflow's own scoring client against mlctl serve",
  existsSync(TEST_PYTHON) ? undefined : `MLflow's Python (MLCTL_TEST_PYTHON) not found at ${TEST_PYTHON}`,
  'MLCTL_REQUIRE_MLFLOW',
  () => {
    test("ScoringServerClient: ping, version, and every input form, on scikit-learn's wine data", async () => {
      const work = await mkdtemp(join(tmpdir(), 'mlctl-scoring-'));
      try {
        // 13 features, one with a slash in its name; three classes.
        await run(TEST_PYTHON, [
          '-c',
          `import sys
from sklearn.datasets import load_wine
frame = load_wine(as_frame=True).frame
frame.to_csv(sys.argv[1], index=False)
frame.drop(columns=["target"]).sample(20, random_state=5).to_csv(sys.argv[2], index=False)`,
          join(work, 'wine.csv'),
          join(work, 'rows.csv'),
        ]);
        const t = await spawnCli([
          'train',
          '--data',
          join(work, 'wine.csv'),
          '--output',
          join(work, 'wine'),
          '--n-estimators',
          '20',
        ]);
        expect(t.code).toBe(0);
        const server = await startServeProcess(['--model', join(work, 'wine')], {
          env: { PREDICTION_LOG_STDOUT: 'false' },
        });
        try {
          await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200);
          const { hostname, port } = new URL(server.url);
          const out = await python(
            readFileSync(join(__dirname, 'python', 'scoring_client_check.py'), 'utf8'),
            [hostname, port, join(work, 'rows.csv')],
          );
          expect(out).toEqual({
            version: '0.1.0',
            expected_rows: 20,
            dataframe_split: true,
            extra_column: true,
            dataframe_records_text: true,
            numpy_array: true,
            inputs_columns: true,
            missing_columns: expect.stringMatching(/400.*missing/s),
          });
        } finally {
          await server.stop();
        }
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    });
  },
);

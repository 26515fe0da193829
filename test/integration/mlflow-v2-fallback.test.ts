import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { FIXTURE_DATASET_SHA, createModelFixture } from '../helpers/model-fixture';
import { MLFLOW2_PYTHON, MLFLOW2_URI, describeWithMlflow, mlflowPython } from '../helpers/mlflow-env';
import { uniqueName } from '../helpers/registry-contract';

jest.setTimeout(180_000);

/** MLflow 2's own client reads what mlctl registered on an MLflow 2 server. */
const READ_WITH_MLFLOW2 = `
import json, os, sys
import mlflow
from mlflow import MlflowClient
name, dst = sys.argv[1:3]
client = MlflowClient()
mv = client.get_model_version_by_alias(name, "champion")
run = client.get_run(mv.run_id)
path = mlflow.artifacts.download_artifacts(f"models:/{name}@champion", dst_path=dst)
print(json.dumps({
    "server": mlflow.__version__, "source": mv.source, "run_id": mv.run_id,
    "run_artifact_uri": run.info.artifact_uri, "metrics": run.data.metrics,
    "datasets": sorted([[d.dataset.name, d.dataset.digest, {t.key: t.value for t in d.tags}]
                        for d in run.inputs.dataset_inputs]),
    "files": sorted(f for f in os.listdir(path) if f != "registered_model_meta"),
}))
`;

describeWithMlflow(
  'against an MLflow 2 server (no logged models) register falls back to the run’s artifacts and says so once',
  MLFLOW2_URI,
  'MLCTL_TEST_MLFLOW2_URI',
  () => {
    let work: string;
    const env = () => ({ MLFLOW_TRACKING_URI: MLFLOW2_URI as string, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' });
    beforeAll(async () => {
      if (!existsSync(MLFLOW2_PYTHON))
        throw new Error(`MLflow 2's Python (MLCTL_TEST_MLFLOW2_PYTHON) not found at ${MLFLOW2_PYTHON}`);
      work = await mkdtemp(join(tmpdir(), 'mlctl-mlflow2-'));
    });
    afterAll(() => rm(work, { recursive: true, force: true }));

    test('register, then MLflow 2’s client and `mlctl models download` read the version', async () => {
      const name = uniqueName('v2');
      const modelDir = await createModelFixture(work);
      const reg = await spawnCli(
        ['register', '--model-dir', modelDir, '--name', name, '--alias', 'champion', '--json'],
        { env: { ...env(), LOG_FORMAT: 'json' } },
      );
      expect(reg.code).toBe(0);
      const logLines = reg.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: string; msg: string; server_version?: string });
      expect(logLines).toEqual([
        expect.objectContaining({
          level: 'warn',
          server_version: expect.stringMatching(/^2\./),
          msg: expect.stringMatching(/has no logged models \(MLflow 3\): the model is stored with its run/),
        }),
      ]);
      const result = JSON.parse(reg.stdout) as Record<string, string>;
      expect(result).not.toHaveProperty('logged_model_id');

      const seen = await mlflowPython(MLFLOW2_PYTHON, MLFLOW2_URI as string, READ_WITH_MLFLOW2, [
        name,
        join(work, 'py'),
      ]);
      expect(seen.server).toMatch(/^2\./);
      expect(seen).toMatchObject({
        source: `${seen.run_artifact_uri as string}/model`,
        run_id: result.run_id,
        metrics: { accuracy: 0.9667, f1_macro: 0.9666, oob_accuracy: 0.95 },
        files: ['MLmodel', 'SHA256SUMS', 'metrics.json', 'model.json', 'reference.csv'],
      });
      // MLflow 2 has dataset inputs (since 2.4): the same two as on MLflow 3.
      expect(seen.datasets).toEqual([
        ['iris', FIXTURE_DATASET_SHA.slice(0, 36), { 'mlflow.data.context': 'training' }],
        ['iris-test', expect.stringMatching(/^[0-9a-f]{36}$/), { 'mlflow.data.context': 'eval' }],
      ]);

      const dest = join(work, 'download');
      const dl = await spawnCli(['models', 'download', `models:/${name}@champion`, dest], { env: env() });
      expect([dl.code, dl.stdout]).toEqual([0, expect.stringContaining('checksums verified')]);
      expect(await readFile(join(dest, 'model.json'))).toEqual(await readFile(join(modelDir, 'model.json')));
      const show = await spawnCli(['models', 'show', `models:/${name}@champion`, '--json'], { env: env() });
      const details = JSON.parse(show.stdout) as Record<string, unknown>;
      expect(details).not.toHaveProperty('logged_model');
      expect(details.version).not.toHaveProperty('model_id');
    });
  },
);

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { MLFLOW_URI, TEST_PYTHON, describeWithMlflow, mlflowPython } from '../helpers/mlflow-env';
import { uniqueName } from '../helpers/registry-contract';

jest.setTimeout(240_000);

const python = (script: string, args: string[] = []) =>
  mlflowPython(TEST_PYTHON, MLFLOW_URI as string, script, args);

/** scikit-learn's wine data (178 rows, 13 features, one named `od280/od315_of_diluted_wines`). */
const WRITE_WINE = `
import json, sys
from sklearn.datasets import load_wine
load_wine(as_frame=True).frame.to_csv(sys.argv[1], index=False)
print(json.dumps({}))
`;

/**
 * Everything MLflow's client can say about a registration mlctl made, and, for comparison, what
 * scikit-learn's own flavor makes of one (MLflow 3's log_model with registered_model_name).
 */
const READ_LOGGED = `
import json, os, sys
import mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
name, version, dst, reference = sys.argv[1:5]
client = MlflowClient()
X, y = load_wine(return_X_y=True)
mlflow.set_experiment("mlctl-logged-models-sklearn")
with mlflow.start_run() as ref_run:
    ref = mlflow.sklearn.log_model(LogisticRegression(max_iter=5000).fit(X, y), name="model",
                                   registered_model_name=reference)
ref_mv = client.get_model_version(reference, ref.registered_model_version)
mv = client.get_model_version(name, version)
model_id = mv.source.split("/")[-1]
model = client.get_logged_model(model_id)
run = client.get_run(mv.run_id)
found = client.search_logged_models(experiment_ids=[model.experiment_id],
                                    filter_string=f"source_run_id = '{mv.run_id}'")
datasets = [{"name": d.dataset.name, "digest": d.dataset.digest, "source_type": d.dataset.source_type,
             "source": d.dataset.source, "schema": json.loads(d.dataset.schema),
             "profile": json.loads(d.dataset.profile), "tags": {t.key: t.value for t in d.tags}}
            for d in run.inputs.dataset_inputs]
by_version = mlflow.artifacts.download_artifacts(f"models:/{name}/{version}", dst_path=os.path.join(dst, "v"))
by_run = mlflow.artifacts.download_artifacts(f"runs:/{mv.run_id}/model", dst_path=os.path.join(dst, "r"))
info = mlflow.models.get_model_info(f"models:/{model_id}")
# MLflow's client adds registered_model_meta (name and version) to what it downloads of a registered model.
files = lambda path: sorted(f for f in os.listdir(path) if f != "registered_model_meta")
print(json.dumps({
    "sklearn": {"model_id": ref.model_id, "source": ref_mv.source, "mv_model_id": ref_mv.model_id,
                "run_id": ref_mv.run_id, "source_run": ref_run.info.run_id},
    "source": mv.source, "mv_model_id": mv.model_id, "run_id": mv.run_id,
    "model": {"model_id": model.model_id, "name": model.name, "status": str(model.status),
              "source_run_id": model.source_run_id, "experiment_id": model.experiment_id,
              "artifact_location": model.artifact_location, "params": model.params, "tags": model.tags,
              "metrics": sorted([[m.key, m.value, m.dataset_name, m.dataset_digest] for m in model.metrics])},
    "searched": [m.model_id for m in found],
    "outputs": [o.model_id for o in run.outputs.model_outputs],
    "run_params": run.data.params, "run_metrics": run.data.metrics,
    "datasets": sorted(datasets, key=lambda d: d["name"]),
    "files_by_version": files(by_version),
    "files_by_run": files(by_run),
    "signature_inputs": [c["name"] for c in info.signature.inputs.to_dict()],
}))
`;

describeWithMlflow(
  'MLflow 3 logged models and dataset inputs, as MLflow’s own client reads them',
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    let work: string;
    const env = () => ({ MLFLOW_TRACKING_URI: MLFLOW_URI as string, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' });
    beforeAll(async () => {
      if (!existsSync(TEST_PYTHON))
        throw new Error(`MLflow's Python (MLCTL_TEST_PYTHON) not found at ${TEST_PYTHON}`);
      work = await mkdtemp(join(tmpdir(), 'mlctl-logged-'));
      await python(WRITE_WINE, [join(work, 'wine.csv')]);
    });
    afterAll(() => rm(work, { recursive: true, force: true }));

    test('`mlctl train --register` makes the LoggedModel, datasets and version that log_model makes', async () => {
      const name = uniqueName('wine');
      const trained = await spawnCli(
        [
          'train',
          '--data',
          'wine.csv',
          '--output',
          'model',
          '--n-estimators',
          '20',
          '--register',
          name,
        ].concat(['--experiment', 'mlctl-logged-models', '--json']),
        { cwd: work, env: env(), timeoutMs: 120_000 },
      );
      expect([trained.code, trained.stderr]).toEqual([0, '']);
      const { data, metrics, registration } = JSON.parse(trained.stdout) as {
        data: { sha256: string; rows: number };
        metrics: { rows: { train: number; test: number } };
        registration: { version: string; run_id: string; logged_model_id: string; source: string };
      };
      const id = registration.logged_model_id;
      expect(registration.source).toBe(`models:/${id}`);

      const seen = await python(READ_LOGGED, [
        name,
        registration.version,
        join(work, 'py'),
        uniqueName('sklearn-ref'),
      ]);
      // The version's links are those scikit-learn's flavor makes: the source names the logged model,
      // the server fills in its run; MLflow 3.17's store keeps no model_id on the version (None for both).
      const sklearn = seen.sklearn as Record<string, unknown>;
      expect(sklearn).toMatchObject({ source: `models:/${sklearn.model_id as string}`, mv_model_id: null });
      expect(sklearn.run_id).toBe(sklearn.source_run);
      expect(seen).toMatchObject({ source: `models:/${id}`, mv_model_id: null, run_id: registration.run_id });
      expect(seen.model).toMatchObject({
        model_id: id,
        name: 'model',
        status: 'READY',
        source_run_id: registration.run_id,
        params: seen.run_params,
        artifact_location: expect.stringMatching(
          new RegExp(`^mlflow-artifacts:/\\d+/models/${id}/artifacts$`),
        ),
      });
      expect(
        JSON.parse((seen.model as { tags: Record<string, string> }).tags['mlflow.modelVersions'] as string),
      ).toEqual([{ name, version: Number(registration.version) }]);
      expect(seen.searched).toEqual([id]);
      expect(seen.outputs).toEqual([id]);

      const digest = data.sha256.slice(0, 36);
      const datasets = seen.datasets as Array<Record<string, unknown>>;
      expect(datasets.map((d) => [d.name, d.tags])).toEqual([
        ['wine', { 'mlflow.data.context': 'training' }],
        ['wine-test', { 'mlflow.data.context': 'eval' }],
      ]);
      const [training, evaluation] = datasets;
      expect(training).toMatchObject({
        digest,
        source_type: 'local',
        source: '{"uri":"wine.csv"}',
        profile: { num_rows: 178, num_elements: 178 * 14, sha256: data.sha256 },
      });
      const columns = (training?.schema as { mlflow_colspec: Array<{ name: string; type: string }> })
        .mlflow_colspec;
      expect(columns).toHaveLength(14);
      expect(columns.map((c) => c.name)).toContain('od280/od315_of_diluted_wines');
      expect(columns[13]).toEqual({ type: 'long', name: 'target', required: true });
      expect(evaluation).toMatchObject({ profile: { num_rows: metrics.rows.test } });
      expect(evaluation?.digest).toMatch(/^[0-9a-f]{36}$/);

      const modelMetrics = (seen.model as { metrics: unknown[][] }).metrics;
      expect(modelMetrics.map((m) => [m[0], m[2]])).toEqual([
        ['accuracy', 'wine-test'],
        ['balanced_accuracy', 'wine-test'],
        ['f1_macro', 'wine-test'],
        ['log_loss', 'wine-test'],
        ['oob_accuracy', 'wine'],
        ['roc_auc', 'wine-test'],
      ]);
      expect(modelMetrics[4]?.[3]).toBe(digest);
      expect(Object.keys(seen.run_metrics as object).sort()).toEqual([
        'accuracy',
        'balanced_accuracy',
        'f1_macro',
        'log_loss',
        'oob_accuracy',
        'roc_auc',
      ]);

      // The files are the logged model's, byte for byte, by version and by MLflow 3's runs:/<run>/model.
      // The training report goes with them: the run's artifacts hold model/report.html.
      const files = (await readdir(join(work, 'model'))).sort();
      expect(files).toContain('report.html');
      expect(seen.files_by_version).toEqual(files);
      expect(seen.files_by_run).toEqual(files);
      const sums = await readFile(join(work, 'model', 'SHA256SUMS'), 'utf8');
      const mlmodel = createHash('sha256')
        .update(await readFile(join(work, 'py', 'v', 'MLmodel')))
        .digest('hex');
      expect(sums).toContain(`${mlmodel}  MLmodel`);
      expect(seen.signature_inputs).toHaveLength(13);

      const show = await spawnCli(['models', 'show', `models:/${name}/${registration.version}`, '--json'], {
        env: env(),
      });
      expect(show.code).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({
        version: { model_id: id, source: `models:/${id}` },
        logged_model: { model_id: id, status: 'READY', source_run_id: registration.run_id },
        run: {
          inputs: {
            dataset_inputs: [{ dataset: { name: 'wine', digest } }, { dataset: { name: 'wine-test' } }],
          },
        },
      });
      const human = await spawnCli(['models', 'show', `models:/${name}/${registration.version}`], {
        env: env(),
      });
      expect(human.stdout).toContain(`  logged model ${id} (model, READY)`);
      expect(human.stdout).toMatch(/\n {2}wine +training +[0-9a-f]{36} +178 +wine\.csv\n/);
    });
  },
);

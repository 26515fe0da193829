import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegisterOptions, RegisterResult } from '../../src/commands/register/run-register';
import { listFiles } from '../../src/artifact/checksums';
import { downloadModel, fetchModelToCache } from '../../src/registry/download';
import type { ModelRegistry } from '../../src/registry/types';
import { FIXTURE_DATASET_SHA } from './model-fixture';
import { expectCode, uniqueName } from './registry-contract';

interface ModelContractContext {
  registry: ModelRegistry;
  register(name: string, extra?: Partial<RegisterOptions>): Promise<RegisterResult>;
  /** A scratch directory. */
  work: string;
}

/** The fixture's data (150 rows: 2 features and the target; 30 held out), as MLflow's datasets list it. */
const SCHEMA = JSON.stringify({
  mlflow_colspec: [
    { type: 'double', name: 'sepal_length', required: true },
    { type: 'double', name: 'petal_length', required: true },
    { type: 'long', name: 'target', required: true },
  ],
});

/**
 * Part of the registry contract, on what a version holds: a registration logs MLflow 3's LoggedModel of
 * its run (params, metrics per dataset, the files) and the run's dataset inputs, and the version's source
 * is that model; a version mlctl did not write is refused for what it is. The same on every backend that
 * has logged models.
 */
export function modelContract(context: () => ModelContractContext): void {
  test('a registration logs the LoggedModel of its run; the version is registered from it', async () => {
    const { registry, register } = context();
    const name = uniqueName('logged');
    const result = await register(name, { tags: { team: 'ml' } });
    const id = result.logged_model_id as string;
    expect(id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(result.source).toBe(`models:/${id}`);
    expect(await registry.getModelVersion(name, result.version)).toMatchObject({
      source: `models:/${id}`,
      model_id: id,
      runId: result.runId,
    });
    const run = await registry.getRun(result.runId);
    expect(run.outputs?.model_outputs).toEqual([{ model_id: id, step: 0 }]);
    const model = await registry.getLoggedModel(id);
    expect(model).toMatchObject({
      model_id: id,
      name: 'model',
      experiment_id: run.experimentId,
      source_run_id: result.runId,
      status: 'READY',
      params: run.params,
    });
    expect(model.tags).toMatchObject({ 'mlctl.version': '0.1.0-test', team: 'ml' });
    expect(JSON.parse(model.tags['mlflow.modelVersions'] as string)).toEqual([
      { name, version: Number(result.version) },
    ]);
    await expectCode(registry.getLoggedModel(`m-${'0'.repeat(32)}`), 'MODEL_NOT_FOUND', /logged model/);
  });

  test('a logged model takes any number of params (past one batch); an unknown id is MODEL_NOT_FOUND', async () => {
    const { registry } = context();
    const experiment = await registry.ensureExperiment(uniqueName('params'));
    const run = await registry.createRun({ experimentId: experiment.experimentId, runName: 'many' });
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
    const created = await registry.createLoggedModel({
      experimentId: experiment.experimentId,
      name: 'model',
      sourceRunId: run.runId,
      params,
    });
    expect(created).toMatchObject({ status: 'PENDING', params });
    const id = created?.model_id as string;
    expect(await registry.finalizeLoggedModel(id, 'FAILED')).toMatchObject({
      model_id: id,
      status: 'FAILED',
    });
    expect((await registry.getLoggedModel(id)).params).toEqual(params);
    await expectCode(registry.finalizeLoggedModel(`m-${'f'.repeat(32)}`, 'READY'), 'MODEL_NOT_FOUND');
  });

  test('the data is the run’s training dataset, the held-out split its eval one; metrics name theirs', async () => {
    const { registry, register } = context();
    const first = await register(uniqueName('datasets'));
    const again = await register(uniqueName('datasets'));
    const run = await registry.getRun(first.runId);
    const inputs = [...(run.inputs?.dataset_inputs ?? [])].sort((a, b) =>
      a.dataset.name < b.dataset.name ? -1 : 1,
    );
    const [training, evaluation] = inputs;
    expect(inputs).toHaveLength(2);
    expect(training).toEqual({
      dataset: {
        name: 'iris',
        digest: FIXTURE_DATASET_SHA.slice(0, 36),
        source_type: 'local',
        source: '{"uri":"data/processed/iris.csv"}',
        schema: SCHEMA,
        profile: JSON.stringify({ num_rows: 150, num_elements: 450, sha256: FIXTURE_DATASET_SHA }),
      },
      tags: { 'mlflow.data.context': 'training' },
    });
    expect(evaluation).toMatchObject({
      dataset: { name: 'iris-test', source: '{"uri":"data/processed/iris.csv"}', schema: SCHEMA },
      tags: { 'mlflow.data.context': 'eval' },
    });
    const digest = evaluation?.dataset.digest as string;
    expect(digest).toMatch(/^[0-9a-f]{36}$/);
    expect(JSON.parse(evaluation?.dataset.profile as string)).toMatchObject({
      num_rows: 30,
      num_elements: 90,
    });
    // The same data and split is the same dataset: a second registration names the same digests.
    const second = await registry.getRun(again.runId);
    expect(second.inputs?.dataset_inputs.map((d) => d.dataset.digest).sort()).toEqual(
      inputs.map((d) => d.dataset.digest).sort(),
    );

    const model = await registry.getLoggedModel(first.logged_model_id as string);
    const metrics = Object.fromEntries(model.metrics.map((m) => [m.key, m]));
    expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'f1_macro', 'oob_accuracy']);
    expect(metrics.accuracy).toMatchObject({
      value: 0.9667,
      dataset_name: 'iris-test',
      dataset_digest: digest,
    });
    expect(metrics.oob_accuracy).toMatchObject({
      value: 0.95,
      dataset_name: 'iris',
      dataset_digest: FIXTURE_DATASET_SHA.slice(0, 36),
    });
    expect(run.metrics).toEqual({ accuracy: 0.9667, f1_macro: 0.9666, oob_accuracy: 0.95 });
  });

  test('a version without the mlctl flavor is MODEL_UNSUPPORTED naming its flavors, not a checksum error', async () => {
    const { registry, work } = context();
    const name = uniqueName('foreign');
    const dir = join(work, uniqueName('sklearn'));
    await mkdir(dir);
    await writeFile(
      join(dir, 'MLmodel'),
      'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\n',
    );
    await writeFile(join(dir, 'model.pkl'), 'not really a pickle');
    const experiment = await registry.ensureExperiment('contract');
    const run = await registry.createRun({ experimentId: experiment.experimentId, runName: 'sklearn' });
    const source = await registry.logArtifacts(run.runId, dir, 'model');
    await registry.ensureRegisteredModel(name);
    await registry.createModelVersion({ name, source, runId: run.runId });
    const message = `models:/${name}/1 is a sklearn model (flavors: python_function, sklearn); mlctl serves models that mlctl trained`;
    const dest = join(work, uniqueName('dl'));
    expect(
      (await expectCode(downloadModel(registry, `models:/${name}/latest`, dest), 'MODEL_UNSUPPORTED'))
        .message,
    ).toBe(message);
    await expect(readdir(dest)).rejects.toThrow();
    const cache = join(work, uniqueName('cache'));
    await expectCode(
      fetchModelToCache(registry, `models:/${name}/1`, cache),
      'MODEL_UNSUPPORTED',
      /sklearn model/,
    );
    expect(await listFiles(cache)).toEqual([]);
  });
}

import { access, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { MlctlError } from '../../errors';
import { writeChecksums } from '../../artifact/checksums';
import { downloadModel } from '../../registry/download';
import { LocalRegistry } from '../../registry/local-registry';
import type { ModelRegistry } from '../../registry/types';
import { createLogger, createSilentLogger } from '../../telemetry/logger';
import { createModelFixture } from '../../../test/helpers/model-fixture';
import { readArtifactSummary } from './read-artifact';
import { registerModel } from './run-register';

const deps = { logger: createSilentLogger(), cwd: '/', mlctlVersion: '0.1.0' };

async function rejection(promise: Promise<unknown>): Promise<MlctlError> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MlctlError);
  return err as MlctlError;
}

describe('registerModel', () => {
  let work: string;
  let root: string;
  let registry: LocalRegistry;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'mlctl-register-'));
    root = join(work, 'registry');
    registry = new LocalRegistry({ root });
  });
  afterEach(() => rm(work, { recursive: true, force: true }));
  const exists = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );

  it('checks names, aliases, stage and the artifact before creating anything', async () => {
    const modelDir = await createModelFixture(work);
    const cases: Array<[Parameters<typeof registerModel>[1], string]> = [
      [{ modelDir, name: 'a:b', experiment: 'e' }, 'REGISTRY_REJECTED'],
      [{ modelDir, name: 'iris', aliases: ['ok', 'latest'], experiment: 'e' }, 'REGISTRY_REJECTED'],
      [{ modelDir, name: 'iris', stage: 'Live', experiment: 'e' }, 'REGISTRY_REJECTED'],
      [
        { modelDir, name: 'iris', stage: 'None', archiveExisting: true, experiment: 'e' },
        'REGISTRY_REJECTED',
      ],
      [{ modelDir, name: 'iris', archiveExisting: true, experiment: 'e' }, 'USAGE'],
      [{ modelDir: join(work, 'nope'), name: 'iris', experiment: 'e' }, 'INPUT_NOT_FOUND'],
    ];
    for (const [options, code] of cases)
      expect((await rejection(registerModel(registry, options, deps))).code).toBe(code);
    await writeFile(join(modelDir, 'model.json'), '{"tampered":true}');
    const err = await rejection(registerModel(registry, { modelDir, name: 'iris', experiment: 'e' }, deps));
    expect([err.code, err.problems]).toEqual(['ARTIFACT_INVALID', ['model.json: sha256 does not match']]);
    expect(await exists(root)).toBe(false);
  });

  it('moves the new version to a stage, archiving the previous one when asked', async () => {
    const first = await registerModel(
      registry,
      { modelDir: await createModelFixture(work), name: 'iris', stage: 'production', experiment: 'e' },
      deps,
    );
    expect(first.stage).toBe('Production');
    const second = await registerModel(
      registry,
      {
        modelDir: await createModelFixture(work),
        name: 'iris',
        stage: 'Production',
        archiveExisting: true,
        aliases: ['champion', 'champion'],
        experiment: 'e',
      },
      deps,
    );
    expect(second).toMatchObject({
      version: '2',
      stage: 'Production',
      aliases: ['champion'],
      modelUri: 'models:/iris/2',
    });
    expect((await registry.getModelVersion('iris', '1')).stage).toBe('Archived');
  });

  /** The local registry with one method replaced. */
  const replacing = (prop: keyof ModelRegistry, fn: (...args: unknown[]) => Promise<unknown>) =>
    new Proxy(registry, {
      get(target, key, receiver) {
        if (key === prop) return fn;
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as ModelRegistry;

  it('marks the run and its logged model FAILED and creates no version when the upload fails', async () => {
    const failing = replacing('logModelArtifacts', async () =>
      Promise.reject(new MlctlError('IO_ERROR', 'disk full')),
    );
    const err = await rejection(
      registerModel(
        failing,
        { modelDir: await createModelFixture(work), name: 'iris', experiment: 'e' },
        deps,
      ),
    );
    expect(err.message).toBe('disk full');
    const [runId] = await readdir(join(root, 'runs'));
    const run = await registry.getRun(runId as string);
    expect(run.status).toBe('FAILED');
    const modelId = run.outputs?.model_outputs[0]?.model_id as string;
    expect((await registry.getLoggedModel(modelId)).status).toBe('FAILED');
    expect((await rejection(registry.getRegisteredModel('iris'))).code).toBe('MODEL_NOT_FOUND');
  });

  it('without logged models (MLflow 2) stores the files with the run, as before, and says so once', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({
      level: 'info',
      format: 'json',
      destination: new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
          done();
        },
      }),
    });
    const mlflow2 = replacing('createLoggedModel', async () => undefined);
    const result = await registerModel(
      mlflow2,
      { modelDir: await createModelFixture(work), name: 'iris', experiment: 'e' },
      { ...deps, logger },
    );
    expect(result.source).toBe(`runs:/${result.runId}/model`);
    expect(result).not.toHaveProperty('logged_model_id');
    const run = await registry.getRun(result.runId);
    expect(run.metrics).toEqual({ accuracy: 0.9667, f1_macro: 0.9666, oob_accuracy: 0.95 });
    expect(run.outputs?.model_outputs ?? []).toEqual([]);
    expect(run.inputs?.dataset_inputs.map((d) => d.tags['mlflow.data.context'])).toEqual([
      'training',
      'eval',
    ]);
    expect((await registry.getModelVersion('iris', result.version)).model_id).toBeUndefined();
    const said = lines.filter((l) => /no logged models/.test(String(l.msg)));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 'warn', server_version: expect.stringMatching(/local registry/) });
  });
});

describe('a local registry of layout 1 (before logged models)', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'mlctl-layout-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it('still serves its runs:/ versions, and says layout 2 once it holds a logged model', async () => {
    const root = join(work, 'registry');
    const registry = new LocalRegistry({ root });
    // What an mlctl before logged models wrote: the files under the run, the version's source runs:/.
    const experiment = await registry.ensureExperiment('e');
    const run = await registry.createRun({ experimentId: experiment.experimentId, runName: 'old' });
    const modelDir = await createModelFixture(work);
    const source = await registry.logArtifacts(run.runId, modelDir, 'model');
    await registry.ensureRegisteredModel('iris');
    await registry.createModelVersion({ name: 'iris', source, runId: run.runId });
    await writeFile(join(root, 'registry.json'), '{"format": 1, "createdBy": "mlctl"}\n');

    const old = await downloadModel(registry, 'models:/iris/1', join(work, 'old'));
    expect(old.version.source).toBe(`runs:/${run.runId}/model`);
    await registerModel(registry, { modelDir, name: 'iris', experiment: 'e' }, deps);
    expect(JSON.parse(await readFile(join(root, 'registry.json'), 'utf8'))).toMatchObject({ format: 2 });
    await downloadModel(registry, 'models:/iris/2', join(work, 'new'));
    await writeFile(join(root, 'registry.json'), '{"format": 3, "createdBy": "mlctl"}\n');
    expect(await rejection(registry.serverVersion())).toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringMatching(/has layout 3, newer than this mlctl reads \(2\)/),
    });
  });
});

describe('readArtifactSummary', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'mlctl-artifact-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('reads params (flattened, as strings), top-level finite metrics and the dataset hash', async () => {
    const dir = await createModelFixture(work, { datasetSha256: 'f'.repeat(64) });
    expect(await readArtifactSummary(dir)).toEqual({
      params: {
        n_estimators: '10',
        max_features: 'sqrt',
        seed: '42',
        test_size: '0.2',
        'tree.max_depth': '5',
      },
      metrics: { accuracy: 0.9667, f1_macro: 0.9666, oob_accuracy: 0.95 },
      datasetSha256: 'f'.repeat(64),
      datasetPath: 'data/processed/iris.csv',
      datasetRows: 150,
      split: { train: 120, test: 30, testSize: 0.2, seed: 42 },
      columns: [
        { type: 'double', name: 'sepal_length', required: true },
        { type: 'double', name: 'petal_length', required: true },
        { type: 'long', name: 'target', required: true },
      ],
      modelUuid: `${'0'.repeat(31)}2`,
    });
  });

  it('refuses an artifact without the mlctl flavor, or with broken metrics.json', async () => {
    const dir = await createModelFixture(work);
    await writeFile(join(dir, 'MLmodel'), 'flavors:\n  sklearn: {}\n');
    await writeChecksums(dir);
    expect(await rejection(readArtifactSummary(dir))).toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/no `mlctl` flavor/),
    });
    const broken = await createModelFixture(work);
    await writeFile(join(broken, 'metrics.json'), '{oops');
    await writeChecksums(broken);
    expect(await rejection(readArtifactSummary(broken))).toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it('refuses a file where a directory is expected', async () => {
    const dir = await createModelFixture(work);
    expect((await rejection(readArtifactSummary(join(dir, 'MLmodel')))).code).toBe('INPUT_INVALID');
  });
});

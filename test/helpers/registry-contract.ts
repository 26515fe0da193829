import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlctlError } from '../../src/errors';
import { listFiles, verifyChecksums } from '../../src/artifact/checksums';
import { registerModel } from '../../src/commands/register/run-register';
import type { RegisterOptions } from '../../src/commands/register/run-register';
import { downloadModel, fetchModelToCache } from '../../src/registry/download';
import { resolveModelUri } from '../../src/registry/uri';
import type { ModelRegistry, ModelVersion } from '../../src/registry/types';
import { createSilentLogger } from '../../src/telemetry/logger';
import { FIXTURE_DATASET_SHA, createModelFixture } from './model-fixture';
import { modelContract } from './registry-contract-models';

/** How the contract reaches one backend. */
export interface ContractTarget {
  /** A registry to test; it may hold other tests' models, so every test uses fresh names. */
  open(): Promise<ModelRegistry>;
  /** Overwrites one stored file of a version, as an attacker or a broken disk would. */
  tamper(registry: ModelRegistry, version: ModelVersion, file: string, content: string): Promise<void>;
}

/** Rejects with an MlctlError of this code whose message matches. */
export async function expectCode(
  promise: Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<MlctlError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MlctlError);
  const err = caught as MlctlError;
  expect({ code: err.code, message: err.message }).toEqual(
    expect.objectContaining({ code, ...(message ? { message: expect.stringMatching(message) } : {}) }),
  );
  return err;
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/**
 * The one registry contract: every backend must pass it unchanged (STYLE.md). It checks MLflow's
 * semantics — string versions in order, aliases unique and movable, stages with archive, `models:/`
 * resolution, artifacts that round-trip and refuse tampering, and the error codes.
 */
export function registryContract(target: () => ContractTarget): void {
  let registry: ModelRegistry;
  let work: string;
  const deps = {
    logger: createSilentLogger(),
    cwd: process.cwd(),
    mlctlVersion: '0.1.0-test',
    gitCommit: 'c'.repeat(40),
  };
  const register = async (name: string, extra: Partial<RegisterOptions> = {}) =>
    registerModel(
      registry,
      { modelDir: await createModelFixture(work), name, experiment: 'contract', ...extra },
      deps,
    );

  beforeAll(async () => {
    registry = await target().open();
    work = await mkdtemp(join(tmpdir(), 'mlctl-contract-'));
  });
  afterAll(async () => {
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('reports a server version', async () => {
    expect((await registry.serverVersion()).length).toBeGreaterThan(0);
  });

  test('ensureExperiment is idempotent, also when called concurrently', async () => {
    const name = uniqueName('exp');
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => registry.ensureExperiment(name)));
    expect(a?.experimentId).toBeDefined();
    expect(new Set([a?.experimentId, b?.experimentId, c?.experimentId]).size).toBe(1);
    expect((await registry.ensureExperiment(name)).experimentId).toBe(a?.experimentId);
  });

  test('registering creates exactly one version per call, numbered "1", "2", ... in order', async () => {
    const name = uniqueName('versions');
    const first = await register(name);
    const second = await register(name, { aliases: ['champion'] });
    const third = await register(name);
    expect([first.version, second.version, third.version]).toEqual(['1', '2', '3']);
    expect(first.modelUri).toBe(`models:/${name}/1`);
    const versions = await registry.listModelVersions(name);
    expect(versions.map((v) => v.version)).toEqual(['3', '2', '1']);
    expect(versions.find((v) => v.version === '2')?.aliases).toEqual(['champion']);
    const v1 = await registry.getModelVersion(name, '1');
    expect(v1).toMatchObject({
      name,
      version: '1',
      stage: 'None',
      status: 'READY',
      runId: first.runId,
      source: first.source,
    });
  });

  test('the run carries params, metrics and tags from the artifact', async () => {
    const name = uniqueName('run');
    const result = await register(name, { tags: { team: 'ml, core', ticket: 'ML-1' } });
    const run = await registry.getRun(result.runId);
    expect(run.status).toBe('FINISHED');
    expect(run.metrics).toEqual({ accuracy: 0.9667, f1_macro: 0.9666, oob_accuracy: 0.95 });
    expect(run.params).toEqual({
      n_estimators: '10',
      max_features: 'sqrt',
      seed: '42',
      test_size: '0.2',
      'tree.max_depth': '5',
    });
    expect(run.tags).toMatchObject({
      'mlctl.dataset_sha256': FIXTURE_DATASET_SHA,
      'mlctl.version': '0.1.0-test',
      'mlflow.source.git.commit': 'c'.repeat(40),
      'mlflow.source.name': 'mlctl register',
      'mlflow.runName': run.runName,
      team: 'ml, core',
    });
    expect((await registry.getModelVersion(name, result.version)).tags).toEqual({
      team: 'ml, core',
      ticket: 'ML-1',
    });
  });

  test('logs any number of params and metrics (past one batch) and refuses to change a param', async () => {
    const experiment = await registry.ensureExperiment(uniqueName('batch'));
    const run = await registry.createRun({ experimentId: experiment.experimentId, runName: 'batch' });
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
    const metrics = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`m${i}`, i / 2]));
    await registry.logRunData(run.runId, { params, metrics, tags: { t: 'x' } });
    const stored = await registry.getRun(run.runId);
    expect(Object.keys(stored.params)).toHaveLength(150);
    expect(Object.keys(stored.metrics)).toHaveLength(1200);
    expect(stored.metrics.m1199).toBe(599.5);
    await registry.logRunData(run.runId, { params: { p1: '1' } }); // same value: fine
    await expectCode(registry.logRunData(run.runId, { params: { p1: 'other' } }), 'REGISTRY_CONFLICT');
    await expectCode(registry.getRun('0'.repeat(32)), 'MODEL_NOT_FOUND');
  });

  test('registered models: ensure is idempotent; unknown names are MODEL_NOT_FOUND naming them', async () => {
    const name = uniqueName('rm');
    const a = await registry.ensureRegisteredModel(name);
    const b = await registry.ensureRegisteredModel(name);
    expect(a.name).toBe(name);
    expect(b.creationTimestamp).toBe(a.creationTimestamp);
    expect((await registry.listRegisteredModels()).map((m) => m.name)).toContain(name);
    const missing = uniqueName('missing');
    await expectCode(registry.getRegisteredModel(missing), 'MODEL_NOT_FOUND', new RegExp(missing));
    await expectCode(
      registry.getModelVersion(missing, '1'),
      'MODEL_NOT_FOUND',
      new RegExp(`'${missing}' not found`),
    );
    await expectCode(registry.getModelVersion(name, '7'), 'MODEL_NOT_FOUND', /no version 7/);
    const other = await register(uniqueName('source'));
    await expectCode(
      registry.createModelVersion({
        name: missing,
        source: other.source,
        runId: other.runId,
        modelId: other.logged_model_id,
      }),
      'MODEL_NOT_FOUND',
    );
    // As MLflow: a version's source must be inside what its model_id (or, without one, run_id) names.
    const stray = await register(uniqueName('stray'));
    for (const modelId of [undefined, stray.logged_model_id]) {
      await expectCode(
        registry.createModelVersion({ name, source: other.source, runId: stray.runId, modelId }),
        'REGISTRY_REJECTED',
        /Invalid model version source: .*The model_id request parameter/,
      );
    }
    await expectCode(registry.listModelVersions(missing), 'MODEL_NOT_FOUND');
    await expectCode(registry.getModelVersion(name, 'abc'), 'REGISTRY_REJECTED');
    await expectCode(registry.ensureRegisteredModel('a/b'), 'REGISTRY_REJECTED', /cannot contain/);
  });

  test('aliases: set, re-point, read, delete; unknown and reserved ones are refused', async () => {
    const name = uniqueName('alias');
    await register(name);
    await register(name);
    await registry.setAlias(name, 'champion', '1');
    expect((await registry.getVersionByAlias(name, 'champion')).version).toBe('1');
    await registry.setAlias(name, 'champion', '2');
    expect((await registry.getVersionByAlias(name, 'champion')).version).toBe('2');
    expect((await registry.getModelVersion(name, '1')).aliases).toEqual([]);
    expect((await registry.getModelVersion(name, '2')).aliases).toEqual(['champion']);
    await registry.setAlias(name, 'challenger', '2');
    expect((await registry.getRegisteredModel(name)).aliases).toEqual({ champion: '2', challenger: '2' });
    await registry.deleteAlias(name, 'challenger');
    expect((await registry.getRegisteredModel(name)).aliases).toEqual({ champion: '2' });
    await expectCode(
      registry.getVersionByAlias(name, 'challenger'),
      'MODEL_NOT_FOUND',
      /no alias 'challenger'/,
    );
    await expectCode(registry.deleteAlias(name, 'challenger'), 'MODEL_NOT_FOUND', /no alias 'challenger'/);
    await expectCode(registry.setAlias(name, 'x', '9'), 'MODEL_NOT_FOUND', /no version 9/);
    await expectCode(registry.setAlias(uniqueName('none'), 'x', '1'), 'MODEL_NOT_FOUND', /not found/);
    await expectCode(registry.setAlias(name, 'latest', '1'), 'REGISTRY_REJECTED', /reserved/);
    await expectCode(registry.setAlias(name, 'V3', '1'), 'REGISTRY_REJECTED', /reserved/);
    await expectCode(registry.setAlias(name, 'two words', '1'), 'REGISTRY_REJECTED', /alphanumerics/);
  });

  test('version tags: set, overwrite, kept apart per version; bad keys and unknown versions refused', async () => {
    const name = uniqueName('tags');
    await register(name);
    await register(name);
    await registry.setVersionTag(name, '2', 'mlctl.canary.decision', 'promoted');
    await registry.setVersionTag(name, '2', 'mlctl.canary.previous_version', '1');
    await registry.setVersionTag(name, '2', 'mlctl.canary.decision', 'rolled back: p95 0.7 s > 0.5 s');
    const v2 = await registry.getModelVersion(name, '2');
    expect(v2.tags).toEqual(
      expect.objectContaining({
        'mlctl.canary.decision': 'rolled back: p95 0.7 s > 0.5 s',
        'mlctl.canary.previous_version': '1',
      }),
    );
    expect((await registry.getModelVersion(name, '1')).tags).not.toHaveProperty('mlctl.canary.decision');
    await expectCode(registry.setVersionTag(name, '9', 'k', 'v'), 'MODEL_NOT_FOUND', /version 9/);
    await expectCode(
      registry.setVersionTag(name, '1', 'bad:key', 'v'),
      'REGISTRY_REJECTED',
      /Invalid tag name/,
    );
  });

  test('stages: any case, archive_existing_versions, latest per stage; invalid ones are refused', async () => {
    const name = uniqueName('stage');
    for (let i = 0; i < 3; i++) await register(name);
    expect((await registry.transitionStage(name, '1', 'production' as never, false)).stage).toBe(
      'Production',
    );
    await registry.transitionStage(name, '2', 'Production', false);
    expect((await registry.getModelVersion(name, '1')).stage).toBe('Production');
    await registry.transitionStage(name, '3', 'Production', true);
    const stages = Object.fromEntries(
      (await registry.listModelVersions(name)).map((v) => [v.version, v.stage]),
    );
    expect(stages).toEqual({ '1': 'Archived', '2': 'Archived', '3': 'Production' });
    await registry.transitionStage(name, '1', 'Staging', false);
    const latest = await registry.getLatestVersions(name);
    expect(Object.fromEntries(latest.map((v) => [v.stage, v.version]))).toEqual({
      Archived: '2',
      Staging: '1',
      Production: '3',
    });
    expect((await registry.getLatestVersions(name, ['Production'])).map((v) => v.version)).toEqual(['3']);
    await expectCode(
      registry.transitionStage(name, '1', 'Live' as never, false),
      'REGISTRY_REJECTED',
      /Invalid Model Version stage/,
    );
    await expectCode(
      registry.transitionStage(name, '1', 'Archived', true),
      'REGISTRY_REJECTED',
      /not an Active stage/,
    );
    await expectCode(
      registry.transitionStage(name, '8', 'Staging', false),
      'MODEL_NOT_FOUND',
      /no version 8/,
    );
  });

  test('models:/ URIs resolve the same way: version, latest, stage, alias', async () => {
    const name = uniqueName('uri');
    for (let i = 0; i < 3; i++) await register(name);
    await registry.transitionStage(name, '1', 'Production', false);
    await registry.transitionStage(name, '2', 'Production', false);
    await registry.setAlias(name, 'champion', '1');
    const resolve = async (uri: string) => (await resolveModelUri(registry, uri)).version;
    expect(await resolve(`models:/${name}/2`)).toBe('2');
    expect(await resolve(`models:/${name}/latest`)).toBe('3');
    expect(await resolve(`models:/${name}/LATEST`)).toBe('3');
    expect(await resolve(`models:/${name}/production`)).toBe('2');
    expect(await resolve(`models:/${name}@champion`)).toBe('1');
    await expectCode(
      resolveModelUri(registry, `models:/${name}/Staging`),
      'MODEL_NOT_FOUND',
      /stage 'Staging'/,
    );
    await expectCode(resolveModelUri(registry, `models:/${name}@nope`), 'MODEL_NOT_FOUND', /no alias 'nope'/);
    await expectCode(resolveModelUri(registry, `models:/${name}/9`), 'MODEL_NOT_FOUND', /no version 9/);
    await expectCode(resolveModelUri(registry, `models:/${uniqueName('none')}/latest`), 'MODEL_NOT_FOUND');
    await expectCode(resolveModelUri(registry, `models:/${name}/Bogus`), 'REGISTRY_REJECTED');
    await expectCode(resolveModelUri(registry, `models:/${name}/1/2`), 'USAGE', /Not a proper models:\/ URI/);
  });

  test('artifacts round-trip byte for byte, nested files included, and verify their checksums', async () => {
    const name = uniqueName('artifact');
    const modelDir = await createModelFixture(work, {
      extraFiles: { 'trees/part-0.bin': new Uint8Array([0, 1, 2, 255]) },
    });
    const result = await registerModel(
      registry,
      { modelDir, name, experiment: 'contract', aliases: ['champion'] },
      deps,
    );
    const dest = join(work, uniqueName('dl'));
    const downloaded = await downloadModel(registry, `models:/${name}@champion`, dest);
    expect(downloaded).toMatchObject({ uri: `models:/${name}/${result.version}`, dir: dest, cached: false });
    expect(await listFiles(dest)).toEqual(await listFiles(modelDir));
    for (const file of await listFiles(modelDir)) {
      expect(await readFile(join(dest, file))).toEqual(await readFile(join(modelDir, file)));
    }
    await verifyChecksums(dest);
    await expectCode(downloadModel(registry, `models:/${name}/1`, dest), 'INPUT_INVALID', /not empty/);
  });

  test('concurrent cache fetches of one version end with one verified copy', async () => {
    const name = uniqueName('cache-race');
    await register(name);
    const cache = join(work, uniqueName('cache'));
    const fetched = await Promise.all(
      [1, 2, 3].map(() => fetchModelToCache(registry, `models:/${name}/latest`, cache)),
    );
    expect(new Set(fetched.map((f) => f.dir)).size).toBe(1);
    await verifyChecksums(fetched[0]?.dir as string);
    // Only the final directory is left: every loser's temp download was removed.
    expect(await readdir(join(fetched[0]?.dir as string, '..'))).toEqual(['1']);
  });

  test('a tampered artifact is refused on download and never appears at the destination', async () => {
    const name = uniqueName('tamper');
    const result = await register(name);
    const version = await registry.getModelVersion(name, result.version);
    const cache = join(work, uniqueName('cache'));
    expect((await fetchModelToCache(registry, `models:/${name}/1`, cache)).cached).toBe(false);
    expect((await fetchModelToCache(registry, `models:/${name}/latest`, cache)).cached).toBe(true);
    await target().tamper(registry, version, 'model.json', '{"trees":"evil"}');
    const dest = join(work, uniqueName('dl'));
    const err = await expectCode(
      downloadModel(registry, `models:/${name}/1`, dest),
      'ARTIFACT_INVALID',
      /checksum/,
    );
    expect(err.problems).toEqual(['model.json: sha256 does not match']);
    await expect(readdir(dest)).rejects.toThrow();
    // The verified cached copy keeps serving; a damaged cached copy is fetched again, and refused.
    expect((await fetchModelToCache(registry, `models:/${name}/1`, cache)).cached).toBe(true);
    const cached = (await fetchModelToCache(registry, `models:/${name}/1`, cache)).dir;
    await writeFile(join(cached, 'metrics.json'), '{}');
    await expectCode(fetchModelToCache(registry, `models:/${name}/1`, cache), 'ARTIFACT_INVALID');
  });

  modelContract(() => ({ registry, register, work }));
}

import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createSilentLogger } from '../../src/telemetry/logger';
import { loadModel } from '../../src/artifact/load';
import { runTrain } from '../../src/commands/train/run-train';
import type { TrainOptions } from '../../src/commands/train/run-train';
import { featureNames, syntheticRows, tempDir, writeCsv } from '../helpers/data';

const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');
const base: Omit<TrainOptions, 'data' | 'output'> = {
  nEstimators: 20,
  maxFeatures: 'sqrt',
  minSamplesLeaf: 1,
  seed: 42,
  testSize: 0.2,
  threads: 1,
};
const deps = (cwd: string) => ({ logger: createSilentLogger(), cwd, version: '0.1.0-test' });

describe('the model artifact', () => {
  it('loads back to the predictions recorded in reference.csv, with its metrics', async () => {
    const dir = tempDir();
    const result = await runTrain({ ...base, data: IRIS, output: 'model' }, deps(dir));
    const model = await loadModel(result.modelPath);
    expect(model.format).toBe('mlctl-random-forest');
    expect(model.metrics).toEqual(result.metrics);
    const [header, ...lines] = readFileSync(join(result.modelPath, 'reference.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(header).toBe('sepal_length,sepal_width,petal_length,petal_width,target,prediction');
    expect(lines).toHaveLength(120);
    for (const line of lines) {
      const v = line.split(',').map(Number);
      expect(model.predictor.predict([v.slice(0, 4)])[0]).toBe(v[5]);
    }
  });

  it('writes an MLmodel that MLflow can read: mlctl flavor with params and data sha256, and a signature', async () => {
    const dir = tempDir();
    const result = await runTrain({ ...base, data: IRIS, output: 'model' }, deps(dir));
    const mlmodel = parse(readFileSync(join(result.modelPath, 'MLmodel'), 'utf8'));
    expect(mlmodel.flavors.mlctl).toMatchObject({
      mlctl_version: '0.1.0-test',
      model_file: 'model.json',
      format: 'mlctl-random-forest',
      params: { n_estimators: 20, max_features: 'sqrt', seed: 42 },
      data: { sha256: result.data.sha256, rows: 150 },
    });
    expect(mlmodel.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(mlmodel.utc_time_created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(JSON.parse(mlmodel.signature.inputs)[0]).toEqual({
      type: 'double',
      name: 'sepal_length',
      required: true,
    });
    expect(JSON.parse(mlmodel.signature.outputs)).toEqual([{ type: 'long', required: true }]);
  });

  it('is refused when a file was changed, added or removed after training', async () => {
    const dir = tempDir();
    const { modelPath } = await runTrain({ ...base, data: IRIS, output: 'model' }, deps(dir));
    const json = join(modelPath, 'model.json');
    const original = readFileSync(json, 'utf8');
    writeFileSync(json, original.replace('"seed": 42', '"seed": 43'));
    await expect(loadModel(modelPath)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      problems: ['model.json: sha256 does not match'],
    });
    writeFileSync(json, original);
    await expect(loadModel(modelPath)).resolves.toBeDefined();
    appendFileSync(join(modelPath, 'extra.txt'), 'x');
    await expect(loadModel(modelPath)).rejects.toMatchObject({
      problems: ['extra.txt: not listed in SHA256SUMS'],
    });
    rmSync(join(modelPath, 'extra.txt'));
    rmSync(join(modelPath, 'SHA256SUMS'));
    await expect(loadModel(modelPath)).rejects.toMatchObject({ code: 'ARTIFACT_INVALID' });
  });

  it('reports the checksums, not what decoding made of the damage, when files cannot even be read', async () => {
    // The trees are decoded while the files are hashed: a truncated trees.bin fails both, and a
    // model.json that is no JSON fails parsing — the checksum failure is what the user is told.
    const dir = tempDir();
    // Enough trees (over 20,000 nodes) for the forest to go to trees.bin, not inline in model.json.
    const { modelPath } = await runTrain(
      { ...base, nEstimators: 2000, data: IRIS, output: 'model' },
      deps(dir),
    );
    const bin = join(modelPath, 'trees.bin');
    const bytes = readFileSync(bin);
    writeFileSync(bin, bytes.subarray(0, 100));
    await expect(loadModel(modelPath)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringContaining('failed its checksum verification'),
      problems: ['trees.bin: sha256 does not match'],
    });
    writeFileSync(bin, bytes);
    const json = join(modelPath, 'model.json');
    writeFileSync(json, '{ not json');
    await expect(loadModel(modelPath)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      problems: ['model.json: sha256 does not match'],
    });
    rmSync(bin);
    await expect(loadModel(modelPath)).rejects.toMatchObject({
      problems: ['model.json: sha256 does not match', 'trees.bin: missing'],
    });
  });

  it('keeps a large forest in trees.bin, byte-identical run to run, and loads it', async () => {
    const dir = tempDir();
    const data = writeCsv(dir, 'big.csv', [...featureNames(5), 'target'], syntheticRows(3000, 5, 0.2));
    const a = await runTrain({ ...base, nEstimators: 40, data, output: 'a' }, deps(dir));
    const b = await runTrain({ ...base, nEstimators: 40, data, output: 'b' }, deps(dir));
    const doc = JSON.parse(readFileSync(join(a.modelPath, 'model.json'), 'utf8'));
    expect(doc.forest.storage).toBe('trees.bin');
    expect(doc.forest.trees).toBeUndefined();
    for (const file of ['model.json', 'trees.bin', 'metrics.json', 'reference.csv']) {
      expect(a.files[file]).toBe(b.files[file]);
    }
    expect(a.files['MLmodel']).not.toBe(b.files['MLmodel']);
    const model = await loadModel(a.modelPath);
    const lines = readFileSync(join(a.modelPath, 'reference.csv'), 'utf8').trim().split('\n').slice(1, 200);
    for (const line of lines) {
      const v = line.split(',').map(Number);
      expect(model.predictor.predict([v.slice(0, 5)])[0]).toBe(v[6]);
    }
    // Two trainings of 40 trees with their reports: on a loaded 2-core machine that can pass 30 s.
  }, 120_000);
});

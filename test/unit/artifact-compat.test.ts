import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSilentLogger } from '../../src/telemetry/logger';
import { loadModel } from '../../src/artifact/load';
import { listFiles, writeChecksums } from '../../src/artifact/checksums';
import { runTrain } from '../../src/commands/train/run-train';
import type { TrainOptions } from '../../src/commands/train/run-train';
import { tempDir } from '../helpers/data';

const FIXTURES = join(__dirname, '..', 'fixtures', 'artifact-v1');
const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');
const deps = (cwd: string) => ({ logger: createSilentLogger(), cwd, version: '0.1.0' });
const base = { nEstimators: 100, minSamplesLeaf: 1, seed: 42, threads: 1 };

/** The runs that wrote the format-1 fixtures (their README). */
const runs: Array<[string, Omit<TrainOptions, 'output'>]> = [
  ['iris', { ...base, data: 'iris.csv' }],
  [
    'synth',
    {
      ...base,
      data: 'synthetic.csv',
      nEstimators: 15,
      maxDepth: 6,
      maxFeatures: 0.5,
      minSamplesLeaf: 2,
      seed: 7,
      testSize: 0.25,
    },
  ],
  ['species', { ...base, data: 'iris-species.csv', target: 'species', nEstimators: 10, seed: 3 }],
];

function workspace(): string {
  const dir = tempDir();
  cpSync(FIXTURES, dir, { recursive: true });
  cpSync(IRIS, join(dir, 'iris.csv'));
  return dir;
}

const text = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
/** MLmodel without the two lines that change with every run. */
const stable = (mlmodel: string): string =>
  mlmodel
    .split('\n')
    .filter((l) => !/^(model_uuid|utc_time_created):/.test(l))
    .join('\n');

/** What issue 19 added to MLmodel: MLflow's python_function flavor and the input example's record. */
const PYTHON_FUNCTION = `  python_function:
    code: 'code'
    env:
      virtualenv: 'python_env.yaml'
    loader_module: 'mlctl_pyfunc'
    python_version: '3.11.7'
`;
const INPUT_EXAMPLE_INFO = `saved_input_example_info:
  artifact_path: 'input_example.json'
  pandas_orient: 'split'
  serving_input_path: 'serving_input_example.json'
  type: 'dataframe'
`;
/** The files issue 19 added beside format 1's (the Python flavor and the input example). */
const ADDED_FILES = [
  'code/mlctl_pyfunc.py',
  'input_example.json',
  'python_env.yaml',
  'requirements.txt',
  'report.html',
  'serving_input_example.json',
];

describe('format 2 on numeric data: format 1’s files but for the version, the Python flavor and the report', () => {
  it.each(runs)('%s: model.json, reference.csv and MLmodel as format 1 wrote them', async (name, options) => {
    const dir = workspace();
    const result = await runTrain({ ...options, output: `new-${name}` }, deps(dir));
    const old = join(dir, name);
    // Byte for byte but for the version: model.json and reference.csv.
    expect(text(result.modelPath, 'model.json')).toBe(
      text(old, 'model.json').replace('"format_version": 1,', '"format_version": 2,'),
    );
    expect(text(result.modelPath, 'reference.csv')).toBe(text(old, 'reference.csv'));
    // MLmodel: every line of format 1's, in order, with two blocks added — the python_function flavor
    // after the mlctl flavor, and saved_input_example_info at the end.
    const mlmodel = text(result.modelPath, 'MLmodel');
    expect(mlmodel).toContain(`${PYTHON_FUNCTION}model_uuid:`);
    expect(mlmodel.endsWith(`  params: null\n${INPUT_EXAMPLE_INFO}`)).toBe(true);
    expect(stable(mlmodel.replace(PYTHON_FUNCTION, '').replace(INPUT_EXAMPLE_INFO, ''))).toBe(
      stable(text(old, 'MLmodel')),
    );
    // The file list: format 1's and the added files, nothing else (SHA256SUMS covers them all).
    expect(await listFiles(result.modelPath)).toEqual([...(await listFiles(old)), ...ADDED_FILES].sort());
    expect(Object.keys(result.files).sort()).toEqual(
      (await listFiles(result.modelPath)).filter((f) => f !== 'SHA256SUMS'),
    );
    // metrics.json only gains metrics: every format-1 value is unchanged.
    expect(JSON.parse(text(result.modelPath, 'metrics.json'))).toMatchObject(
      JSON.parse(text(old, 'metrics.json')),
    );
  });

  it.each(runs)(
    '%s: the format-1 artifact still loads and predicts as the new one',
    async (name, options) => {
      const dir = workspace();
      const result = await runTrain({ ...options, output: `new-${name}` }, deps(dir));
      const old = await loadModel(join(dir, name));
      const now = await loadModel(result.modelPath);
      const rows = text(dir, options.data)
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',').slice(0, -1).map(Number));
      expect(old.predictor.predictProba(rows)).toEqual(now.predictor.predictProba(rows));
    },
  );

  it('loads a format-1 trees.bin (every node’s class weights as float64)', async () => {
    const dir = workspace();
    const old = join(dir, 'synth');
    const doc = JSON.parse(text(old, 'model.json'));
    const trees = doc.forest.trees as Array<Record<string, number[]>>;
    const N = trees.reduce((a, t) => a + (t.feature as number[]).length, 0);
    const K = doc.forest.n_classes as number;
    const view = new DataView(new ArrayBuffer(N * (8 + 8 * K + 12)));
    let i = 0;
    for (const t of trees) {
      (t.feature as number[]).forEach((f, k) => {
        view.setFloat64(8 * i, (t.threshold as number[])[k] as number, true);
        for (let c = 0; c < K; c++)
          view.setFloat64(8 * N + 8 * (i * K + c), (t.value as number[])[k * K + c] as number, true);
        view.setInt32(8 * N * (1 + K) + 4 * i, f, true);
        view.setInt32(8 * N * (1 + K) + 4 * N + 4 * i, (t.left as number[])[k] as number, true);
        view.setInt32(8 * N * (1 + K) + 8 * N + 4 * i, (t.right as number[])[k] as number, true);
        i++;
      });
    }
    const binary = join(dir, 'synth-bin');
    cpSync(old, binary, { recursive: true });
    delete doc.forest.trees;
    doc.forest.storage = 'trees.bin';
    writeFileSync(join(binary, 'model.json'), JSON.stringify(doc));
    writeFileSync(join(binary, 'trees.bin'), new Uint8Array(view.buffer));
    await writeChecksums(binary);
    const rows = text(dir, 'synthetic.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(0, 5).map(Number));
    expect((await loadModel(binary)).predictor.predictProba(rows)).toEqual(
      (await loadModel(old)).predictor.predictProba(rows),
    );
  });
});

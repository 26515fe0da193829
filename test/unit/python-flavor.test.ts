import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runPredict } from '../../src/commands/predict/run-predict';
import { runTrain } from '../../src/commands/train/run-train';
import type { TrainOptions } from '../../src/commands/train/run-train';
import { PYTHON_DIR } from '../../src/artifact/python-flavor';
import { createSilentLogger } from '../../src/telemetry/logger';
import { featureNames, syntheticRows, tempDir, writeCsv } from '../helpers/data';
import { describeIfAvailable } from '../helpers/requirement';
import { writeAwkwardRows } from '../helpers/awkward-rows';

/**
 * The Python loader (python/, docs/PYTHON.md): its own tests (pytest), its lint (ruff), and its
 * predictions against `mlctl predict` on every kind of model mlctl trains. Needs a Python with numpy,
 * pandas, pytest and ruff (MLCTL_TEST_PYTHON, default the CI venv); .ci/run installs them and sets
 * MLCTL_REQUIRE_PYFUNC=1, so CI fails instead of skipping.
 */
const PYTHON = process.env.MLCTL_TEST_PYTHON || join(homedir(), '.cache', 'mlctl', 'venv', 'bin', 'python');
const probe = spawnSync(PYTHON, ['-c', 'import numpy, pandas, pytest, ruff'], { encoding: 'utf8' });
const missing =
  probe.status === 0
    ? undefined
    : `${PYTHON} cannot import numpy, pandas, pytest and ruff (bash scripts/ci/python-loader.sh installs them)`;

const REPO = join(__dirname, '..', '..');
const python = (args: string[], cwd = REPO) => {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

describeIfAvailable('the Python loader (python/mlctl_pyfunc.py)', missing, 'MLCTL_REQUIRE_PYFUNC', () => {
  jest.setTimeout(180_000);

  test('its own tests pass (pytest, in python/)', () => {
    const r = python(['-m', 'pytest', '-q'], PYTHON_DIR);
    expect([r.code, r.out]).toEqual([0, expect.stringMatching(/\d+ passed/)]);
  });

  test('it is lint-clean and formatted (ruff)', () => {
    const lint = python(['-m', 'ruff', 'check', '--no-cache', 'python']);
    expect([lint.code, lint.out]).toEqual([0, expect.any(String)]);
    const format = python(['-m', 'ruff', 'format', '--check', '--no-cache', 'python']);
    expect([format.code, format.out]).toEqual([0, expect.any(String)]);
  });

  test('it predicts what `mlctl predict` does on every kind of model mlctl trains, and on format 1', async () => {
    const dir = tempDir('mlctl-pyfunc-');
    const deps = { logger: createSilentLogger(), cwd: dir, version: '0.1.0' };
    const penguins = join(REPO, 'data', 'penguins', 'penguins.csv');
    cpSync(join(REPO, 'data', 'processed', 'iris.csv'), join(dir, 'iris.csv'));
    cpSync(penguins, join(dir, 'penguins.csv'));
    writeCsv(dir, 'synthetic.csv', [...featureNames(5), 'target'], syntheticRows(3000, 5));
    const base = { nEstimators: 100, minSamplesLeaf: 1, seed: 42, threads: 1 };
    const peng = { data: 'penguins.csv', naValues: ['NA'] };
    const models: Array<[string, Omit<TrainOptions, 'output'>]> = [
      ['iris', { ...base, data: 'iris.csv' }],
      ['species', { ...base, ...peng, target: 'species' }],
      ['weighted', { ...base, ...peng, target: 'island', classWeight: 'balanced', nEstimators: 30 }],
      ['body-mass', { ...base, ...peng, target: 'body_mass_g' }],
      ['synthetic', { ...base, data: 'synthetic.csv' }],
    ];
    const cases: Array<{ model: string; data: string; loader: string; storage?: string }> = [];
    for (const [name, options] of models) {
      const { modelPath } = await runTrain({ ...options, output: name }, deps);
      const storage = JSON.parse(readFileSync(join(modelPath, 'model.json'), 'utf8')).forest.storage;
      cases.push({ model: modelPath, data: options.data, loader: join(modelPath, 'code'), storage });
    }
    // What the list covers: categories and gaps, class weights, regression, both storages.
    expect(cases.map((c) => c.storage)).toEqual(['inline', 'inline', 'inline', 'trees.bin', 'trees.bin']);
    const v1 = join(REPO, 'test', 'fixtures', 'artifact-v1');
    cpSync(join(v1, 'iris-species.csv'), join(dir, 'iris-species.csv'));
    for (const name of ['iris', 'species'])
      cases.push({
        model: join(v1, name),
        data: name === 'iris' ? 'iris.csv' : 'iris-species.csv',
        loader: PYTHON_DIR,
      });

    for (const c of cases) {
      const rows = join(dir, `rows-${cases.indexOf(c)}.csv`);
      const expected = `${rows}.mlctl.csv`;
      writeAwkwardRows(join(dir, c.data), rows);
      const task = JSON.parse(readFileSync(join(c.model, 'model.json'), 'utf8')).task ?? 'classification';
      await runPredict(
        { model: c.model, data: rows, output: expected, format: 'csv', proba: task !== 'regression' },
        { ...deps, stdout: process.stdout },
      );
      const script = join(PYTHON_DIR, 'tests', 'compare_predictions.py');
      const r = python([script, c.loader, c.model, rows, expected]);
      expect([r.code, r.out]).toEqual([0, expect.any(String)]);
      const report = JSON.parse(r.out.trim().split('\n').pop() as string);
      expect(report.loader).toBe(join(c.loader, 'mlctl_pyfunc.py'));
      expect(report.rows).toBeGreaterThan(300);
      for (const mode of ['text', 'parsed']) {
        if (task !== 'regression')
          expect([c.model, mode, report[mode].mismatches]).toEqual([c.model, mode, 0]);
        expect(report[mode].max_diff).toBeLessThanOrEqual(1e-12);
      }
    }
  });
});

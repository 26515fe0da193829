import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { eventually, startServeProcess } from '../helpers/serve-process';

const PENGUINS = join(REPO_ROOT, 'data', 'penguins', 'penguins.csv');
const cwd = tempDir();
const quick = ['--n-estimators', '20', '--threads', '1'];

describe('mlctl train and predict on a table with text, gaps and a numeric target (built CLI)', () => {
  it('trains a regression on the penguins table as published, typed and explained, and predicts raw rows', async () => {
    const r = await spawnCli(
      [
        'train',
        '--data',
        PENGUINS,
        '--target',
        'body_mass_g',
        '--na-values',
        'NA',
        '--output',
        'mass',
        '--json',
        ...quick,
      ],
      { cwd },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.task).toBe('regression');
    expect(doc.task_reason).toMatch(/94 distinct integers/);
    expect(doc.feature_types.island).toEqual({
      type: 'categorical',
      nullable: false,
      categories: ['Biscoe', 'Dream', 'Torgersen'],
    });
    expect(doc.feature_types.sex).toMatchObject({ type: 'categorical', nullable: true });
    expect(doc.notes[0]).toBe('2 rows have no target "body_mass_g" and are left out (lines 5, 273)');
    expect(doc.metrics).toMatchObject({ evaluation: 'holdout', rows: { train: 273, test: 69 } });
    expect(doc.metrics.r2).toBeGreaterThan(0.6);
    expect(Object.keys(doc.metrics).sort()).toEqual(['evaluation', 'mae', 'oob_r2', 'r2', 'rmse', 'rows']);

    const mlmodel = parse(readFileSync(join(cwd, 'mass', 'MLmodel'), 'utf8'));
    const inputs = JSON.parse(mlmodel.signature.inputs);
    expect(inputs[0]).toEqual({ type: 'string', name: 'species', required: true });
    expect(inputs.find((i: { name: string }) => i.name === 'sex')).toEqual({
      type: 'string',
      name: 'sex',
      required: false,
    });
    expect(inputs.find((i: { name: string }) => i.name === 'year')).toEqual({
      type: 'double',
      name: 'year',
      required: true,
    });
    expect(JSON.parse(mlmodel.signature.outputs)).toEqual([{ type: 'double', required: true }]);
    const reference = readFileSync(join(cwd, 'mass', 'reference.csv'), 'utf8').split('\n');
    expect(reference[0]).toBe(
      'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,year,target,prediction',
    );
    expect(reference.some((l) => /^Adelie,Torgersen,[\d.]+,[\d.]+,\d+,,2007,\d+,[\d.]+$/.test(l))).toBe(true);

    writeFileSync(
      join(cwd, 'new.csv'),
      'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,year\nGentoo,Biscoe,47.5,15,218,female,2009\nAdelie,Dream,,18.4,,NA,2008\nChinstrap,Atlantis,50.1,19.3,201,male,2009\n',
    );
    const p = await spawnCli(['predict', '--model', 'mass', '--data', 'new.csv', '--output', 'p.jsonl'], {
      cwd,
    });
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('Categories not seen in training, read as missing values: island: 1.');
    const rows = readFileSync(join(cwd, 'p.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows[1].features).toMatchObject({ island: 'Dream', bill_length_mm: null, sex: null });
    expect(
      rows.every(
        (row) => typeof row.prediction === 'number' && row.prediction > 2500 && row.prediction < 6500,
      ),
    ).toBe(true);
    // Gentoo penguins are the heavy ones.
    expect(rows[0].prediction).toBeGreaterThan(rows[1].prediction);

    const proba = await spawnCli(['predict', '--model', 'mass', '--data', 'new.csv', '--proba'], { cwd });
    expect(proba.code).toBe(2);
    expect(proba.stderr).toContain('--proba: a regression model predicts a number');
    writeFileSync(
      join(cwd, 'bad.csv'),
      'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,year\nGentoo,Biscoe,long,15,218,female,2009\n',
    );
    const bad = await spawnCli(['predict', '--model', 'mass', '--data', 'bad.csv'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 2: bill_length_mm = "long" is not a number (numeric feature)');
  }, 60_000);

  it('trains a classifier on every row with --test-size 0 (out-of-bag metrics) and balanced class weights', async () => {
    const r = await spawnCli(
      [
        'train',
        '--data',
        PENGUINS,
        '--target',
        'species',
        '--na-values',
        'NA',
        '--test-size',
        '0',
        '--class-weight',
        'balanced',
        '--output',
        'species',
        ...quick,
      ],
      { cwd },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Out-of-bag 3\d\d rows \(--test-size 0: trained on every row/);
    const metrics = JSON.parse(readFileSync(join(cwd, 'species', 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ evaluation: 'oob', rows: { train: 344 } });
    expect(metrics.accuracy).toBeGreaterThan(0.9);
    expect(metrics.accuracy).toBe(metrics.oob_accuracy);
    const model = JSON.parse(readFileSync(join(cwd, 'species', 'model.json'), 'utf8'));
    expect(model.params).toMatchObject({ class_weight: 'balanced', test_size: 0 });
    expect(model.forest.class_weight).toHaveLength(3);
    expect(model.na_values).toEqual(['NA']);
  }, 60_000);

  it('gates a regression on --min-r2 / --max-rmse (exit 3, the model written) and measures on --test-data', async () => {
    const r = await spawnCli(
      [
        'train',
        '--data',
        PENGUINS,
        '--target',
        'body_mass_g',
        '--na-values',
        'NA',
        '--output',
        'gated',
        '--min-r2',
        '0.99',
        '--max-rmse',
        '1000',
        ...quick,
      ],
      { cwd },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ quality gate: held-out R² 0\.\d+ is below --min-r2 0\.99/);
    const t = await spawnCli(
      [
        'train',
        '--data',
        PENGUINS,
        '--target',
        'body_mass_g',
        '--na-values',
        'NA',
        '--test-data',
        PENGUINS,
        '--output',
        'tested',
        '--json',
        ...quick,
      ],
      { cwd },
    );
    expect(t.code).toBe(0);
    // The two rows without a target are left out of the test data too.
    expect(JSON.parse(t.stdout).metrics).toMatchObject({
      evaluation: 'test_data',
      rows: { train: 342, test: 342 },
    });
  }, 60_000);

  it('mlctl serve serves the regression model: `mlctl predict`’s numbers on /invocations (CSV with gaps), a log drift reads', async () => {
    const log = join(cwd, 'predictions.jsonl');
    const s = await startServeProcess(['--model', 'mass', '--port', '0'], {
      cwd,
      env: { PREDICTION_LOG_PATH: log, PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200, 30_000);
      const r = await fetch(`${s.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: readFileSync(join(cwd, 'new.csv')),
      });
      const expected = readFileSync(join(cwd, 'p.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { prediction: number }).prediction);
      expect(await r.json()).toEqual({ predictions: expected });
      // The reference's own rows through /predict, so the current data look like the reference.
      const reference = readFileSync(join(cwd, 'mass', 'reference.csv'), 'utf8')
        .trim()
        .split('\n');
      const header = reference[0]!.split(',').slice(0, 7);
      const rows = reference.slice(1, 121).map((l) =>
        l
          .split(',')
          .slice(0, 7)
          .map((v, j) =>
            v === '' ? null : ['species', 'island', 'sex'].includes(header[j]!) ? v : Number(v),
          ),
      );
      const p = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: rows }),
      });
      expect(p.status).toBe(200);
    } finally {
      await s.stop();
    }
    const drift = await spawnCli(['drift', '--reference', 'mass', '--current', log, '--json'], { cwd });
    expect(drift.code).toBe(0);
    const report = JSON.parse(drift.stdout) as {
      columns: Array<{ name: string; type: string; current_rows: number; current_missing: number }>;
      prediction: { type: string; current_rows: number; current_missing: number };
    };
    // The text categories as categories, the gaps as missing values, the numbers predicted as a number.
    const island = report.columns.find((c) => c.name === 'island')!;
    const billLength = report.columns.find((c) => c.name === 'bill_length_mm')!;
    // Atlantis, an island never seen in training, was scored (and is logged) as a missing value.
    expect(island).toMatchObject({ type: 'categorical', current_missing: 1 });
    expect(billLength).toMatchObject({ type: 'numerical', current_missing: 1 });
    expect(report.prediction).toMatchObject({ type: 'numerical', current_rows: 123, current_missing: 0 });
  }, 60_000);
});

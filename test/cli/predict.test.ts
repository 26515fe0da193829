import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';

const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
const iris = readFileSync(IRIS, 'utf8').trim().split('\n');
const cwd = tempDir();

beforeAll(async () => {
  const r = await spawnCli(['train', '--data', IRIS, '--output', 'model', '--n-estimators', '15'], { cwd });
  expect(r.code).toBe(0);
}, 30_000);

/** Column `name` of every data row of a CSV text. */
function column(text: string, name: string): string[] {
  const [header, ...rows] = text.trim().split('\n');
  const at = (header as string).split(',').indexOf(name);
  return rows.map((r) => r.split(',')[at] as string);
}

describe('mlctl predict (built CLI)', () => {
  it('scores a CSV to stdout: the input columns plus prediction', async () => {
    const r = await spawnCli(['predict', '--model', 'model', '--data', IRIS], { cwd });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${iris[0]},prediction`);
    expect(lines).toHaveLength(151);
    const predicted = column(r.stdout, 'prediction');
    const agree = predicted.filter((p, i) => p === column(r.stdout, 'target')[i]).length;
    expect(agree).toBeGreaterThan(140);
  });

  it('matches columns by name, not position: reordered and extra columns change nothing', async () => {
    const shuffled = iris.map((line, i) => {
      const [a, b, c, d, t] = line.split(',');
      return [i === 0 ? 'note' : 'x', d, t, b, c, a].join(',');
    });
    writeFileSync(join(cwd, 'shuffled.csv'), `${shuffled.join('\n')}\n`);
    const straight = await spawnCli(['predict', '--model', 'model', '--data', IRIS], { cwd });
    const moved = await spawnCli(['predict', '--model', 'model', '--data', 'shuffled.csv'], { cwd });
    expect(moved.code).toBe(0);
    expect(column(moved.stdout, 'prediction')).toEqual(column(straight.stdout, 'prediction'));
  });

  it('writes CSV with class probabilities to --output, and JSON lines for .jsonl', async () => {
    const csv = await spawnCli(
      ['predict', '--model', 'model', '--data', IRIS, '--output', 'out/p.csv', '--proba'],
      { cwd },
    );
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^Wrote 150 predictions to out\/p\.csv \(csv; 0: \d+, 1: \d+, 2: \d+\)\.$/m);
    const text = readFileSync(join(cwd, 'out', 'p.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(`${iris[0]},prediction,proba_0,proba_1,proba_2`);
    const row = (text.split('\n')[1] as string).split(',').slice(-3).map(Number);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);

    const jsonl = await spawnCli(
      ['predict', '--model', 'model', '--data', IRIS, '--output', 'p.jsonl', '--proba'],
      { cwd },
    );
    expect(jsonl.code).toBe(0);
    const docs = readFileSync(join(cwd, 'p.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(150);
    expect(docs[0]).toEqual({
      features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      prediction: 0,
      probabilities: { '0': expect.any(Number), '1': expect.any(Number), '2': expect.any(Number) },
    });
    expect(docs.map((d) => String(d.prediction))).toEqual(column(text, 'prediction'));
  });

  it('refuses --features with an mlctl model, which knows its features (exit 2)', async () => {
    const r = await spawnCli(['predict', '--model', 'model', '--data', IRIS, '--features', 'a,b'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--features names the columns of an ml-random-forest JSON model only');
  });

  it('refuses a missing data file and an --output that is a directory (exit 2)', async () => {
    const missing = await spawnCli(['predict', '--model', 'model', '--data', 'nope.csv'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('data file not found: nope.csv');
    const dir = await spawnCli(['predict', '--model', 'model', '--data', IRIS, '--output', '.'], { cwd });
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('--output . is a directory');
  });

  it('refuses data without the model features (exit 2), naming them', async () => {
    writeFileSync(join(cwd, 'partial.csv'), 'sepal_length,petal_width\n1,2\n');
    const r = await spawnCli(['predict', '--model', 'model', '--data', 'partial.csv'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing: sepal_width, petal_length');
  });

  it('stops on a bad row (exit 2) and leaves no output file behind', async () => {
    writeFileSync(join(cwd, 'bad.csv'), `${iris.slice(0, 5).join('\n')}\n5.0,oops,1.4,0.2,0\n`);
    const r = await spawnCli(
      ['predict', '--model', 'model', '--data', 'bad.csv', '--output', 'bad-out.csv'],
      { cwd },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 6: sepal_width = "oops" is not a number (numeric feature)');
    expect(existsSync(join(cwd, 'bad-out.csv'))).toBe(false);
    expect(readdirSync(cwd).filter((f) => f.includes('bad-out'))).toEqual([]);
  });

  it('refuses a tampered model (exit 1, checksum failure)', async () => {
    const copy = tempDir();
    const trained = await spawnCli(['train', '--data', IRIS, '--output', 'm', '--n-estimators', '3'], {
      cwd: copy,
    });
    expect(trained.code).toBe(0);
    const metrics = join(copy, 'm', 'metrics.json');
    writeFileSync(metrics, readFileSync(metrics, 'utf8').replace('"accuracy": ', '"accuracy": 1, "was": '));
    const r = await spawnCli(['predict', '--model', 'm', '--data', IRIS], { cwd: copy });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed its checksum verification');
    expect(r.stderr).toContain('metrics.json: sha256 does not match');
    expect(r.stdout).toBe('');
  });

  it('scores with an ml-random-forest toJSON() file, feature names given with --features', async () => {
    const rows = iris.slice(1).map((l) => l.split(',').map(Number));
    const rf = new RandomForestClassifier({ nEstimators: 5, seed: 1, maxFeatures: 0.75, noOOB: true });
    rf.train(
      rows.map((r) => r.slice(0, 4)),
      rows.map((r) => r[4] as number),
    );
    writeFileSync(join(cwd, 'mljs.json'), JSON.stringify(rf.toJSON()));
    const features = 'sepal_length,sepal_width,petal_length,petal_width';
    const r = await spawnCli(['predict', '--model', 'mljs.json', '--features', features, '--data', IRIS], {
      cwd,
    });
    expect(r.code).toBe(0);
    const predicted = column(r.stdout, 'prediction');
    expect(predicted.filter((p, i) => p === column(r.stdout, 'target')[i]).length).toBeGreaterThan(135);
    const unnamed = await spawnCli(['predict', '--model', 'mljs.json', '--data', IRIS], { cwd });
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain('missing: feature_0');
    expect(unnamed.stderr).toContain('--features');
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { featureNames, syntheticRows, tempDir, writeCsv } from '../helpers/data';

const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
const quick = ['--n-estimators', '10'];

describe('mlctl train (built CLI)', () => {
  it('trains on iris, prints the metrics and MODEL_DIR, and writes a verified artifact', async () => {
    const cwd = tempDir();
    const r = await spawnCli(['train', '--data', IRIS, '--output', 'model'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Held-out 30 rows: accuracy 0\.\d{4} · macro F1 0\.\d{4} · out-of-bag accuracy 0\.\d{4}/,
    );
    expect(r.stdout).toContain('checked against');
    expect(r.stdout.trim().split('\n').pop()).toBe('MODEL_DIR=model');
    expect(readdirSync(join(cwd, 'model')).sort()).toEqual([
      'MLmodel',
      'SHA256SUMS',
      'code',
      'input_example.json',
      'metrics.json',
      'model.json',
      'python_env.yaml',
      'reference.csv',
      'report.html',
      'requirements.txt',
      'serving_input_example.json',
    ]);
    expect(readdirSync(join(cwd, 'model', 'code'))).toEqual(['mlctl_pyfunc.py']);
    const metrics = JSON.parse(readFileSync(join(cwd, 'model', 'metrics.json'), 'utf8'));
    expect(metrics.rows).toEqual({ train: 120, test: 30 });
    expect(metrics.confusion_matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(30);
    expect(Object.keys(metrics.per_class)).toEqual(['0', '1', '2']);
    expect(JSON.parse(readFileSync(join(cwd, 'model', 'model.json'), 'utf8')).params.n_estimators).toBe(100);
  });

  it('writes a byte-identical model whatever --threads is (trees.bin included)', async () => {
    const cwd = tempDir();
    const data = writeCsv(cwd, 'd.csv', [...featureNames(5), 'target'], syntheticRows(3000, 5, 0.2));
    const args = ['train', '--data', data, '--n-estimators', '40'];
    const one = await spawnCli([...args, '--output', 'one', '--threads', '1'], { cwd });
    const two = await spawnCli([...args, '--output', 'two', '--threads', '2', '--json'], { cwd });
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(JSON.parse(two.stdout).threads).toBe(2);
    expect(readdirSync(join(cwd, 'two'))).toContain('trees.bin');
    const python = ['code/mlctl_pyfunc.py', 'input_example.json', 'serving_input_example.json'];
    for (const file of [
      'model.json',
      'trees.bin',
      'metrics.json',
      'reference.csv',
      'report.html',
      ...python,
    ]) {
      expect(readFileSync(join(cwd, 'two', file)).equals(readFileSync(join(cwd, 'one', file)))).toBe(true);
    }
    // Two trainings of 40 trees with their reports, in turn: on a loaded 2-core machine that can pass 30 s.
  }, 120_000);

  it('takes MODEL_N_ESTIMATORS, MODEL_RANDOM_STATE and MODEL_TEST_SIZE, and flags win over them', async () => {
    const cwd = tempDir();
    const env = { MODEL_N_ESTIMATORS: '7', MODEL_RANDOM_STATE: '5', MODEL_TEST_SIZE: '0.3' };
    const fromEnv = await spawnCli(['train', '--data', IRIS, '--json', '--threads', '1', '--output', 'a'], {
      cwd,
      env,
    });
    expect(fromEnv.code).toBe(0);
    const doc = JSON.parse(fromEnv.stdout);
    expect(doc.params).toMatchObject({ n_estimators: 7, seed: 5, test_size: 0.3 });
    expect(doc.metrics.rows).toEqual({ train: 105, test: 45 });
    const flagged = await spawnCli(
      ['train', '--data', IRIS, '--json', '--threads', '1', '--output', 'b', '--n-estimators', '3'],
      { cwd, env },
    );
    expect(JSON.parse(flagged.stdout).params).toMatchObject({ n_estimators: 3, seed: 5 });
  });

  it('misses --min-accuracy: still writes the model, says why, exits 3', async () => {
    const cwd = tempDir();
    const r = await spawnCli(
      ['train', '--data', IRIS, '--output', 'model', '--min-accuracy', '0.999', ...quick],
      { cwd },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ quality gate: held-out accuracy 0\.\d+ is below --min-accuracy 0\.999/);
    expect(existsSync(join(cwd, 'model', 'SHA256SUMS'))).toBe(true);
    const json = await spawnCli(
      ['train', '--data', IRIS, '--output', 'model', '--min-accuracy', '0.5', '--json', ...quick],
      { cwd },
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).gate).toMatchObject({
      passed: true,
      checks: [{ metric: 'accuracy', kind: 'min', bound: 0.5, passed: true }],
    });
  });

  it('writes model_dir and accuracy to $GITHUB_OUTPUT and a summary in GitHub Actions', async () => {
    const cwd = tempDir();
    const output = join(cwd, 'out.txt');
    const summary = join(cwd, 'summary.md');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary };
    const r = await spawnCli(
      ['train', '--data', IRIS, '--output', 'm', '--min-accuracy', '0.999', ...quick],
      { cwd, env },
    );
    expect(r.code).toBe(3);
    const outputs = readFileSync(output, 'utf8');
    expect(outputs).toContain('model_dir=m\n');
    expect(outputs).toMatch(/^accuracy=0\.\d+$/m);
    expect(readFileSync(summary, 'utf8')).toContain('### mlctl train — gate failed');
    expect(r.stderr).toContain('::error title=mlctl train%3A quality gate::held-out accuracy');
  });

  it('draws no progress bar when stderr is not a terminal', async () => {
    const r = await spawnCli(['train', '--data', IRIS, '--output', 'm', ...quick], {
      cwd: tempDir(),
      env: { LOG_LEVEL: 'silent' },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});

describe('mlctl train refuses bad input, and writes nothing', () => {
  const cwd = tempDir();
  const csv = (name: string, text: string): string => {
    writeFileSync(join(cwd, name), text);
    return name;
  };
  const iris = readFileSync(IRIS, 'utf8');
  const cases: Array<[string, string[], number, RegExp]> = [
    ['an unknown target column', ['--data', IRIS, '--target', 'species'], 2, /no target column "species"/],
    ['a single class', ['--data', csv('one.csv', 'x,target\n1,a\n2,a\n3,a\n')], 2, /single class/],
    [
      'text in a column forced numeric',
      ['--data', csv('text.csv', 'x,target\n1,a\nhello,b\n3,a\n'), '--numeric', 'x'],
      2,
      /line 3: column "x" = "hello" is not a number \(numeric feature\)/,
    ],
    [
      'numbers with a missing-value marker',
      [
        '--data',
        csv(
          'na.csv',
          `x,target\n${Array.from({ length: 30 }, (_, i) => `${i === 4 ? 'NA' : i},${i % 2}`).join('\n')}\n`,
        ),
      ],
      2,
      /column "x" has 29 numbers and 1 text \("NA"\): if they mean "missing", train with --na-values NA/,
    ],
    [
      'a regression gate on a classifier',
      ['--data', IRIS, '--min-r2', '0.5'],
      2,
      /--min-r2 cannot gate a classification model/,
    ],
    [
      '--test-data with --test-size',
      ['--data', IRIS, '--test-data', IRIS, '--test-size', '0.3'],
      2,
      /--test-data: cannot be combined with --test-size/,
    ],
    [
      'too few rows for the split',
      ['--data', csv('few.csv', 'x,target\n1,a\n2,b\n3,a\n4,b\n')],
      2,
      /too few rows for a stratified train\/test split/,
    ],
    [
      '--max-features above the feature count',
      ['--data', IRIS, '--max-features', '9'],
      2,
      /--max-features 9 is more than the 4 feature columns/,
    ],
    [
      '--n-estimators 0',
      ['--data', IRIS, '--n-estimators', '0'],
      2,
      /--n-estimators: expected an integer ≥ 1 and ≤ 10000, got "0"/,
    ],
    ['--test-size 1', ['--data', IRIS, '--test-size', '1'], 2, /--test-size: expected a number ≥ 0 and < 1/],
    [
      '--min-samples-leaf too large to split',
      ['--data', IRIS, '--min-samples-leaf', '61'],
      2,
      /leaves no split possible on 120 training rows/,
    ],
    ['a missing data file', ['--data', 'nope.csv'], 2, /data file not found: nope.csv/],
    [
      'data that fails its schema',
      [
        '--data',
        csv('iris-bad.csv', iris.replace('5.1,3.5,1.4,0.2,0', '5.1,3.5,1.4,0.2,7')),
        '--schema',
        join(REPO_ROOT, 'data', 'processed', 'iris.schema.json'),
      ],
      3,
      /does not match its schema[\s\S]*unknown_value \(target\): 1 ×/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, code, message) => {
    // Defaults first: a case's own flag given later wins.
    const r = await spawnCli(['train', '--n-estimators', '5', '--output', 'never', ...args], { cwd });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(code);
    expect(existsSync(join(cwd, 'never'))).toBe(false);
    expect(readdirSync(cwd).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses to replace a directory that is not a model', async () => {
    mkdirSync(join(cwd, 'precious'));
    writeFileSync(join(cwd, 'precious', 'notes.txt'), 'keep me');
    const r = await spawnCli(['train', '--data', IRIS, '--output', 'precious', ...quick], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not empty and does not hold a model');
    expect(readdirSync(join(cwd, 'precious'))).toEqual(['notes.txt']);
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { describeIfAvailable } from '../helpers/requirement';

// mlctl's TreeSHAP against the shap package itself (pinned; .ci/run installs it): models trained by
// mlctl on scikit-learn's bundled datasets, explained by `mlctl explain`, read back in Python by
// docs/ARTIFACT.md alone (scripts/python/mlctl_forest.py) and explained by shap.TreeExplainer —
// through shap's dictionary form of the forest, and for numeric models also through a scikit-learn
// forest of the very same trees. Without Python and shap this is skipped, unless MLCTL_REQUIRE_SHAP=1.
const python = process.env.MLCTL_TEST_PYTHON || 'python3';
const probe = spawnSync(python, ['-c', 'import shap, sklearn, pandas'], { encoding: 'utf8' });
const missing =
  probe.status === 0 ? undefined : `${python} cannot import shap, sklearn and pandas (set MLCTL_TEST_PYTHON)`;
const SCRIPTS = join(REPO_ROOT, 'scripts', 'python');

interface Check {
  rows: number;
  outputs: number;
  nodes: number;
  storage: string;
  categorical_splits: number;
  missing_rows: number;
  max_diff: number;
  max_expected_diff: number;
  max_spec_predict_diff: number;
  max_sklearn_shap_diff?: number;
  max_sklearn_predict_diff?: number;
}

describeIfAvailable('mlctl explain against shap.TreeExplainer', missing, 'MLCTL_REQUIRE_SHAP', () => {
  const cwd = tempDir();
  const models = {
    digits: { rows: 150, sklearn: true },
    cancer: { rows: 300, sklearn: true },
    'cancer-mixed': { rows: 300, sklearn: false },
    diabetes: { rows: 442, sklearn: true },
    'diabetes-mixed': { rows: 442, sklearn: false },
  };
  let checks: Record<string, Check> = {};

  beforeAll(async () => {
    const made = spawnSync(python, [join(SCRIPTS, 'shap_datasets.py'), cwd], { encoding: 'utf8' });
    expect(made.stderr).toBe('');
    const names = Object.keys(models) as Array<keyof typeof models>;
    for (const name of names) {
      const trained = await spawnCli(
        ['train', '--data', `${name}.csv`, '--na-values', 'NA', '--output', `m-${name}`],
        {
          cwd,
          timeoutMs: 120_000,
        },
      );
      expect(trained.code).toBe(0);
      // The first rows of the table (training and held-out rows alike).
      const lines = readFileSync(join(cwd, `${name}.csv`), 'utf8').split('\n');
      writeFileSync(join(cwd, `rows-${name}.csv`), `${lines.slice(0, models[name].rows + 1).join('\n')}\n`);
      const explained = await spawnCli(
        [
          'explain',
          '--model',
          `m-${name}`,
          '--data',
          `rows-${name}.csv`,
          '--output',
          `${name}.jsonl`,
          '--threads',
          '2',
        ].concat(name.startsWith('diabetes') ? [] : ['--all-classes']),
        { cwd, timeoutMs: 120_000 },
      );
      expect(explained.code).toBe(0);
    }
    const spec = names.map((name) => ({
      model: join(cwd, `m-${name}`),
      explained: join(cwd, `${name}.jsonl`),
      sklearn: models[name].sklearn,
    }));
    writeFileSync(join(cwd, 'checks.json'), JSON.stringify(spec));
    const r = spawnSync(python, [join(SCRIPTS, 'shap_check.py'), join(cwd, 'checks.json')], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout) as Check[];
    checks = Object.fromEntries(names.map((name, i) => [name, results[i] as Check]));
  }, 600_000);

  it('agrees to 1e-9 on a 10-class model of more than 20,000 nodes (digits, trees.bin)', () => {
    const c = checks.digits as Check;
    expect(c).toMatchObject({ outputs: 10, storage: 'trees.bin' });
    expect(c.nodes).toBeGreaterThan(20_000);
    expect(c.rows).toBe(150);
    expect(c.max_diff).toBeLessThan(1e-9);
    expect(c.max_expected_diff).toBeLessThan(1e-9);
    // shap's scikit-learn path on the same trees, and scikit-learn's own probabilities.
    expect(c.max_sklearn_shap_diff).toBeLessThan(1e-9);
    expect(c.max_sklearn_predict_diff).toBeLessThan(1e-12);
  });

  it('agrees to 1e-9 on a binary model (breast cancer)', () => {
    const c = checks.cancer as Check;
    expect(c).toMatchObject({ outputs: 2, rows: 300 });
    expect(c.max_diff).toBeLessThan(1e-9);
    expect(c.max_sklearn_shap_diff).toBeLessThan(1e-9);
    expect(c.max_sklearn_predict_diff).toBeLessThan(1e-12);
  });

  it('agrees to 1e-9 on a regression model (diabetes, raw units)', () => {
    const c = checks.diabetes as Check;
    expect(c).toMatchObject({ outputs: 1, rows: 442 });
    expect(c.max_diff).toBeLessThan(1e-9);
    expect(c.max_expected_diff).toBeLessThan(1e-9);
    expect(c.max_sklearn_shap_diff).toBeLessThan(1e-9);
    expect(c.max_sklearn_predict_diff).toBeLessThan(1e-9);
  });

  it.each(['cancer-mixed', 'diabetes-mixed'])(
    'agrees to 1e-9 with categorical splits and missing values (%s)',
    (name) => {
      const c = checks[name] as Check;
      expect(c.categorical_splits).toBeGreaterThan(0);
      expect(c.missing_rows).toBeGreaterThan(30);
      expect(c.max_diff).toBeLessThan(1e-9);
      expect(c.max_expected_diff).toBeLessThan(1e-9);
      // The Python reader routes rows by the spec exactly as mlctl predicts them.
      expect(c.max_spec_predict_diff).toBeLessThan(1e-12);
    },
  );
});

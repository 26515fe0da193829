import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { TEST_PYTHON } from '../helpers/mlflow-env';
import { describeIfAvailable } from '../helpers/requirement';

jest.setTimeout(120_000);
const run = promisify(execFile);

// MLflow's own Model.load parses MLmodel and its signature: the column types mlctl writes for text
// categories, gaps and a numeric target must be MLflow's (docs/ARTIFACT.md, "MLmodel").
const READ_SIGNATURE = `
import json, sys
from mlflow.models import Model
m = Model.load(sys.argv[1])
print(json.dumps({"inputs": m.signature.inputs.to_dict(), "outputs": m.signature.outputs.to_dict(),
                  "flavors": sorted(m.flavors)}))
`;

describeIfAvailable(
  "MLflow's Model.load reads the signature of a model with categories, gaps and a numeric target",
  existsSync(TEST_PYTHON) ? undefined : `MLflow's Python (MLCTL_TEST_PYTHON) not found at ${TEST_PYTHON}`,
  'MLCTL_REQUIRE_MLFLOW',
  () => {
    it('string / double inputs, required false where values may be missing, a double output', async () => {
      const cwd = tempDir();
      const penguins = join(REPO_ROOT, 'data', 'penguins', 'penguins.csv');
      const trained = await spawnCli(
        [
          'train',
          '--data',
          penguins,
          '--target',
          'body_mass_g',
          '--na-values',
          'NA',
          '--output',
          'm',
          '--n-estimators',
          '5',
        ],
        { cwd },
      );
      expect(trained.code).toBe(0);
      const { stdout } = await run(TEST_PYTHON, ['-c', READ_SIGNATURE, join(cwd, 'm', 'MLmodel')], {
        env: { ...process.env, PYTHONWARNINGS: 'ignore' },
      });
      const seen = JSON.parse(stdout.trim().split('\n').pop() as string);
      expect(seen.flavors).toEqual(['mlctl', 'python_function']);
      expect(seen.inputs).toEqual([
        { type: 'string', name: 'species', required: true },
        { type: 'string', name: 'island', required: true },
        { type: 'double', name: 'bill_length_mm', required: true },
        { type: 'double', name: 'bill_depth_mm', required: true },
        { type: 'double', name: 'flipper_length_mm', required: true },
        { type: 'string', name: 'sex', required: false },
        { type: 'double', name: 'year', required: true },
      ]);
      expect(seen.outputs).toEqual([{ type: 'double', required: true }]);
    });
  },
);

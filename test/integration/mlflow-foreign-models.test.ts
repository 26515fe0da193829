import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { MLFLOW_URI, TEST_PYTHON, describeWithMlflow, mlflowPython } from '../helpers/mlflow-env';
import { uniqueName } from '../helpers/registry-contract';

jest.setTimeout(180_000);

/** A model as a data scientist logs it: scikit-learn's MLflow flavor, through MLflow's own client. */
const LOG_SKLEARN = `
import json, sys
import mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
name = sys.argv[1]
X, y = load_iris(return_X_y=True, as_frame=True)
mlflow.set_experiment("mlctl-foreign")
with mlflow.start_run():
    info = mlflow.sklearn.log_model(LogisticRegression(max_iter=1000).fit(X, y), name="model",
                                    registered_model_name=name)
MlflowClient().set_registered_model_alias(name, "prod", info.registered_model_version)
print(json.dumps({"version": info.registered_model_version}))
`;

describeWithMlflow(
  'a registry version that scikit-learn’s MLflow flavor logged is refused for what it is',
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    let work: string;
    let name: string;
    let message: string;
    const env = () => ({ MLFLOW_TRACKING_URI: MLFLOW_URI as string, MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' });
    const cli = (...args: string[]) => spawnCli(args, { cwd: work, env: env() });
    const iris = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
    beforeAll(async () => {
      if (!existsSync(TEST_PYTHON))
        throw new Error(`MLflow's Python (MLCTL_TEST_PYTHON) not found at ${TEST_PYTHON}`);
      work = await mkdtemp(join(tmpdir(), 'mlctl-foreign-'));
      name = uniqueName('sklearn');
      const { version } = await mlflowPython<{ version: number }>(
        TEST_PYTHON,
        MLFLOW_URI as string,
        LOG_SKLEARN,
        [name],
      );
      message = `models:/${name}/${version} is a sklearn model (flavors: python_function, sklearn); mlctl serves models that mlctl trained`;
    });
    afterAll(() => rm(work, { recursive: true, force: true }));

    test.each([
      ['models download', () => ['models', 'download', `models:/${name}/1`, 'out']],
      ['predict', () => ['predict', '--model', `models:/${name}@prod`, '--data', iris]],
      ['drift --reference', () => ['drift', '--reference', `models:/${name}@prod`, '--current', iris]],
    ])('%s: exit 2 naming its flavors, not a checksum error', async (_what, args) => {
      const r = await cli(...args());
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`mlctl: error: ${message}\n`);
      expect(r.stderr).toContain('hint: Serve it with MLflow (`mlflow models serve -m models:/');
      expect(r.stderr).not.toMatch(/checksum|tampered/);
      expect(r.stdout).toBe('');
    });

    test('serve: exits 2 at start-up with the message, instead of waiting for a model it cannot load', async () => {
      const started = Date.now();
      const r = await spawnCli(['serve', '--model', `models:/${name}@prod`, '--port', '0'], {
        cwd: work,
        env: { ...env(), MODEL_CACHE_DIR: join(work, 'cache') },
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(2);
      expect(Date.now() - started).toBeLessThan(50_000);
      expect(r.stderr).toContain(`mlctl: error: ${message}\n`);
      // Nothing of it was cached: a later registration under the same number starts clean.
      expect(await readdir(join(work, 'cache')).catch(() => [])).not.toContain('1');
    });
  },
);

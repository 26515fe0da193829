import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { TEST_PYTHON } from '../helpers/mlflow-env';
import { describeIfAvailable } from '../helpers/requirement';
import { eventually, startServeProcess } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';

jest.setTimeout(180_000);
const run = promisify(execFile);

function tritonclientMissing(): string | undefined {
  if (!existsSync(TEST_PYTHON)) return `no Python at ${TEST_PYTHON} (MLCTL_TEST_PYTHON)`;
  try {
    execFileSync(TEST_PYTHON, ['-c', 'import tritonclient.http, sklearn'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `tritonclient is not installed for ${TEST_PYTHON} (pip install 'tritonclient[http]==2.73.0'; .ci/run does)`;
  }
}

interface Case {
  datatype: string;
  binary: boolean;
  compression: string | null;
  predict_equal: boolean;
  proba_close: boolean;
  proba_shape: number[];
}

describeIfAvailable(
  "NVIDIA's tritonclient against mlctl serve (Open Inference Protocol v2)",
  tritonclientMissing(),
  'MLCTL_REQUIRE_TRITONCLIENT',
  () => {
    let server: ServeProcess;
    let dir: string;
    beforeAll(async () => {
      dir = tempDir('mlctl-triton-');
      // scikit-learn's breast cancer set: 30 features whose names hold spaces, two classes.
      await run(TEST_PYTHON, [
        '-c',
        `import sys
from sklearn.datasets import load_breast_cancer
frame = load_breast_cancer(as_frame=True).frame
frame.to_csv(sys.argv[1], index=False)
frame.drop(columns=["target"]).sample(25, random_state=3).to_csv(sys.argv[2], index=False, header=False)`,
        join(dir, 'cancer.csv'),
        join(dir, 'rows.csv'),
      ]);
      const t = await spawnCli([
        'train',
        '--data',
        join(dir, 'cancer.csv'),
        '--output',
        join(dir, 'cancer'),
        '--n-estimators',
        '20',
      ]);
      expect(t.code).toBe(0);
      server = await startServeProcess(['--model', join(dir, 'cancer')], {
        env: { PREDICTION_LOG_STDOUT: 'false' },
      });
      await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200);
    });
    afterAll(() => server?.stop());

    it('runs live, ready, metadata and infer (FP32, FP64, INT64; binary and JSON; gzip and deflate)', async () => {
      const { stdout } = await run(
        TEST_PYTHON,
        [
          join(__dirname, 'python', 'tritonclient_check.py'),
          server.url.replace('http://', ''),
          'cancer',
          join(dir, 'rows.csv'),
        ],
        { timeout: 120_000, maxBuffer: 10 * 1024 * 1024 },
      );
      const out = JSON.parse(stdout.trim().split('\n').pop() as string) as {
        live: boolean;
        ready: boolean;
        model_ready: boolean;
        server: { name: string; extensions: string[] };
        metadata: { name: string; inputs: Array<{ name: string; datatype: string; shape: number[] }> };
        cases: Case[];
        default_outputs: Omit<Case, 'datatype' | 'binary' | 'compression'>;
        unknown_model: { status: string; message: string };
      };
      expect([out.live, out.ready, out.model_ready]).toEqual([true, true, true]);
      expect(out.server).toMatchObject({ name: 'mlctl', extensions: ['binary_tensor_data'] });
      expect(out.metadata).toMatchObject({
        name: 'cancer',
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, 30] }],
      });
      expect(out.cases).toHaveLength(18);
      for (const c of out.cases) {
        expect(c).toEqual({ ...c, predict_equal: true, proba_close: true, proba_shape: [25, 2] });
      }
      expect(out.default_outputs).toEqual({ predict_equal: true, proba_close: true, proba_shape: [25, 2] });
      expect(out.unknown_model).toEqual({
        status: '404',
        message: 'Model with name no-such-model does not exist.',
      });
      // Every inference was a prediction like any other: logged and counted.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(
        /ml_request_count_total\{method="POST",path="\/v2\/models\/:name\/infer",status="200"\} 19/,
      );
    });

    it('sends a model with text categories and gaps one input per feature: BYTES and FP64 with NaN, binary and JSON', async () => {
      const t = await spawnCli([
        'train',
        '--data',
        join(REPO_ROOT, 'data', 'penguins', 'penguins.csv'),
        '--target',
        'species',
        '--na-values',
        'NA',
        '--output',
        join(dir, 'penguins'),
        '--n-estimators',
        '20',
      ]);
      expect(t.code).toBe(0);
      const penguins = await startServeProcess(['--model', join(dir, 'penguins')], {
        env: { PREDICTION_LOG_STDOUT: 'false' },
      });
      try {
        await eventually(async () => (await fetch(`${penguins.url}/readyz`)).status === 200);
        const { stdout } = await run(
          TEST_PYTHON,
          [
            join(__dirname, 'python', 'tritonclient_tables.py'),
            penguins.url.replace('http://', ''),
            'penguins',
            join(REPO_ROOT, 'data', 'penguins', 'penguins.csv'),
          ],
          { timeout: 120_000, maxBuffer: 10 * 1024 * 1024 },
        );
        const out = JSON.parse(stdout.trim().split('\n').pop() as string) as {
          metadata_inputs: Array<[string, string, number[]]>;
          cases: Array<{ binary: boolean; rows: number; predict_equal: boolean; proba_close: boolean }>;
        };
        expect(out.metadata_inputs.map(([name, type]) => `${name}:${type}`)).toEqual([
          'island:BYTES',
          'bill_length_mm:FP64',
          'bill_depth_mm:FP64',
          'flipper_length_mm:FP64',
          'body_mass_g:FP64',
          'sex:BYTES',
          'year:FP64',
        ]);
        expect(out.cases).toEqual([
          { binary: true, rows: 344, predict_equal: true, proba_close: true },
          { binary: false, rows: 344, predict_equal: true, proba_close: true },
        ]);
      } finally {
        await penguins.stop();
      }
    });
  },
);

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { MLFLOW_URI, TEST_PYTHON, describeWithMlflow, mlflowPython } from '../helpers/mlflow-env';
import { createDocWorkspace, docBlocks, runShellBlock, writePythonBlock } from '../helpers/python-doc';
import type { DocWorkspace } from '../helpers/python-doc';
import { COMPARE_SPARK, MILLION } from '../helpers/pyfunc-scripts';
import { useTmpDir } from '../helpers/tmp';

// docs/PYTHON.md's Spark job: mlflow.pyfunc.spark_udf on a million rows in Spark local mode (pyspark from
// PyPI, a JDK 17) gives `mlctl predict`'s prediction on every row. Adds ~3 min to CI on 2 busy cores: the
// page's set-up ~15 s, a million rows written ~15 s, mlctl predict on them ~20 s, Spark ~2 min.
const tmp = useTmpDir('mlctl-spark-');
const DOC = docBlocks(join(REPO_ROOT, 'docs', 'PYTHON.md'));
const ROWS = 1_000_000;
const python = <T = Record<string, unknown>>(script: string, args: string[] = []) =>
  mlflowPython<T>(TEST_PYTHON, MLFLOW_URI as string, script, args);

describeWithMlflow(
  'spark_udf on an mlctl model (docs/PYTHON.md)',
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    jest.setTimeout(600_000);
    let ws: DocWorkspace;

    beforeAll(async () => {
      // pyspark is required: scripts/ci/python-loader.sh installs it, so CI fails here rather than skips.
      execFileSync(TEST_PYTHON, ['-c', 'import pyspark, mlflow']);
      ws = await createDocWorkspace(tmp.path('repository'), MLFLOW_URI as string, TEST_PYTHON);
      const { results } = await runShellBlock(DOC.get('register')!, ws);
      expect(results.map((r) => r.rc)).toEqual(results.map(() => 0));
    });

    test('the page’s job scores a million rows with mlctl’s predictions', async () => {
      writePythonBlock(DOC.get('score_spark.py')!, ws.repo);
      const penguins = join(ws.repo, 'data', 'penguins', 'penguins.csv');
      await python(MILLION, [penguins, join(ws.repo, 'million.csv'), String(ROWS)]);
      const model = `models:/${ws.names.penguins}@production`;
      const predicted = await spawnCli(
        ['predict', '--model', model, '--data', 'million.csv', '--output', 'million.mlctl.csv'],
        { cwd: ws.repo, env: ws.env, timeoutMs: 300_000 },
      );
      expect([predicted.code, predicted.stderr]).toEqual([0, expect.not.stringMatching(/"level":(50|60)/)]);
      // The page's line, on the million rows instead of the 344 of data/penguins/penguins.csv.
      const { results, stderr } = await runShellBlock(DOC.get('spark-submit')!, {
        ...ws,
        replace: (text) => ws.replace(text).replace('data/penguins/penguins.csv', 'million.csv'),
      });
      const failed = results.some((r) => r.rc !== 0);
      expect({
        results: results.map((r) => [r.rc, r.missing]),
        stderr: failed ? stderr.slice(-3000) : '',
      }).toEqual({
        results: [[0, []]],
        stderr: '',
      });
      const compared = await python(COMPARE_SPARK, [
        join(ws.repo, 'predictions'),
        join(ws.repo, 'million.mlctl.csv'),
      ]);
      expect(compared).toMatchObject({ spark_rows: ROWS, mlctl_rows: ROWS, joined: ROWS, mismatches: 0 });
    });
  },
);

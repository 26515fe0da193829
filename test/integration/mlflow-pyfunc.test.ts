import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { spawnGroup } from '../helpers/fresh-clone';
import { MLFLOW_URI, TEST_PYTHON, describeWithMlflow, mlflowPython } from '../helpers/mlflow-env';
import { freePort } from '../helpers/prometheus';
import { createDocWorkspace, docBlocks, runShellBlock, writePythonBlock } from '../helpers/python-doc';
import type { DocWorkspace } from '../helpers/python-doc';
import { BODIES, INPUT_EXAMPLE, PYFUNC_AGAINST_MLCTL, WRITE_DIGITS } from '../helpers/pyfunc-scripts';
import { missingLines } from '../helpers/readme';
import { uniqueName } from '../helpers/registry-contract';
import { startServeProcess } from '../helpers/serve-process';
import { useTmpDir } from '../helpers/tmp';
import { writeAwkwardRows } from '../helpers/awkward-rows';

// mlctl models in MLflow's own tools, against a real MLflow 3 server; docs/PYTHON.md's commands run
// here in order (its Spark job in mlflow-spark.test.ts). What each test adds to CI (warm, 2 busy cores):
// the page's set-up and two more models ~25 s, its notebook ~10 s, pyfunc on 1,000+ rows ~15 s, the
// input example ~30 s, the page's `mlflow models serve` ~20 s, three servers in five formats ~35 s.
const tmp = useTmpDir('mlctl-pyfunc-');
const DOC = docBlocks(join(REPO_ROOT, 'docs', 'PYTHON.md'));
const python = <T = Record<string, unknown>>(script: string, args: string[] = []) =>
  mlflowPython<T>(TEST_PYTHON, MLFLOW_URI as string, script, args);
const uri = (name: string) => `models:/${name}@production`;
const noErrors = expect.not.stringMatching(/"level":(50|60)/);
type Report = Record<string, { rows: number; mismatches: number; max_diff: number; flavors?: string[] }>;

describeWithMlflow(
  'mlctl models in MLflow’s own tools (docs/PYTHON.md)',
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    jest.setTimeout(300_000);
    const bodyMass = uniqueName('penguin-mass');
    const digits = uniqueName('digits');
    let ws: DocWorkspace;
    const cli = (args: string[]) => spawnCli(args, { cwd: ws.repo, env: ws.env, timeoutMs: 120_000 });

    beforeAll(async () => {
      if (!existsSync(TEST_PYTHON))
        throw new Error(`MLflow's Python (MLCTL_TEST_PYTHON) not found at ${TEST_PYTHON}`);
      ws = await createDocWorkspace(tmp.path('repository'), MLFLOW_URI as string, TEST_PYTHON);
      await python(WRITE_DIGITS, [join(ws.repo, 'digits.csv')]);
      writeAwkwardRows(join(ws.repo, 'data', 'penguins', 'penguins.csv'), join(ws.repo, 'penguin-rows.csv'));
    });

    test('the page’s set-up registers its models (as written)', async () => {
      const { results, stderr } = await runShellBlock(DOC.get('register')!, ws);
      expect(results.map((r) => [r.command, r.rc, r.missing])).toEqual(
        results.map((r) => [r.command, 0, []]),
      );
      expect(stderr).toEqual(noErrors);
      // Two more for the comparisons: a regression (penguins' body mass), and a wide numeric one (digits).
      const regression = [
        '--data',
        'data/penguins/penguins.csv',
        '--target',
        'body_mass_g',
        '--na-values',
        'NA',
      ];
      for (const [name, args] of [
        [bodyMass, regression],
        [digits, ['--data', 'digits.csv']],
      ] as const) {
        const r = await cli([
          'train',
          ...args,
          '--output',
          `.mlctl/${name}`,
          '--register',
          name,
          '--alias',
          'production',
        ]);
        // body_mass_g is missing in two rows: train warns that it leaves them out.
        expect([r.code, r.stderr]).toEqual([0, noErrors]);
      }
    });

    test('the page’s notebook: mlflow.pyfunc.load_model, predict, predict_proba, the input example', async () => {
      const { path, expected } = writePythonBlock(DOC.get('notebook.py')!, ws.repo, ws.replace);
      const run = spawnGroup(TEST_PYTHON, [path], { cwd: ws.repo, env: ws.env });
      const code = await run.exited;
      expect({ code, err: code === 0 ? '' : run.err() }).toEqual({ code: 0, err: '' });
      expect(missingLines(run.out(), expected)).toEqual([]);
    });

    test('mlflow.pyfunc.load_model("models:/<name>@production") predicts as `mlctl predict`, 1,000+ rows each', async () => {
      const cases = [
        { model: uri(digits), rows: 'digits.csv', out: 'digits.mlctl.csv', proba: true },
        { model: uri(ws.names.penguins), rows: 'penguin-rows.csv', out: 'species.mlctl.csv', proba: true },
        { model: uri(bodyMass), rows: 'penguin-rows.csv', out: 'mass.mlctl.csv', proba: false },
      ];
      for (const c of cases) {
        const proba = c.proba ? ['--proba'] : [];
        const r = await cli(['predict', '--model', c.model, '--data', c.rows, ...proba, '--output', c.out]);
        // Warnings are expected: the awkward rows hold categories never seen in training.
        expect([r.code, r.stderr]).toEqual([0, noErrors]);
      }
      const plan = cases.map((c) => [c.model, join(ws.repo, c.rows), join(ws.repo, c.out)]);
      const report = await python<Report>(PYFUNC_AGAINST_MLCTL, [JSON.stringify(plan)]);
      for (const { model } of cases) {
        expect(report[model]!.rows).toBeGreaterThanOrEqual(1000);
        expect([model, report[model]!.mismatches]).toEqual([model, 0]);
        expect(report[model]!.max_diff).toBeLessThanOrEqual(1e-12);
      }
      expect(report[uri(digits)]!.flavors).toEqual(['mlctl', 'python_function']);
    });

    test('the input example: MLflow reads it as the first training rows, scores it, finds it on the logged model', async () => {
      for (const name of [digits, ws.names.penguins]) {
        const seen = await python(INPUT_EXAMPLE, [name, tmp.path('examples')]);
        expect(seen).toMatchObject({
          info: {
            artifact_path: 'input_example.json',
            serving_input_path: 'serving_input_example.json',
            type: 'dataframe',
            pandas_orient: 'split',
          },
          logged_flavors: ['mlctl', 'python_function'],
          example_equals_reference: true,
          rows: 5,
        });
        expect(seen.logged_info).toEqual(seen.info);
        expect(seen.scored).toEqual(seen.reference_predictions);
        // Without missing values, MLflow's own writer makes the same bytes of the same rows (with gaps,
        // pandas 3 makes MLflow write NaN where it means null: mlctl writes null).
        if (name === digits) expect(seen.same_bytes_as_mlflow).toEqual([true, true]);
      }
    });

    test('the page’s `mlflow models serve` lines answer as shown', async () => {
      const { results } = await runShellBlock(DOC.get('serve')!, ws);
      expect(results.map((r) => [r.command, r.rc, r.missing])).toEqual(
        results.map((r) => [r.command, 0, []]),
      );
    });

    test('`mlflow models serve` answers as `mlctl serve` and `mlctl predict` in every format (digits; penguins with text, gaps and unseen categories; body mass, a regression)', async () => {
      const servers = await Promise.all([digits, ws.names.penguins, bodyMass].map(startMlflowServe));
      // The awkward penguin rows are one batch of 1,032 (MLflow sets no limit; mlctl's default is 1,000).
      const env = { ...ws.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', MAX_BATCH_SIZE: '5000' };
      const ours = await Promise.all(
        [digits, ws.names.penguins, bodyMass].map((name) =>
          startServeProcess(['--model', uri(name)], { cwd: ws.repo, env, timeoutMs: 60_000 }),
        ),
      );
      try {
        for (const s of servers) await waitForPing(s.url, s.run.err);
        const digitLines = readFileSync(join(ws.repo, 'digits.csv'), 'utf8').split('\n');
        writeFileSync(join(ws.repo, 'digits-200.csv'), `${digitLines.slice(0, 201).join('\n')}\n`);
        const digitRows = await bodies('digits-200.csv');
        for (const format of FORMATS) {
          const theirs = await send(servers[0]!.url, digitRows, format);
          const mine = await send(ours[0]!.url, digitRows, format);
          expect([format, theirs.status, theirs.body.predictions.length]).toEqual([format, 200, 200]);
          expect([format, mine]).toEqual([format, theirs]);
        }
        const penguinRows = await bodies('penguin-rows.csv');
        for (const [server, mlctl, out, regression] of [
          [servers[1]!, ours[1]!, 'species.mlctl.csv', false],
          [servers[2]!, ours[2]!, 'mass.mlctl.csv', true],
        ] as const) {
          const lines = readFileSync(join(ws.repo, out), 'utf8').trim().split('\n');
          const at = lines[0]!.split(',').indexOf('prediction');
          const expected = lines.slice(1).map((l) => l.split(',')[at] as string);
          for (const format of FORMATS) {
            const theirs = await send(server.url, penguinRows, format);
            expect([server.name, format, theirs.status]).toEqual([server.name, format, 200]);
            const got = theirs.body.predictions.map(String);
            expect([server.name, format, regression ? got.map(Number) : got]).toEqual([
              server.name,
              format,
              regression ? expected.map(Number) : expected,
            ]);
            // mlctl serve: the same body, the same answer (text categories, nulls and empty cells, the
            // categories never seen in training read as missing values, numbers for the regression).
            const mine = await send(mlctl.url, penguinRows, format);
            expect([server.name, format, mine]).toEqual([server.name, format, theirs]);
          }
        }
        // The unseen categories of the awkward rows were counted, per feature.
        const metrics = await (await fetch(`${ours[1]!.url}/metrics`)).text();
        expect(metrics).toMatch(/^ml_unknown_category_total\{feature="island"\} [1-9]\d*$/m);
      } finally {
        for (const s of ours) await s.stop();
        for (const s of servers) s.run.stop();
      }
    });

    /** `mlflow models serve` of a registered version, on a free port, in its own process group. */
    async function startMlflowServe(name: string) {
      const port = String(await freePort());
      const args = [
        'models',
        'serve',
        '-m',
        uri(name),
        '--env-manager',
        'local',
        '--host',
        '127.0.0.1',
        '--port',
        port,
      ];
      const run = spawnGroup(join(dirname(TEST_PYTHON), 'mlflow'), args, { cwd: ws.repo, env: ws.env });
      return { name, url: `http://127.0.0.1:${port}`, run };
    }

    /** The rows of a CSV as the five request bodies of MLflow's scoring protocol. */
    async function bodies(rows: string): Promise<Bodies> {
      await python(BODIES, [join(ws.repo, rows), join(ws.repo, `${rows}.bodies.json`)]);
      return JSON.parse(readFileSync(join(ws.repo, `${rows}.bodies.json`), 'utf8')) as Bodies;
    }
  },
);

interface Bodies {
  bodies: Record<string, unknown>;
  csv: string;
}
const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs', 'csv'];

async function send(url: string, doc: Bodies, format: string) {
  const csv = format === 'csv';
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': csv ? 'text/csv' : 'application/json' },
    body: csv ? doc.csv : JSON.stringify(doc.bodies[format]),
  });
  return { status: res.status, body: (await res.json()) as { predictions: unknown[] } };
}

/** Waits for `mlflow models serve` to answer /ping (it takes 10–30 s to start on a busy machine). */
async function waitForPing(url: string, log: () => string): Promise<void> {
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`mlflow models serve at ${url} did not start: ${log().slice(-2000)}`);
}

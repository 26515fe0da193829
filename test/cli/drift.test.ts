import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { writeChecksums } from '../../src/artifact/checksums';
import { MLCTL_BIN, runCli, spawnCli } from '../helpers/cli';
import { startFakeLoki } from '../helpers/fake-loki';
import { useTmpDir } from '../helpers/tmp';
import { predictionLog, referenceCsv } from '../unit/drift/data';

const tmp = useTmpDir('mlctl-drift-cli-');
let ref: string;
let steady: string;
let drifted: string;
let few: string;

beforeAll(() => {
  ref = tmp.write('ref.csv', referenceCsv(300));
  steady = tmp.write('steady.jsonl', predictionLog(300, { shift: 0, seed: 1 }));
  drifted = tmp.write('drifted.jsonl', predictionLog(400, { shift: 3 }));
  few = tmp.write('few.jsonl', predictionLog(20, { shift: 3 }));
});

describe('mlctl drift (built CLI): exit codes', () => {
  it('exits 0 when there is no drift', async () => {
    const r = await spawnCli(['drift', '--reference', ref, '--current', steady, '--fail-on-drift']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Data drift not detected: 0 of 3 columns drifted/);
  });

  it('exits 3 on drift with --fail-on-drift, 0 without', async () => {
    const gated = await spawnCli(['drift', '--reference', ref, '--current', drifted, '--fail-on-drift']);
    expect(gated.code).toBe(3);
    expect(gated.stdout).toMatch(/^Data drift DETECTED: 2 of 3 columns drifted/);
    expect((await spawnCli(['drift', '--reference', ref, '--current', drifted])).code).toBe(0);
  });

  it('exits 2 on a bad flag, a missing file or a missing argument', async () => {
    const bad = await spawnCli(['drift', '--reference', ref, '--current', steady, '--stattest', 'nope']);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringContaining('--stattest: expected one of auto, ks'),
    ]);
    const missing = await spawnCli(['drift', '--reference', tmp.path('nope.csv'), '--current', steady]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('reference not found')]);
    const noCurrent = await spawnCli(['drift', '--reference', ref], { env: { LOKI_BASE_URL: '' } });
    expect([noCurrent.code, noCurrent.stderr]).toEqual([2, expect.stringContaining('no current data given')]);
  });
});

describe('mlctl drift (built CLI): threads', () => {
  it('reads a prediction log on several threads with exactly the result of one', async () => {
    const events = predictionLog(3000, { shift: 1, seed: 5 }).trim().split('\n');
    const lines = events.flatMap((l, i) => (i % 97 === 0 ? [l, 'GET /healthz 200', ''] : [l]));
    const log = tmp.write('threads.jsonl', `\uFEFF${lines.join('\r\n')}\r\n`);
    const run = async (threads: string): Promise<unknown> => {
      const r = await spawnCli([
        'drift',
        '--reference',
        ref,
        '--current',
        log,
        '--threads',
        threads,
        '--json',
      ]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as { evaluated_at?: string };
      delete doc.evaluated_at;
      return doc;
    };
    const one = await run('1');
    expect(one).toMatchObject({ current: { rows: 3000, log: { not_json: 31, events: 3000 } } });
    expect(await run('3')).toEqual(one);
    expect(await run('7')).toEqual(one);
  });
});

describe('mlctl drift (in-process)', () => {
  it('reports too few rows as not evaluated: exit 0, or 3 with --fail-on-drift', async () => {
    const r = await runCli(['drift', '--reference', ref, '--current', few, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'not_evaluated', dataset_drift: null });
    expect((await runCli(['drift', '--reference', ref, '--current', few, '--fail-on-drift'])).code).toBe(3);
    expect(
      (await runCli(['drift', '--reference', ref, '--current', few, '--min-rows', '20'])).stdout,
    ).toMatch(/DETECTED/);
  });

  it('reads a model artifact directory after verifying its checksums, and refuses a tampered one (exit 1)', async () => {
    tmp.write('model/reference.csv', referenceCsv(300));
    tmp.write('model/metrics.json', '{"accuracy":0.9}\n');
    await writeChecksums(tmp.path('model'));
    const ok = await runCli(['drift', '--reference', tmp.path('model'), '--current', drifted, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).reference.artifact).toBe(tmp.path('model'));
    writeFileSync(tmp.path('model/reference.csv'), referenceCsv(300, 9));
    const bad = await runCli(['drift', '--reference', tmp.path('model'), '--current', drifted]);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      expect.stringContaining('reference.csv: sha256 does not match'),
    ]);
  });

  it('keeps a numeric column with a rare text value numeric, counting the value apart; types it from the current data', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `${(i % 97) / 7},${i % 5},0`);
    rows.push('1.5,other,1');
    const lateRef = tmp.write('late-ref.csv', `x,code,prediction\n${rows.join('\n')}\n`);
    const log = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        event: 'prediction',
        feature_names: ['x', 'code'],
        features: [[(i % 50) / 7, String(i % 5)]],
        predictions: [0],
      }),
    );
    const cur = tmp.write('late.jsonl', `${log.join('\n')}\n`);
    const r = await runCli(['drift', '--reference', lateRef, '--current', cur, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // "code" holds 0–4 and one "other" in 4001 reference rows: numbers with a typo. In the log it holds
    // "0"–"4": complete integers with 5 values, categorical by Evidently 0.7's rule.
    expect(doc.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['x', 'numerical'],
      ['code', 'categorical'],
    ]);
    expect(doc.columns[1]).toMatchObject({
      current_rows: 200,
      reference_rows: 4000,
      reference_non_numeric: 1,
      stattest: 'jensenshannon',
    });
  });

  it('takes the reference from a registered model (models:/ URI), verified and cached', async () => {
    const env = { MLCTL_REGISTRY_DIR: tmp.path('registry'), MODEL_CACHE_DIR: tmp.path('cache') };
    const iris = 'data/processed/iris.csv';
    const model = tmp.path('iris-model');
    expect((await spawnCli(['train', '--data', iris, '--output', model, '--n-estimators', '5'])).code).toBe(
      0,
    );
    const reg = await spawnCli(
      ['register', '--model-dir', model, '--name', 'iris', '--alias', 'production'],
      { env },
    );
    expect(reg.code).toBe(0);
    const r = await spawnCli(
      ['drift', '--reference', 'models:/iris@production', '--current', iris, '--json'],
      { env },
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.columns.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']),
    );
    const unknown = await spawnCli(['drift', '--reference', 'models:/nope@production', '--current', iris], {
      env,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/nope/);
  }, 60_000);

  it('refuses unknown columns and a forced test that does not fit a column (exit 2)', async () => {
    const unknown = await runCli(['drift', '--reference', ref, '--current', drifted, '--columns', 'x1,nope']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('the reference has no column nope'),
    ]);
    const ks = await runCli(['drift', '--reference', ref, '--current', drifted, '--stattest', 'ks']);
    expect([ks.code, ks.stderr]).toEqual([2, expect.stringContaining('color is categorical')]);
    const forced = await runCli([
      'drift',
      '--reference',
      ref,
      '--current',
      drifted,
      '--stattest',
      'ks',
      '--columns',
      'x1,x2',
      '--json',
    ]);
    expect(JSON.parse(forced.stdout).columns.map((c: { stattest: string }) => c.stattest)).toEqual([
      'ks',
      'ks',
    ]);
  });

  it('writes the report in the format of its extension while printing text', async () => {
    for (const [file, check] of [
      ['drift.html', (s: string) => s.startsWith('<!DOCTYPE html>')],
      ['drift.xml', (s: string) => XMLValidator.validate(s) === true],
      ['drift.prom', (s: string) => /^ml_data_drift_status 1$/m.test(s)],
    ] as const) {
      const r = await runCli(['drift', '--reference', ref, '--current', drifted, '--report', tmp.path(file)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Data drift DETECTED/);
      expect(check(readFileSync(tmp.path(file), 'utf8'))).toBe(true);
    }
  });

  it('reads current data from a CSV and from Loki (URL form), with the same verdicts', async () => {
    const rows = predictionLog(300, { shift: 3 })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { features: unknown[][]; predictions: number[] });
    tmp.write(
      'cur.csv',
      `x1,x2,color,prediction\n${rows.map((e) => [...e.features[0]!, e.predictions[0]].join(',')).join('\n')}\n`,
    );
    const csv = JSON.parse(
      (await runCli(['drift', '--reference', ref, '--current', tmp.path('cur.csv'), '--json'])).stdout,
    );
    const loki = await startFakeLoki();
    try {
      const t0 = 1_700_000_000_000_000_000n;
      predictionLog(300, { shift: 3 })
        .trim()
        .split('\n')
        .forEach((line, i) => loki.entries.push({ stream: { app: 'mlctl' }, ts: t0 + BigInt(i % 7), line }));
      loki.entries.push({ stream: { app: 'mlctl' }, ts: t0 + 3n, line: 'GET /healthz 200' });
      const url = `loki+${loki.url}?query=${encodeURIComponent('{app="mlctl"} |= "prediction" | json')}&start=${t0}&end=${t0 + 10n}&batch=50`;
      const r = await runCli(['drift', '--reference', ref, '--current', url, '--json']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.current).toMatchObject({ kind: 'loki', rows: 300, log: { not_json: 1, events: 300 } });
      expect(doc.columns.map((c: { score: number }) => c.score)).toEqual(
        csv.columns.map((c: { score: number }) => c.score),
      );
      expect(loki.requests[0]!.params.get('query')).toBe('{app="mlctl"} |= "prediction" | json');
      loki.failWith = { status: 502, body: 'bad gateway' };
      const down = await runCli(['drift', '--reference', ref, '--current', url]);
      expect([down.code, down.stderr]).toEqual([1, expect.stringContaining('Loki answered HTTP 502')]);
    } finally {
      await loki.close();
    }
  });

  it('compares a regression artifact’s reference (text categories, empty cells, numeric target and prediction) with its log', async () => {
    // reference.csv as issue 18's artifact writes it: raw values, empty cells, numbers for target and prediction.
    const rows = ['sqft,city,age,target,prediction'];
    for (let i = 0; i < 600; i++) {
      const city = i % 11 === 0 ? '' : ['Lyon', 'Nantes', 'Lille'][i % 3];
      const age = i % 7 === 0 ? '' : String(i % 40);
      rows.push(
        `${50 + ((i * 37) % 150)}.5,${city},${age},${(1000 + i * 3.25).toFixed(2)},${(990 + i * 3.3).toFixed(3)}`,
      );
    }
    const reference = tmp.write('regression/reference.csv', `${rows.join('\n')}\n`);
    const log = Array.from({ length: 400 }, (_, i) =>
      JSON.stringify({
        event: 'prediction',
        feature_names: ['sqft', 'city', 'age'],
        features: [
          [50 + ((i * 37) % 150) + 0.5, i % 10 === 0 ? null : ['Lyon', 'Nantes', 'Lille'][i % 3], i % 40],
        ],
        predictions: [1500 + i * 4.1],
      }),
    );
    const current = tmp.write('regression/log.jsonl', `${log.join('\n')}\n`);
    const r = await runCli(['drift', '--reference', reference, '--current', current, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const by = Object.fromEntries(doc.columns.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(by)).toEqual(['sqft', 'city', 'age']);
    expect(by.city).toMatchObject({
      type: 'categorical',
      status: 'no_drift',
      reference_missing: 55,
      current_missing: 40,
    });
    expect(by.city.reference_missing_share).toBeCloseTo(55 / 600, 12);
    // Complete integers in the log, 40 values: numerical (the reference's gaps do not decide).
    expect(by.age).toMatchObject({
      type: 'numerical',
      stattest: 'ks',
      reference_missing: 86,
      current_missing: 0,
    });
    // The regression output is a number: a numerical test, not PSI over classes; it drifted (1500+ vs ~1000–3000).
    expect(doc.prediction).toMatchObject({
      name: 'prediction',
      type: 'numerical',
      stattest: 'ks',
      drift_detected: true,
    });
    expect(doc.prediction.psi).toBeGreaterThan(0.1);
    expect(doc).toMatchObject({ number_of_columns: 3, not_evaluated_columns: 0 });
  });

  it('writes GitHub Actions outputs and a step summary', async () => {
    const out = tmp.write('gh-output', '');
    const summary = tmp.write('gh-summary', '');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary };
    await runCli(['drift', '--reference', ref, '--current', drifted], { env });
    expect(readFileSync(out, 'utf8')).toContain('drift_status=drift\ndataset_drift=true\n');
    expect(readFileSync(summary, 'utf8')).toContain('### Data drift detected');
  });
});

describe('mlctl drift serve (built CLI)', () => {
  it('listens, answers /healthz and /metrics, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        MLCTL_BIN,
        'drift',
        'serve',
        '--reference',
        ref,
        '--current',
        drifted,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
      ],
      {
        env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ADMIN_API_TOKEN: 't' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const start = Date.now();
      while (!/listening on (http:\/\/\S+)/.test(stdout) && Date.now() - start < 15_000)
        await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/\S+)/.exec(stdout)![1]!;
      let metrics = '';
      while (!/ml_drift_runs_total\{result="drift"\} 1/.test(metrics) && Date.now() - start < 15_000) {
        metrics = await (await fetch(`${url}/metrics`)).text();
      }
      expect(metrics).toMatch(/^ml_data_drift_status 1$/m);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    // Windows has no SIGTERM: kill() ends the process outright, so there is no clean exit to check.
    if (process.platform !== 'win32') expect(code).toBe(0);
  });
});

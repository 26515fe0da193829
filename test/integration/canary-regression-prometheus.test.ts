import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTestPolicy } from '../helpers/canary';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { describeWithPrometheus, startPrometheus } from '../helpers/prometheus';
import type { PrometheusServer } from '../helpers/prometheus';
import { eventually, startServeProcess } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';
import { sendRegressionTraffic } from '../helpers/traffic';
import type { LabelledRow } from '../helpers/traffic';

const PENGUINS = join(REPO_ROOT, 'data', 'penguins', 'penguins.csv');

/** The penguins with a body mass: text categories as text, `NA` as null, the mass as the label. */
function penguinRows(): LabelledRow[] {
  const [header, ...lines] = readFileSync(PENGUINS, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.flatMap((line) => {
    const cells = line.split(',');
    const features: LabelledRow['features'] = {};
    let label: number | undefined;
    columns.forEach((column, i) => {
      const cell = cells[i]!;
      const value = cell === 'NA' ? null : /^[A-Za-z]/.test(cell) ? cell : Number(cell);
      if (column === 'body_mass_g') label = value === null ? undefined : (value as number);
      else features[column] = value;
    });
    return label === undefined ? [] : [{ features, label }];
  });
}

/**
 * Issue 18's regression canary with real parts: Debian's Prometheus scrapes a stable and a canary
 * `mlctl serve` of a body-mass model (text categories, gaps), both get the same penguins with their true
 * mass as feedback, and `mlctl canary promote` reads infra/canary/policy-regression.yaml's PromQL: live
 * RMSE against the stable track's and against the bar.
 */
describeWithPrometheus('mlctl canary promote a regression model against a real Prometheus', () => {
  const rows = penguinRows();
  let dir: string;
  let stable: ServeProcess;
  let canary: ServeProcess;
  let prometheus: PrometheusServer;
  let policy: string;
  const env = () => ({ MLCTL_REGISTRY_DIR: join(dir, 'registry'), MODEL_CACHE_DIR: join(dir, 'cache') });
  const cli = (args: string[]) => spawnCli(args, { env: env(), cwd: dir, timeoutMs: 120_000 });
  const served = async (s: ServeProcess) =>
    ((await (await fetch(`${s.url}/readyz`)).json()) as { model?: { version: string } }).model?.version;
  const production = async () =>
    (
      JSON.parse((await cli(['models', 'show', 'models:/penguins@production', '--json'])).stdout) as {
        version: { version: string };
      }
    ).version.version;
  const trainAndRegister = async (name: string, alias: string, flags: string[]) => {
    const out = join(dir, name);
    const train = await cli([
      'train',
      '--data',
      PENGUINS,
      '--target',
      'body_mass_g',
      '--na-values',
      'NA',
      '--output',
      out,
      '--threads',
      '1',
      ...flags,
    ]);
    expect([train.code, train.stdout, train.stderr]).toEqual([
      0,
      expect.stringContaining('Task: regression'),
      expect.any(String),
    ]);
    const register = await cli(['register', '--model-dir', out, '--name', 'penguins', '--alias', alias]);
    expect([register.code, register.stderr]).toEqual([0, expect.any(String)]);
  };
  const promote = (version: string, ...flags: string[]) =>
    cli([
      'canary',
      'promote',
      '--model',
      `models:/penguins/${version}`,
      '--policy',
      policy,
      '--prometheus-url',
      prometheus.url,
      '--var',
      'window=10s',
      '--json',
      ...flags,
    ]);
  /** Until each track's feedback window holds every row of the table, for the version it serves now. */
  const windowsFull = async (
    ...tracks: Array<{ traffic: ReturnType<typeof sendRegressionTraffic>; version: string }>
  ) =>
    eventually(
      async () =>
        tracks.every(({ traffic, version }) => {
          const l = traffic.labelled();
          return l.version === version && l.window >= rows.length;
        }),
      90_000,
    );

  beforeAll(async () => {
    dir = tempDir('mlctl-canary-regression-');
    await trainAndRegister('good1', 'production', ['--seed', '1']);
    await trainAndRegister('good2', 'candidate', ['--seed', '2']);
    // Serving exactly as many labelled rows as the table has: a full window is the whole table's error.
    const serveEnv = {
      ...env(),
      MODEL_AUTO_REFRESH_SECONDS: '1',
      PREDICTION_LOG_STDOUT: 'false',
      FEEDBACK_WINDOW: String(rows.length),
    };
    stable = await startServeProcess(['--model', 'models:/penguins@production'], { cwd: dir, env: serveEnv });
    canary = await startServeProcess(['--model', 'models:/penguins@candidate'], { cwd: dir, env: serveEnv });
    prometheus = await startPrometheus(join(dir, 'prom'), [
      { url: stable.url, labels: { track: 'stable' } },
      { url: canary.url, labels: { track: 'canary' } },
    ]);
    policy = writeTestPolicy(dir, 'policy-regression.yaml');
    await prometheus.waitFor('up{track="canary"} == 1');
  }, 180_000);

  afterAll(async () => {
    await Promise.all([stable?.stop(), canary?.stop(), prometheus?.stop()]);
  });

  it('without feedback there is no live RMSE: inconclusive, exit 3, nothing moves', async () => {
    const r = await promote('2');
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.decision).toBe('inconclusive');
    expect(report.reasons.join('\n')).toMatch(/rmse-vs-stable: 3 of 3 measurements had no data/);
    expect(await production()).toBe('1');
  }, 120_000);

  it('a candidate as good as production (another seed): promoted, the stable server follows', async () => {
    expect(rows.length).toBe(342);
    const toStable = sendRegressionTraffic(stable.url, rows);
    const toCanary = sendRegressionTraffic(canary.url, rows);
    try {
      await windowsFull({ traffic: toStable, version: '1' }, { traffic: toCanary, version: '2' });
      await prometheus.waitFor(
        'ml_model_error{source="feedback",metric="rmse",track="canary"} * on(instance) ml_model_info{version="2"}',
      );
      await prometheus.waitFor(
        'sum(rate(ml_request_latency_seconds_count{track="canary",path="/predict"}[10s]))',
        (v) => v > 0,
      );
      // With the smoke test: the canary serves the candidate and answers a number (no classes).
      const r = await promote('2', '--canary-url', canary.url);
      expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ decision: 'promoted', registry: { previous_version: '1' } });
      expect(report.smoke).toMatchObject({
        ok: true,
        checks: [
          { name: 'ready', ok: true },
          { name: 'predict', ok: true, detail: expect.stringMatching(/^\/predict 200, value \d+(\.\d+)?$/) },
        ],
      });
      expect(report.analysis.metrics.map((m: { name: string; phase: string }) => [m.name, m.phase])).toEqual([
        ['rmse-vs-stable', 'successful'],
        ['live-rmse', 'successful'],
        ['error-ratio', 'successful'],
        ['p95-latency-seconds', 'successful'],
      ]);
      // The same rows on both sides: the two forests' errors on the whole table, within a few percent.
      const ratios = report.analysis.measurements
        .filter((m: { metric: string }) => m.metric === 'rmse-vs-stable')
        .map((m: { value: number }) => m.value);
      for (const ratio of ratios) expect(Math.abs(ratio - 1)).toBeLessThan(0.1);
      expect(await production()).toBe('2');
      await eventually(async () => (await served(stable)) === '2', 15_000);
    } finally {
      const s = await toStable.stop();
      const c = await toCanary.stop();
      expect({ stableFailed: s.failed, canaryFailed: c.failed }).toEqual({
        stableFailed: 0,
        canaryFailed: 0,
      });
    }
  }, 180_000);

  it('a worse candidate (stumps): rejected on live RMSE, exit 3, production untouched', async () => {
    await trainAndRegister('stumps', 'candidate', ['--max-depth', '1', '--n-estimators', '20']);
    await eventually(async () => (await served(canary)) === '3', 15_000);
    const toStable = sendRegressionTraffic(stable.url, rows);
    const toCanary = sendRegressionTraffic(canary.url, rows);
    try {
      await windowsFull({ traffic: toStable, version: '2' }, { traffic: toCanary, version: '3' });
      await prometheus.waitFor(
        'ml_model_error{source="feedback",metric="rmse",track="canary"} * on(instance) ml_model_info{version="3"}' +
          ' / on() ml_model_error{source="feedback",metric="rmse",track="stable"}',
        (v) => v > 1.1,
      );
      const r = await promote('3');
      expect(r.code).toBe(3);
      const report = JSON.parse(r.stdout);
      expect(report.decision).toBe('rejected');
      expect(report.reasons[0]).toMatch(/^rmse-vs-stable: critical/);
      expect(report.registry.changes).toContain('removed alias penguins@candidate (it pointed at version 3)');
    } finally {
      await toStable.stop();
      await toCanary.stop();
    }
    expect(await production()).toBe('2');
    expect(await served(stable)).toBe('2');
  }, 180_000);
});

import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { trainAndRegister, writeTestPolicy } from '../helpers/canary';
import { tempDir } from '../helpers/data';
import { describeWithPrometheus, startPrometheus } from '../helpers/prometheus';
import type { PrometheusServer } from '../helpers/prometheus';
import { eventually, startServeProcess } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';
import { sendTraffic } from '../helpers/traffic';

/**
 * The scenario with real parts: Debian's Prometheus scrapes a stable and a canary `mlctl serve`
 * (told apart by the target label track), and `mlctl canary promote` reads the shipped policy's PromQL.
 */
describeWithPrometheus('mlctl canary promote against a real Prometheus', () => {
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
      JSON.parse((await cli(['models', 'show', 'models:/iris@production', '--json'])).stdout) as {
        version: { version: string };
      }
    ).version.version;
  const promote = (version: string) =>
    cli([
      'canary',
      'promote',
      '--model',
      `models:/iris/${version}`,
      '--policy',
      policy,
      '--prometheus-url',
      prometheus.url,
      '--var',
      'window=10s',
      '--json',
    ]);

  beforeAll(async () => {
    dir = tempDir('mlctl-canary-prom-');
    await trainAndRegister(cli, dir, '1', 'production');
    await trainAndRegister(cli, dir, '2', 'candidate');
    const serveEnv = { ...env(), MODEL_AUTO_REFRESH_SECONDS: '1', PREDICTION_LOG_STDOUT: 'false' };
    stable = await startServeProcess(['--model', 'models:/iris@production'], { cwd: dir, env: serveEnv });
    canary = await startServeProcess(['--model', 'models:/iris@candidate'], { cwd: dir, env: serveEnv });
    prometheus = await startPrometheus(join(dir, 'prom'), [
      { url: stable.url, labels: { track: 'stable' } },
      { url: canary.url, labels: { track: 'canary' } },
    ]);
    policy = writeTestPolicy(dir);
    await prometheus.waitFor('up{track="canary"} == 1');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stable?.stop(), canary?.stop(), prometheus?.stop()]);
  });

  it('(c) a canary that gets no traffic: inconclusive, exit 3, nothing moves', async () => {
    const r = await promote('2');
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.decision).toBe('inconclusive');
    expect(report.reasons.join('\n')).toMatch(/live-accuracy: 3 of 3 measurements had no data/);
    expect(report.analysis.measurements[0].query).toContain('track="canary"');
    expect(report.analysis.measurements[0].query).toContain('version="2"');
    expect(await production()).toBe('1');
  }, 120_000);

  it('(a) a good candidate: promoted, the alias moves, the stable server hot-swaps with no failed request', async () => {
    const toStable = sendTraffic(stable.url, { label: 'right' });
    const toCanary = sendTraffic(canary.url, { label: 'right' });
    try {
      await prometheus.waitFor('ml_model_accuracy{source="feedback",track="canary"}');
      await prometheus.waitFor(
        'sum(rate(ml_request_latency_seconds_count{track="canary",path="/predict"}[10s]))',
        (v) => v > 0,
      );
      const r = await promote('2');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ decision: 'promoted', registry: { previous_version: '1' } });
      expect(report.analysis.metrics.map((m: { name: string; phase: string }) => [m.name, m.phase])).toEqual([
        ['live-accuracy', 'successful'],
        ['error-ratio', 'successful'],
        ['p95-latency-seconds', 'successful'],
      ]);
      expect(await production()).toBe('2');
      await eventually(async () => (await served(stable)) === '2', 15_000);
      await prometheus.waitFor('ml_model_info{track="stable",version="2"}');
    } finally {
      const s = await toStable.stop();
      const c = await toCanary.stop();
      expect({ stableFailed: s.failed, canaryFailed: c.failed }).toEqual({
        stableFailed: 0,
        canaryFailed: 0,
      });
      expect(s.sent).toBeGreaterThan(10);
    }
  }, 120_000);

  it('(b) a bad candidate (live accuracy from feedback below 0.7): rejected, exit 3, production untouched', async () => {
    expect(
      (await cli(['register', '--model-dir', join(dir, 'm1'), '--name', 'iris', '--alias', 'candidate']))
        .code,
    ).toBe(0);
    await eventually(async () => (await served(canary)) === '3', 15_000);
    const traffic = sendTraffic(canary.url, { label: 'wrong' });
    try {
      await prometheus.waitFor(
        'ml_model_accuracy{source="feedback",track="canary"} * on(instance) ml_model_info{version="3"}',
        (v) => v < 0.7,
      );
      const r = await promote('3');
      expect(r.code).toBe(3);
      const report = JSON.parse(r.stdout);
      expect(report.decision).toBe('rejected');
      expect(report.reasons[0]).toMatch(/^live-accuracy: critical/);
      expect(report.registry.changes).toContain('removed alias iris@candidate (it pointed at version 3)');
    } finally {
      await traffic.stop();
    }
    expect(await production()).toBe('2');
    expect(await served(stable)).toBe('2');
  }, 120_000);
});

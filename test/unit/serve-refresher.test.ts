import pino from 'pino';
import { MlctlError } from '../../src/errors';
import { ModelHolder } from '../../src/serve/model-holder';
import { Refresher } from '../../src/serve/refresher';
import type { ModelSource } from '../../src/serve/refresher';
import { createServeMetrics } from '../../src/telemetry/serve-metrics';
import { loaded } from '../helpers/serve';

/** A registry stand-in whose pointer and failures the test controls. */
function controllableSource(refreshable = true) {
  const state = { points: '1', failResolve: false, failLoad: false, loads: 0, resolves: 0 };
  const source: ModelSource = {
    uri: 'models:/iris@production',
    refreshable,
    async resolve() {
      state.resolves++;
      if (state.failResolve)
        throw Object.assign(new Error('registry unreachable'), { code: 'REGISTRY_UNAVAILABLE' });
      return state.points;
    },
    async load(version) {
      state.loads++;
      if (state.failLoad) throw new Error(`checksum mismatch in version ${version}`);
      return loaded(version);
    },
    serverVersion: async () => '3.17.2',
  };
  return { source, state };
}

async function metricValue(
  metrics: ReturnType<typeof createServeMetrics>,
  name: string,
  labels: string,
): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('Refresher', () => {
  const logger = pino({ level: 'silent' });

  it('loads, then swaps only when the source points elsewhere', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    const refresher = new Refresher(holder, source, metrics, logger, { intervalSeconds: 0, retrySeconds: 0 });
    expect(await refresher.refresh(true)).toEqual({ result: 'loaded', version: '1' });
    expect(await refresher.refresh()).toEqual({ result: 'unchanged', version: '1' });
    state.points = '2';
    expect(await refresher.refresh()).toEqual({ result: 'loaded', version: '2', previous: '1' });
    expect(holder.get()?.version).toBe('2');
    expect(state.loads).toBe(2);
    expect(holder.status).toMatchObject({ reachable: true, server_version: '3.17.2', last_error: null });
    expect(await metricValue(metrics, 'ml_model_reloads_total', '{result="loaded"}')).toBe(2);
  });

  it('keeps the last good model when a download or checksum fails, and says so', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    const refresher = new Refresher(holder, source, metrics, logger, { intervalSeconds: 0, retrySeconds: 0 });
    await refresher.refresh(true);
    state.points = '2';
    state.failLoad = true;
    expect(await refresher.refresh()).toEqual({
      result: 'failed',
      error: 'checksum mismatch in version 2',
    });
    expect(holder.get()?.version).toBe('1');
    expect(holder.status.last_error).toBe('checksum mismatch in version 2');
    expect(await metricValue(metrics, 'ml_model_reloads_total', '{result="failed"}')).toBe(1);
    state.failLoad = false;
    expect(await refresher.refresh()).toMatchObject({ result: 'loaded', version: '2' });
    expect(holder.status.last_error).toBeNull();
  });

  it('starts not ready when the registry is unreachable, and keeps trying', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    state.failResolve = true;
    const refresher = new Refresher(holder, source, metrics, logger, {
      intervalSeconds: 0,
      retrySeconds: 0.05,
    });
    expect(await refresher.start()).toMatchObject({ result: 'failed' });
    expect(holder.get()).toBeUndefined();
    expect(holder.status.reachable).toBe(false);
    state.failResolve = false;
    for (let i = 0; i < 100 && !holder.get(); i++) await new Promise((r) => setTimeout(r, 20));
    refresher.stop();
    expect(holder.get()?.version).toBe('1');
    expect(state.resolves).toBeGreaterThanOrEqual(2);
  });

  it('backs off while no model is loaded, logging one line per attempt without a stack', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    state.failResolve = true;
    const lines: Array<Record<string, unknown>> = [];
    const capture = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const refresher = new Refresher(holder, source, metrics, capture, {
      intervalSeconds: 0,
      retrySeconds: 0.01,
      maxRetrySeconds: 0.04,
    });
    await refresher.start();
    for (let i = 0; i < 200 && state.resolves < 5; i++) await new Promise((r) => setTimeout(r, 10));
    refresher.stop();
    const waits = lines.slice(0, 4).map((l) => [l.attempt, l.retry_in_s]);
    expect(waits).toEqual([
      [1, 0.01],
      [2, 0.02],
      [3, 0.04],
      [4, 0.04],
    ]);
    expect(lines[0]).toMatchObject({ msg: 'model not loaded yet; retrying', error: 'registry unreachable' });
    expect(JSON.stringify(lines)).not.toMatch(/stack/);
  });

  it('gives up when the source says the model does not exist before any load, never after', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    const missing = new MlctlError('MODEL_NOT_FOUND', "model 'iris' has no alias 'production'");
    source.resolve = async () => {
      state.resolves++;
      throw missing;
    };
    const refresher = new Refresher(holder, source, metrics, logger, {
      intervalSeconds: 0,
      retrySeconds: 0.01,
    });
    await refresher.start();
    await expect(refresher.hopeless).resolves.toBe(missing);
    await new Promise((r) => setTimeout(r, 50));
    expect(state.resolves).toBe(1); // no retries once hopeless

    // With a model loaded, the same answer keeps the last good model serving.
    const later = controllableSource();
    const serving = new Refresher(holder, later.source, metrics, logger, {
      intervalSeconds: 0,
      retrySeconds: 0,
    });
    await serving.refresh(true);
    later.source.resolve = async () => {
      throw missing;
    };
    expect(await serving.refresh()).toMatchObject({ result: 'failed' });
    const settled = await Promise.race([
      serving.hopeless.then(() => true),
      new Promise((r) => setTimeout(r, 50, false)),
    ]);
    expect(settled).toBe(false);
    expect(holder.get()?.version).toBe('1');
  });

  it('refreshes on the interval when the source can move', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    const refresher = new Refresher(holder, source, metrics, logger, {
      intervalSeconds: 0.05,
      retrySeconds: 0.05,
    });
    await refresher.start();
    state.points = '7';
    for (let i = 0; i < 100 && holder.get()?.version !== '7'; i++)
      await new Promise((r) => setTimeout(r, 20));
    refresher.stop();
    expect(holder.get()?.version).toBe('7');
  });

  it('runs one refresh at a time; concurrent callers share it', async () => {
    const metrics = createServeMetrics({ defaultMetrics: false });
    const holder = new ModelHolder(metrics);
    const { source, state } = controllableSource();
    const refresher = new Refresher(holder, source, metrics, logger, { intervalSeconds: 0, retrySeconds: 0 });
    const [a, b] = await Promise.all([refresher.refresh(true), refresher.refresh(true)]);
    expect(a).toEqual(b);
    expect(state.loads).toBe(1);
  });
});

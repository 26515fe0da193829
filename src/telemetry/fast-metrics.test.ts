import { Counter, Histogram, Registry } from 'prom-client';
import { FastHistogram, createDeferredCounts } from './fast-metrics';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.1, 1];
const OBSERVED = [0.0001, 0.0005, 0.0007, 0.003, 0.003, 0.2, 7, 0.01, 1e-9];

describe('FastHistogram', () => {
  it('exposes exactly what a prom-client Histogram exposes for the same observations', async () => {
    const theirs = new Registry();
    const ours = new Registry();
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'Latency.',
      labelNames: ['method', 'path'] as const,
      buckets: BUCKETS,
      registers: [theirs],
    });
    const fast = new FastHistogram('h_seconds', 'Latency.', ['method', 'path'] as const, BUCKETS, ours);
    const series = [
      ['POST', '/predict'],
      ['GET', '/v2/models/:name'],
    ] as const;
    for (const [method, path] of series) {
      const a = reference.labels(method, path);
      const b = fast.labels(method, path);
      for (const v of OBSERVED) {
        a.observe(v);
        b.observe(v);
      }
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});

describe('deferred counts', () => {
  it('hand every increment to the counter when the registry is scraped', async () => {
    const registry = new Registry();
    const counts: { settle(): void }[] = [];
    const counter = new Counter({
      name: 'c_total',
      help: 'Count.',
      labelNames: ['status'] as const,
      registers: [registry],
      collect: () => counts[0]?.settle(),
    });
    const deferred = createDeferredCounts(counter);
    counts.push(deferred);
    const ok = deferred.make('200', { status: '200' });
    for (let i = 0; i < 5; i++) ok.inc();
    expect(deferred.get('200')).toBe(ok);
    expect(await registry.metrics()).toContain('c_total{status="200"} 5');
    ok.inc();
    deferred.make('500', { status: '500' }).inc();
    const text = await registry.metrics();
    expect(text).toContain('c_total{status="200"} 6');
    expect(text).toContain('c_total{status="500"} 1');
  });
});

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MlctlError } from '../errors';
import { parseExposition } from './exposition';

describe('parseExposition', () => {
  test('reads what prom-client writes: counters, gauges, histograms, escaped labels', async () => {
    const registry = new Registry();
    const c = new Counter({
      name: 'req_total',
      help: 'h',
      labelNames: ['path', 'status'],
      registers: [registry],
    });
    c.inc({ path: '/a "quoted"\\path\nnext', status: '500' }, 3);
    new Gauge({ name: 'acc', help: 'h', registers: [registry] }).set(0.75);
    const h = new Histogram({ name: 'lat', help: 'h', buckets: [0.1, 1], registers: [registry] });
    h.observe(0.05);
    h.observe(5);
    const page = parseExposition(await registry.metrics(), 'test');
    expect(page.types.get('req_total')).toBe('counter');
    expect(page.types.get('lat')).toBe('histogram');
    expect(page.samples).toEqual(
      expect.arrayContaining([
        { name: 'req_total', labels: { path: '/a "quoted"\\path\nnext', status: '500' }, value: 3 },
        { name: 'acc', labels: {}, value: 0.75 },
        { name: 'lat_bucket', labels: { le: '0.1' }, value: 1 },
        { name: 'lat_bucket', labels: { le: '+Inf' }, value: 2 },
        { name: 'lat_count', labels: {}, value: 2 },
      ]),
    );
  });

  test('special values, timestamps, exemplars, CRLF and # EOF', () => {
    const page = parseExposition(
      'a NaN\r\nb{x="1"} +Inf 1700000000000\nc -Inf\nd 1.5e-3 # {trace_id="abc"} 1\n# EOF\n',
      'p',
    );
    expect(page.samples.map((s) => [s.name, s.value])).toEqual([
      ['a', Number.NaN],
      ['b', Infinity],
      ['c', -Infinity],
      ['d', 0.0015],
    ]);
  });

  test('a malformed line is an error with its number, not a silent skip', () => {
    let caught: unknown;
    try {
      parseExposition('ok 1\n<html>redirect</html>\n', 'http://x/metrics');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MlctlError);
    expect((caught as MlctlError).message).toMatch(/http:\/\/x\/metrics, line 2/);
    expect(() => parseExposition('a{b="1} 2\n', 'p')).toThrow(/unterminated/);
    expect(() => parseExposition('a 1 2 3\n', 'p')).toThrow(/line 1/);
    expect(() => parseExposition('a{b=1} 2\n', 'p')).toThrow(/not quoted/);
  });
});

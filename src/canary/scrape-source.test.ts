import { parseExposition } from './exposition';
import { bucketQuantile, measureScrape } from './scrape-source';

const page = (text: string) => parseExposition(text, 'test');

describe('bucketQuantile (histogram_quantile semantics)', () => {
  test('interpolates linearly inside the bucket holding the rank', () => {
    // 10 in (0, 0.1], 10 in (0.1, 0.5]: the median is the top of the first bucket, p75 is mid second.
    const buckets: Array<[number, number]> = [
      [0.1, 10],
      [0.5, 20],
      [Infinity, 20],
    ];
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(bucketQuantile(0.75, buckets)).toBeCloseTo(0.3);
    expect(bucketQuantile(0.25, buckets)).toBeCloseTo(0.05);
  });

  test('a rank in the +Inf bucket gives the highest finite bound; no observations give undefined', () => {
    expect(
      bucketQuantile(0.99, [
        [0.1, 1],
        [Infinity, 10],
      ]),
    ).toBe(0.1);
    expect(
      bucketQuantile(0.5, [
        [0.1, 0],
        [Infinity, 0],
      ]),
    ).toBeUndefined();
  });
});

describe('measureScrape', () => {
  const before = page(`
ml_request_count_total{path="/predict",status="200"} 100
ml_request_count_total{path="/predict",status="500"} 1
ml_request_latency_seconds_bucket{path="/predict",le="0.1"} 90
ml_request_latency_seconds_bucket{path="/predict",le="0.5"} 100
ml_request_latency_seconds_bucket{path="/predict",le="+Inf"} 101
ml_request_latency_seconds_bucket{path="/health",le="0.1"} 5
ml_request_latency_seconds_bucket{path="/health",le="0.5"} 5
ml_request_latency_seconds_bucket{path="/health",le="+Inf"} 5
`);
  const now = page(`
ml_model_accuracy{source="feedback"} 0.64
ml_model_accuracy{source="training"} 0.97
ml_request_count_total{path="/predict",status="200"} 196
ml_request_count_total{path="/predict",status="500"} 5
ml_request_latency_seconds_bucket{path="/predict",le="0.1"} 90
ml_request_latency_seconds_bucket{path="/predict",le="0.5"} 190
ml_request_latency_seconds_bucket{path="/predict",le="+Inf"} 201
ml_request_latency_seconds_bucket{path="/health",le="0.1"} 500
ml_request_latency_seconds_bucket{path="/health",le="0.5"} 500
ml_request_latency_seconds_bucket{path="/health",le="+Inf"} 500
`);

  test('gauge: the matching series now, aggregated', () => {
    expect(
      measureScrape({ gauge: 'ml_model_accuracy{source="feedback"}', aggregate: 'min' }, now, before).value,
    ).toBe(0.64);
    expect(measureScrape({ gauge: 'ml_model_accuracy', aggregate: 'max' }, now, before).value).toBe(0.97);
    expect(
      measureScrape({ gauge: 'ml_model_accuracy{source="live"}', aggregate: 'min' }, now, before).value,
    ).toBe(undefined);
  });

  test('ratio: increases over the interval, not totals since start', () => {
    const r = measureScrape(
      {
        ratio: { numerator: 'ml_request_count_total{status=~"5.."}', denominator: 'ml_request_count_total' },
      },
      now,
      before,
    );
    expect(r.value).toBeCloseTo(4 / 100);
  });

  test('ratio: no traffic in the interval is no data; a reset counter counts from zero', () => {
    const spec = {
      ratio: { numerator: 'ml_request_count_total{status="500"}', denominator: 'ml_request_count_total' },
    };
    expect(measureScrape(spec, before, before).value).toBeUndefined();
    // After a restart the counters start again below their earlier values: 9 new requests, none failed.
    const restarted = page(
      'ml_request_count_total{path="/predict",status="200"} 9\nml_request_count_total{path="/predict",status="500"} 0\n',
    );
    expect(measureScrape(spec, restarted, before).value).toBe(0);
    const failing = page(
      'ml_request_count_total{path="/predict",status="200"} 6\n' +
        'ml_request_count_total{path="/predict",status="500"} 3\n',
    );
    expect(measureScrape(spec, failing, restarted).value).toBeCloseTo(3 / 9);
  });

  test('quantile: of the interval’s observations, for the matching path only', () => {
    const q = measureScrape(
      { quantile: 0.95, histogram: 'ml_request_latency_seconds{path="/predict"}' },
      now,
      before,
    );
    // 100 new observations: none ≤ 0.1, 90 in (0.1, 0.5], 10 above: p95 is in +Inf → 0.5.
    expect(q.value).toBe(0.5);
    const p50 = measureScrape(
      { quantile: 0.5, histogram: 'ml_request_latency_seconds{path="/predict"}' },
      now,
      before,
    );
    expect(p50.value).toBeCloseTo(0.1 + 0.4 * (50 / 90));
  });
});

describe('ScrapeSource over HTTP', () => {
  test('follows redirects (the seed answered /metrics with a 307) and reads the page', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(307, { location: '/metrics/' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        'ml_model_accuracy{source="feedback"} 0.91\nml_model_info{name="iris",version="2",uri="u"} 1\n',
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const { ScrapeSource } = await import('./scrape-source');
    const { parsePolicy } = await import('./policy');
    const metric = parsePolicy(
      'metrics: [{name: acc, scrape: {gauge: \'ml_model_accuracy{source="feedback"}\'}, condition: {min: 0.7}}]',
      'p',
    ).metrics[0]!;
    const source = new ScrapeSource({ url: `http://127.0.0.1:${port}/metrics`, timeoutMs: 2000, retries: 0 });
    try {
      await source.begin();
      source.startRound();
      expect((await source.measure(metric, { model_version: '2' })).value).toBe(0.91);
      source.startRound();
      const other = await source.measure(metric, { model_version: '3' });
      expect(other.value).toBeUndefined();
      expect(other.detail).toMatch(/the page is from version 2, not the candidate 3/);
    } finally {
      await source.close();
      await new Promise((r) => server.close(r));
    }
  });
});

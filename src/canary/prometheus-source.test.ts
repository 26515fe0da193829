import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlctlError } from '../errors';
import { parsePolicy } from './policy';
import { PrometheusSource } from './prometheus-source';
import { TransientSourceError } from './source';

/** A loopback stand-in for Prometheus' /api/v1/query: answers from a queue, records the requests. */
async function fakePrometheus(answers: Array<{ status?: number; body: unknown }>) {
  const seen: Array<{ path: string; query: string; auth?: string; type?: string }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        path: req.url ?? '',
        query: new URLSearchParams(body).get('query') ?? '',
        auth: req.headers.authorization,
        type: req.headers['content-type'],
      });
      const next = answers.shift() ?? { status: 500, body: { status: 'error', error: 'no more answers' } };
      res.writeHead(next.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

const vector = (...values: string[]) => ({
  status: 'success',
  data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })) },
});
const metric = parsePolicy(
  'metrics: [{name: acc, query: \'min(ml_model_accuracy{track="{{track}}"})\', condition: {min: 0.7}}]',
  'p',
).metrics[0]!;

describe('PrometheusSource', () => {
  let fake: Awaited<ReturnType<typeof fakePrometheus>> | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  const source = (url: string, extra: Partial<ConstructorParameters<typeof PrometheusSource>[0]> = {}) =>
    new PrometheusSource({ url, timeoutMs: 2000, retries: 2, sleep: async () => {}, ...extra });

  test('POSTs the rendered query as a form; one series is the value, none or NaN is no data', async () => {
    fake = await fakePrometheus([
      { body: vector('0.82') },
      { body: vector() },
      { body: vector('NaN') },
      { body: { status: 'success', data: { resultType: 'scalar', result: [1, '3'] } } },
    ]);
    const s = source(fake.url, { bearerToken: 't0k' });
    expect(await s.measure(metric, { track: 'canary' })).toEqual({
      value: 0.82,
      query: 'min(ml_model_accuracy{track="canary"})',
    });
    expect(fake.seen[0]).toEqual({
      path: '/api/v1/query',
      query: 'min(ml_model_accuracy{track="canary"})',
      auth: 'Bearer t0k',
      type: 'application/x-www-form-urlencoded',
    });
    expect((await s.measure(metric, { track: 'canary' })).value).toBeUndefined();
    expect((await s.measure(metric, { track: 'canary' })).detail).toMatch(/NaN/);
    expect((await s.measure(metric, { track: 'canary' })).value).toBe(3);
    await s.close();
  });

  test('user:password in the URL is basic auth and is never shown', async () => {
    fake = await fakePrometheus([{ body: vector('1') }]);
    const s = source(fake.url.replace('http://', 'http://ops:s%40cret@'));
    expect(s.location).not.toMatch(/cret/);
    await s.measure(metric, { track: 'x' });
    expect(fake.seen[0]?.auth).toBe(`Basic ${Buffer.from('ops:s@cret').toString('base64')}`);
    await s.close();
  });

  test('several series is a policy error that shows them', async () => {
    fake = await fakePrometheus([{ body: vector('1', '2') }]);
    const s = source(fake.url);
    const err = (await s.measure(metric, { track: 'x' }).catch((e: unknown) => e)) as MlctlError;
    expect(err.message).toMatch(/returned 2 series \(\{"i":"0"\}, \{"i":"1"\}\)/);
    expect(err.hint).toMatch(/aggregation/);
    await s.close();
  });

  test('503 and 422 are retried; a rejected query or bad credentials are not', async () => {
    fake = await fakePrometheus([
      { status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out' } },
      { status: 422, body: { status: 'error', errorType: 'execution', error: 'duplicate series' } },
      { body: vector('0.9') },
      { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' } },
      { status: 401, body: 'Unauthorized' },
    ]);
    const s = source(fake.url);
    expect((await s.measure(metric, { track: 'x' })).value).toBe(0.9);
    const rejected = await s.measure(metric, { track: 'x' }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(MlctlError);
    expect((rejected as MlctlError).message).toMatch(/rejected the query .*bad_data: parse error at char 5/);
    await expect(s.measure(metric, { track: 'x' })).rejects.toThrow(/refused the credentials \(HTTP 401\)/);
    await s.close();
  });

  test('a server that keeps failing is a transient error after the retries', async () => {
    fake = await fakePrometheus([]);
    const s = source(fake.url);
    await expect(s.measure(metric, { track: 'x' })).rejects.toBeInstanceOf(TransientSourceError);
    expect(fake.seen).toHaveLength(3);
    await s.close();
  });

  test('connection refused and a name that does not resolve are not retried; a timeout is', async () => {
    for (const url of ['http://127.0.0.1:1', 'http://prometheus.example.invalid:9090']) {
      const sleeps: number[] = [];
      const s = source(url, { retries: 5, sleep: async (ms: number) => void sleeps.push(ms) });
      const err = await s.measure(metric, { track: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientSourceError);
      expect([url, (err as TransientSourceError).retryable, sleeps]).toEqual([url, false, []]);
      await s.close();
    }
    // A server that accepts and never answers: timed out, and retried.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const sleeps: number[] = [];
    const slow = source(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, {
      timeoutMs: 200,
      retries: 1,
      sleep: async (ms: number) => void sleeps.push(ms),
    });
    await expect(slow.measure(metric, { track: 'x' })).rejects.toBeInstanceOf(TransientSourceError);
    expect(sleeps).toHaveLength(1);
    await slow.close();
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  test('begin() fails fast when Prometheus cannot be reached', async () => {
    const s = source('http://127.0.0.1:1', { retries: 0 });
    await expect(s.begin()).rejects.toThrow(/cannot evaluate the canary: cannot reach Prometheus/);
    await s.close();
  });
});

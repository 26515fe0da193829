import { isMlctlError } from '../../../src/errors';
import { readLoki } from '../../../src/drift/sources/loki';
import { parseDuration, redactLokiUrl, resolveLokiQuery } from '../../../src/drift/sources/loki-url';
import type { LokiDefaults, LokiQuery } from '../../../src/drift/sources/loki-url';
import { startFakeLoki } from '../../helpers/fake-loki';
import type { FakeEntry, FakeLoki } from '../../helpers/fake-loki';

const T0 = 1_700_000_000_000_000_000n;
const defaults: LokiDefaults = { rangeMinutes: 60, batchSize: 1000, timeoutSeconds: 5 };
const streamA = { app: 'mlctl', pod: 'a' };
const streamB = { app: 'mlctl', pod: 'b' };

let loki: FakeLoki;
beforeEach(async () => {
  loki = await startFakeLoki();
});
afterEach(async () => {
  await loki.close();
});

function query(over: Partial<LokiQuery> = {}): LokiQuery {
  return {
    baseUrl: loki.url,
    query: '{app="mlctl"}',
    start: T0,
    end: T0 + 10n ** 12n,
    batchSize: 10,
    headers: {},
    timeoutMs: 5000,
    ...over,
  };
}

async function readAll(q: LokiQuery): Promise<string[]> {
  const lines: string[] = [];
  await readLoki(q, (l) => lines.push(l));
  return lines;
}

const entry = (ts: bigint, line: string, stream = streamA): FakeEntry => ({ stream, ts, line });

describe('Loki query_range pagination (loopback fake)', () => {
  it('reads every line once across pages, oldest first', async () => {
    for (let i = 0; i < 95; i++)
      loki.entries.push(entry(T0 + BigInt(i) * 1000n, `line ${i}`, i % 2 ? streamA : streamB));
    const lines = await readAll(query());
    expect(lines).toEqual(Array.from({ length: 95 }, (_, i) => `line ${i}`));
    expect(loki.requests.length).toBe(11);
    expect(
      loki.requests.every((r) => r.params.get('direction') === 'forward' && r.params.get('limit') === '10'),
    ).toBe(true);
  });

  it('neither drops nor repeats lines that share a timestamp across a page boundary', async () => {
    for (let i = 0; i < 7; i++) loki.entries.push(entry(T0 + BigInt(i), `before ${i}`));
    for (let i = 0; i < 8; i++) loki.entries.push(entry(T0 + 100n, `same ${i}`, i % 2 ? streamA : streamB));
    for (let i = 0; i < 4; i++) loki.entries.push(entry(T0 + 200n + BigInt(i), `after ${i}`));
    const lines = await readAll(query());
    expect(lines.sort()).toEqual(loki.entries.map((e) => e.line).sort());
    expect(new Set(lines).size).toBe(lines.length);
    // The second page starts at the boundary timestamp (inclusive), as the API requires.
    expect(loki.requests[1]!.params.get('start')).toBe((T0 + 100n).toString());
  });

  it('reads more lines at one timestamp than a page holds by asking for that nanosecond alone', async () => {
    loki.entries.push(entry(T0, 'first'));
    for (let i = 0; i < 35; i++) loki.entries.push(entry(T0 + 5n, `burst ${i}`, i % 3 ? streamA : streamB));
    loki.entries.push(entry(T0 + 6n, 'last'));
    const lines = await readAll(query());
    expect(lines.length).toBe(37);
    expect(new Set(lines).size).toBe(37);
    const single = loki.requests.filter((r) => BigInt(r.params.get('end')!) === T0 + 6n);
    expect(single.map((r) => r.params.get('limit'))).toEqual(['20', '40']);
  });

  it('stops at --loki-max-entries and says it was truncated', async () => {
    for (let i = 0; i < 50; i++) loki.entries.push(entry(T0 + BigInt(i), `l${i}`));
    const lines: string[] = [];
    const stats = await readLoki(query({ maxEntries: 23 }), (l) => lines.push(l));
    expect([lines.length, stats.entries, stats.truncated]).toEqual([23, 23, true]);
    const all = await readLoki(query({ maxEntries: 50 }), () => undefined);
    expect(all.truncated).toBe(false);
  });

  it("turns Loki's max_entries_limit_per_query rejection into a clear error", async () => {
    loki.maxEntriesLimit = 30;
    for (let i = 0; i < 100; i++) loki.entries.push(entry(T0, `same ${i}`));
    const err = await readAll(query()).catch((e: unknown) => e);
    expect(isMlctlError(err) && [err.code, err.exitCode]).toEqual(['REMOTE_ERROR', 1]);
    expect((err as Error).message).toContain('HTTP 400');
    expect((err as { hint?: string }).hint).toContain('max_entries_limit_per_query');
  });

  it('passes LogQL pipelines through untouched and sends the auth headers', async () => {
    const logql = '{app="mlctl"} |= "prediction" | json | model_version != "" | line_format "{{.msg}}"';
    loki.entries.push(entry(T0 + 1n, 'x'));
    const q = resolveLokiQuery(
      `loki+${loki.url.replace('http://', 'http://svc:p%40ss@')}?query=${encodeURIComponent(logql)}&start=${T0}&end=${T0 + 10n}&org=team-a`,
      defaults,
      0,
    );
    await readAll(q);
    const r = loki.requests[0]!;
    expect(r.params.get('query')).toBe(logql);
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('svc:p@ss').toString('base64')}`);
    expect(r.headers['x-scope-orgid']).toBe('team-a');
    const bearer = resolveLokiQuery(
      undefined,
      { ...defaults, baseUrl: loki.url, query: logql, token: 't0k' },
      0,
    );
    expect(bearer.headers.authorization).toBe('Bearer t0k');
  });

  it('fails clearly on HTTP errors, refused credentials and metric queries — never returns partial data', async () => {
    loki.entries.push(entry(T0 + 1n, 'x'));
    loki.failWith = { status: 500, body: 'internal server error: boom' };
    await expect(readAll(query())).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      message: expect.stringContaining('HTTP 500'),
    });
    loki.failWith = undefined;
    loki.requireAuthorization = 'Bearer right';
    await expect(readAll(query({ headers: { authorization: 'Bearer wrong' } }))).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
      hint: expect.stringContaining('LOKI_TOKEN'),
    });
    loki.requireAuthorization = undefined;
    loki.matrix = true;
    await expect(readAll(query())).rejects.toMatchObject({ code: 'USAGE' });
    await expect(readAll(query({ baseUrl: 'http://127.0.0.1:1' }))).rejects.toMatchObject({
      code: 'REMOTE_ERROR',
    });
  });
});

describe('Loki URL form', () => {
  it('reads query, since, limit and batch from the URL and ends the window now', () => {
    const q = resolveLokiQuery(
      'loki+https://loki.example:3100/gw?query=%7Bapp%3D%22m%22%7D&since=1h30m&limit=500&batch=200',
      defaults,
      1_000,
    );
    expect(q).toMatchObject({
      baseUrl: 'https://loki.example:3100/gw',
      query: '{app="m"}',
      batchSize: 200,
      maxEntries: 500,
    });
    expect(q.end).toBe(1_000_000_000n);
    expect(q.end - q.start).toBe(5_400_000_000_000n);
  });

  it('falls back to LOKI_* settings and LOKI_RANGE_MINUTES', () => {
    const q = resolveLokiQuery(
      undefined,
      { ...defaults, baseUrl: 'http://loki:3100', query: '{a="b"}', rangeMinutes: 5 },
      0,
    );
    expect([q.baseUrl, q.end - q.start]).toEqual(['http://loki:3100', 300_000_000_000n]);
  });

  it('refuses a missing query, a bad duration and an empty window', () => {
    expect(() => resolveLokiQuery('loki+http://h:3100', defaults, 0)).toThrow(/no LogQL query/);
    expect(() => parseDuration('1 hour')).toThrow(/not a duration/);
    expect(() => resolveLokiQuery('loki+http://h:3100?query=x&start=10&end=5', defaults, 0)).toThrow(/empty/);
  });

  it('never shows credentials', () => {
    expect(redactLokiUrl('loki+https://user:secret@h:3100?query=x')).toBe('loki+https://***@h:3100?query=x');
  });
});

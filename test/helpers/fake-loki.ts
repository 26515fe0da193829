import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEntry {
  stream: Record<string, string>;
  /** Unix nanoseconds. */
  ts: bigint;
  line: string;
}

export interface FakeLokiRequest {
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeLoki {
  url: string;
  entries: FakeEntry[];
  requests: FakeLokiRequest[];
  /** Loki's limits_config.max_entries_limit_per_query (default 5000). */
  maxEntriesLimit: number;
  /** When set, requests without exactly this Authorization header get 401. */
  requireAuthorization?: string;
  /** When set, every query_range answers this status with a plain-text body. */
  failWith?: { status: number; body: string };
  /** Answer a metric query's matrix instead of streams. */
  matrix?: boolean;
  close(): Promise<void>;
}

/**
 * A loopback server speaking Loki's documented GET /loki/api/v1/query_range for log queries: `start`
 * inclusive, `end` exclusive (ns), `limit` entries in total across streams, `direction` forward/backward,
 * `{status, data: {resultType: "streams", result: [{stream, values: [[ns, line]]}], stats}}`, and the 400
 * "max entries limit per query exceeded" of a limit above max_entries_limit_per_query. It does not
 * evaluate LogQL: it records the query for the test to check and returns every stored entry.
 */
export async function startFakeLoki(): Promise<FakeLoki> {
  const fake: FakeLoki = {
    url: '',
    entries: [],
    requests: [],
    maxEntriesLimit: 5000,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loki');
    const text = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (url.pathname !== '/loki/api/v1/query_range' || req.method !== 'GET')
      return text(404, '404 page not found\n');
    fake.requests.push({ params: url.searchParams, headers: req.headers });
    if (fake.requireAuthorization !== undefined && req.headers.authorization !== fake.requireAuthorization) {
      return text(401, 'no org id\n');
    }
    if (fake.failWith) return text(fake.failWith.status, fake.failWith.body);
    const limit = Number(url.searchParams.get('limit') ?? '100');
    if (limit > fake.maxEntriesLimit) {
      return text(
        400,
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${fake.maxEntriesLimit})`,
      );
    }
    const start = BigInt(url.searchParams.get('start') ?? '0');
    const end = BigInt(url.searchParams.get('end') ?? '0');
    const backward = url.searchParams.get('direction') !== 'forward';
    if (fake.matrix) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }));
    }
    const inRange = fake.entries
      .map((e, order) => ({ e, order }))
      .filter(({ e }) => e.ts >= start && e.ts < end)
      .sort((a, b) => (a.e.ts === b.e.ts ? a.order - b.order : a.e.ts < b.e.ts ? -1 : 1));
    if (backward) inRange.reverse();
    const picked = inRange.slice(0, limit);
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const { e } of picked) {
      const key = JSON.stringify(e.stream);
      if (!streams.has(key)) streams.set(key, { stream: e.stream, values: [] });
      streams.get(key)!.values.push([e.ts.toString(), e.line]);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'streams',
          result: [...streams.values()],
          stats: { summary: { totalEntriesReturned: picked.length } },
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

import { request } from 'undici';
import { MlctlError } from '../../errors';
import type { LokiQuery } from './loki-url';

export interface LokiStats {
  /** query_range requests made. */
  requests: number;
  /** Log lines handed on (after removing the boundary repeats). */
  entries: number;
  /** True when `maxEntries` stopped the read before the window was exhausted. */
  truncated: boolean;
}

interface Entry {
  ts: bigint;
  stream: string;
  line: string;
}

/**
 * Reads every log line of the window [start, end) through /loki/api/v1/query_range, oldest first, in pages
 * of `batchSize`. Loki's `start` is inclusive, so each next page starts at the last timestamp seen and the
 * entries already handed on at that very timestamp are skipped (an entry is its stream, timestamp and line:
 * Loki itself stores identical entries once). If a whole page shares one timestamp, that nanosecond is read
 * alone with a growing limit, so no line is dropped or repeated however many share a timestamp.
 */
export async function readLoki(query: LokiQuery, onLine: (line: string) => void): Promise<LokiStats> {
  const stats: LokiStats = { requests: 0, entries: 0, truncated: false };
  let cursor = query.start;
  let seen = new Set<string>();
  const emit = (e: Entry): boolean => {
    if (e.ts === cursor) {
      const key = keyOf(e);
      if (seen.has(key)) return true;
      seen.add(key);
    }
    if (query.maxEntries !== undefined && stats.entries >= query.maxEntries) {
      stats.truncated = true;
      return false;
    }
    stats.entries++;
    onLine(e.line);
    return true;
  };

  for (;;) {
    const page = await fetchPage(query, cursor, query.end, query.batchSize, stats);
    for (const e of page) if (!emit(e)) return stats;
    if (page.length < query.batchSize) return stats;
    const last = (page[page.length - 1] as Entry).ts;
    if (last === cursor) {
      // A full page at one timestamp: read that nanosecond alone until Loki returns less than asked.
      for (let limit = query.batchSize * 2; ; limit *= 2) {
        const same = await fetchPage(query, cursor, cursor + 1n, limit, stats);
        for (const e of same) if (!emit(e)) return stats;
        if (same.length < limit) break;
      }
      cursor += 1n;
      seen = new Set();
      continue;
    }
    cursor = last;
    seen = new Set(page.filter((e) => e.ts === last).map(keyOf));
  }
}

const keyOf = (e: Entry): string => `${e.stream}\u0000${e.ts}\u0000${e.line}`;

async function fetchPage(
  query: LokiQuery,
  start: bigint,
  end: bigint,
  limit: number,
  stats: LokiStats,
): Promise<Entry[]> {
  const url = new URL(`${query.baseUrl}/loki/api/v1/query_range`);
  url.searchParams.set('query', query.query);
  url.searchParams.set('start', start.toString());
  url.searchParams.set('end', end.toString());
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('direction', 'forward');
  stats.requests++;
  let status: number;
  let body: string;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...query.headers },
      headersTimeout: query.timeoutMs,
      bodyTimeout: query.timeoutMs,
    });
    status = res.statusCode;
    body = await res.body.text();
  } catch (err) {
    throw new MlctlError('REMOTE_ERROR', `cannot reach Loki at ${query.baseUrl}: ${(err as Error).message}`, {
      hint: 'Check the URL and that Loki is up (GET /ready).',
      cause: err,
    });
  }
  if (status < 200 || status > 299) {
    const detail = body.trim().slice(0, 500);
    throw new MlctlError('REMOTE_ERROR', `Loki answered HTTP ${status} to query_range: ${detail}`, {
      hint: hintFor(status, detail, limit),
    });
  }
  return parseStreams(body);
}

function hintFor(status: number, detail: string, limit: number): string {
  if (status === 401 || status === 403)
    return 'Check LOKI_TOKEN, the user:password in the URL, or LOKI_ORG_ID.';
  if (/max entries limit/i.test(detail)) {
    return `Lower LOKI_BATCH_SIZE, or raise Loki's limits_config.max_entries_limit_per_query (mlctl asked for ${limit}; more lines than that may share one timestamp).`;
  }
  if (status === 400) return 'Loki rejected the query: check the LogQL.';
  return 'Loki failed; retry later or check its logs.';
}

/** The entries of a `streams` result, merged across streams in timestamp order. */
function parseStreams(body: string): Entry[] {
  let doc: { status?: string; data?: { resultType?: string; result?: unknown } };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    throw new MlctlError('REMOTE_ERROR', 'Loki answered query_range with something that is not JSON');
  }
  if (doc.status !== 'success' || !doc.data) {
    throw new MlctlError(
      'REMOTE_ERROR',
      `Loki answered query_range with status ${JSON.stringify(doc.status)}`,
    );
  }
  if (doc.data.resultType !== 'streams') {
    throw new MlctlError('USAGE', `the Loki query returns ${doc.data.resultType} data, not log lines`, {
      hint: 'Give a log query ({app="mlctl"} |= "prediction"), not a metric query (rate(...), count_over_time(...)).',
    });
  }
  const entries: Entry[] = [];
  for (const s of (doc.data.result ?? []) as Array<{ stream?: Record<string, string>; values?: unknown }>) {
    const stream = JSON.stringify(Object.entries(s.stream ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const v of (s.values ?? []) as Array<[string, string]>) {
      if (!Array.isArray(v) || typeof v[0] !== 'string' || !/^\d+$/.test(v[0]) || typeof v[1] !== 'string') {
        throw new MlctlError('REMOTE_ERROR', 'Loki returned a stream value that is not [<ns>, <line>]');
      }
      entries.push({ ts: BigInt(v[0]), stream, line: v[1] });
    }
  }
  // Stable: within a timestamp, streams keep Loki's order.
  entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return entries;
}

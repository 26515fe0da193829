import { MlctlError } from '../../errors';
import { basicAuthFromUrl } from '../../io/http-auth';

/** Everything needed to read log lines from Loki's query_range API. */
export interface LokiQuery {
  /** http(s)://host:port plus any path prefix in front of /loki/api/v1 (a gateway's). */
  baseUrl: string;
  /** LogQL, passed through untouched (pipelines such as `|= "prediction" | json` included). */
  query: string;
  /** Window [start, end) in Unix nanoseconds. */
  start: bigint;
  end: bigint;
  /** Entries per request (Loki's `limit`). */
  batchSize: number;
  /** Stop after this many entries in total. */
  maxEntries?: number;
  /** Authorization / X-Scope-OrgID; never logged. */
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface LokiDefaults {
  baseUrl?: string;
  query?: string;
  rangeMinutes: number;
  batchSize: number;
  maxEntries?: number;
  token?: string;
  orgId?: string;
  timeoutSeconds: number;
}

export function isLokiUrl(spec: string): boolean {
  return /^loki\+https?:\/\//i.test(spec);
}

/**
 * Builds the query from `loki+http(s)://[user:password@]host:port[/prefix]?query=<LogQL>&since=1h` (also
 * `start`/`end` as RFC 3339 or Unix ns, `limit` = max entries, `batch`, `org`), falling back to the
 * LOKI_* settings for anything the URL leaves out. With no URL, the settings alone must name the server.
 */
export function resolveLokiQuery(spec: string | undefined, defaults: LokiDefaults, nowMs: number): LokiQuery {
  let base = defaults.baseUrl;
  const params = new URLSearchParams();
  const headers: Record<string, string> = {};
  if (spec !== undefined) {
    let url: URL;
    try {
      url = new URL(spec.replace(/^loki\+/i, ''));
    } catch {
      throw new MlctlError('USAGE', `not a valid Loki URL: ${redactLokiUrl(spec)}`, { hint: LOKI_HINT });
    }
    const auth = basicAuthFromUrl(url);
    if (auth) headers.authorization = auth;
    url.searchParams.forEach((value, key) => params.set(key, value));
    base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }
  if (!base) throw new MlctlError('USAGE', 'no Loki server given', { hint: LOKI_HINT });
  const query = params.get('query') ?? defaults.query;
  if (!query || query.trim() === '') {
    throw new MlctlError('USAGE', 'no LogQL query given for Loki', {
      hint: `${LOKI_HINT} Example query: {app="mlctl"} |= "prediction" | json`,
    });
  }
  if (!headers.authorization && defaults.token) headers.authorization = `Bearer ${defaults.token}`;
  const org = params.get('org') ?? defaults.orgId;
  if (org) headers['x-scope-orgid'] = org;

  const end = params.has('end')
    ? parseTime(params.get('end')!, 'end')
    : BigInt(Math.round(nowMs)) * 1_000_000n;
  const since = params.has('since')
    ? parseDuration(params.get('since')!)
    : defaults.rangeMinutes * 60_000_000_000;
  const start = params.has('start')
    ? parseTime(params.get('start')!, 'start')
    : end - BigInt(Math.round(since));
  if (start >= end) throw new MlctlError('USAGE', 'the Loki window is empty: start must be before end');
  return {
    baseUrl: base,
    query,
    start,
    end,
    batchSize: positiveInt(params.get('batch'), 'batch') ?? defaults.batchSize,
    maxEntries: positiveInt(params.get('limit'), 'limit') ?? defaults.maxEntries,
    headers,
    timeoutMs: defaults.timeoutSeconds * 1000,
  };
}

const LOKI_HINT =
  'Use --current "loki+http://host:3100?query=<LogQL>&since=1h", or set LOKI_BASE_URL and LOKI_QUERY.';

const UNITS: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9, w: 604800e9 };

/** Go/Prometheus-style durations: `90s`, `15m`, `1h30m`, `7d`; in nanoseconds. */
export function parseDuration(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== text.trim()) {
    throw new MlctlError('USAGE', `not a duration: "${text}"`, { hint: 'Examples: 30m, 1h, 1h30m, 7d.' });
  }
  return parts.reduce((ns, p) => ns + Number(p[1]) * (UNITS[p[2] as string] as number), 0);
}

/** RFC 3339 time or Unix nanoseconds, as Loki accepts them. */
function parseTime(text: string, what: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new MlctlError('USAGE', `Loki ${what} is not a time: "${text}"`, {
      hint: 'Use RFC 3339 (2026-11-27T10:00:00Z) or Unix nanoseconds.',
    });
  }
  return BigInt(ms) * 1_000_000n;
}

function positiveInt(text: string | null, what: string): number | undefined {
  if (text === null) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new MlctlError('USAGE', `Loki ${what} must be a positive integer`);
  return n;
}

/** The URL as it may be shown: credentials removed. */
export function redactLokiUrl(spec: string): string {
  return spec.replace(/^(loki\+https?:\/\/)[^@/?#]*@/i, '$1***@');
}

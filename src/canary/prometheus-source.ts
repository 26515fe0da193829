import { Agent, request } from 'undici';
import { MlctlError } from '../errors';
import { basicAuthFromUrl } from '../io/http-auth';
import type { PolicyMetric } from './policy';
import type { MetricsSource, Observation } from './source';
import { TransientSourceError, orCannotEvaluate, requestFailed, withRetries } from './source';
import { renderQuery } from './template';

export interface PrometheusOptions {
  /** `http(s)://host:9090[/prefix]`; user:password in the URL becomes basic auth. */
  url: string;
  bearerToken?: string;
  timeoutMs: number;
  /** Retries of one query after a connection error, 429 or 5xx. */
  retries: number;
  sleep?: (ms: number) => Promise<void>;
}

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/**
 * Instant queries against Prometheus' HTTP API (`POST /api/v1/query`, form-encoded, so long queries fit).
 * A measurement must be one number: a scalar, or a vector of exactly one series. An empty vector or NaN
 * is no data; several series is a policy mistake, reported with the series so the query can aggregate.
 */
export class PrometheusSource implements MetricsSource {
  readonly kind = 'prometheus';
  readonly measuresOverInterval = false;
  readonly location: string;
  private readonly base: string;
  private readonly headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  private readonly agent: Agent;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PrometheusOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new MlctlError('CONFIG_INVALID', `PROMETHEUS_URL is not a URL: ${options.url}`, {
        hint: 'Give the server root, e.g. http://prometheus:9090.',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new MlctlError('CONFIG_INVALID', `PROMETHEUS_URL must be http(s)://, got ${url.protocol}`);
    }
    const basic = basicAuthFromUrl(url);
    if (basic) {
      this.headers.authorization = basic;
      url.username = '';
      url.password = '';
    } else if (options.bearerToken) {
      this.headers.authorization = `Bearer ${options.bearerToken}`;
    }
    this.base = url.toString().replace(/\/+$/, '');
    this.location = this.base;
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Fails fast (before any delay) when Prometheus cannot be reached or refuses the credentials. */
  async begin(): Promise<void> {
    await orCannotEvaluate(
      this.query('1'),
      `Check PROMETHEUS_URL (${this.location}) and that Prometheus is up; nothing was promoted or rolled back.`,
    );
  }

  startRound(): void {}
  endRound(): void {}

  async measure(metric: PolicyMetric, variables: Record<string, string>): Promise<Observation> {
    const query = renderQuery(metric.query as string, variables);
    const answer = await this.query(query);
    return { ...readOne(answer, query, metric.name), query };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One instant query, retried (1 s, 2 s, 4 s … at most 10 s apart) while the failure may pass. */
  private query(query: string): Promise<ApiAnswer> {
    return withRetries(() => this.once(query), this.options.retries, this.sleep);
  }

  private async once(query: string): Promise<ApiAnswer> {
    let status: number;
    let text: string;
    try {
      const res = await request(`${this.base}/api/v1/query`, {
        method: 'POST',
        headers: this.headers,
        body: new URLSearchParams({ query }).toString(),
        dispatcher: this.agent,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw requestFailed(`cannot reach Prometheus at ${this.location}`, err);
    }
    let answer: ApiAnswer | undefined;
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      answer = undefined;
    }
    if (status === 401 || status === 403) {
      throw new MlctlError(
        'METRICS_QUERY_FAILED',
        `Prometheus at ${this.location} refused the credentials (HTTP ${status})`,
        {
          hint: 'Set PROMETHEUS_BEARER_TOKEN, or user:password in PROMETHEUS_URL for basic auth.',
        },
      );
    }
    if (status === 429 || status >= 500 || status === 422) {
      // 503: the query timed out or the server is overloaded; 422: it could not be executed on this data
      // (e.g. duplicate series for a moment). Both may pass.
      throw new TransientSourceError(
        `Prometheus answered HTTP ${status}${answer?.error ? `: ${answer.error}` : ''} to ${query}`,
      );
    }
    if (status !== 200 || answer?.status !== 'success') {
      const why = answer?.error
        ? `${answer.errorType ?? 'error'}: ${answer.error}`
        : `HTTP ${status}, body ${text.slice(0, 200)}`;
      throw new MlctlError(
        'METRICS_QUERY_FAILED',
        `Prometheus at ${this.location} rejected the query ${query} (${why})`,
        {
          hint:
            status === 404
              ? 'Is PROMETHEUS_URL the server root (http://host:9090)? mlctl adds /api/v1/query itself.'
              : 'Fix the query in the policy; try it in the Prometheus UI (Graph tab) first.',
        },
      );
    }
    return answer;
  }
}

function readOne(answer: ApiAnswer, query: string, metric: string): Omit<Observation, 'query'> {
  const data = answer.data ?? {};
  if (data.resultType === 'scalar') return toValue((data.result as [number, string])[1]);
  if (data.resultType === 'vector') {
    const series = (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>) ?? [];
    if (series.length === 0) return { value: undefined, detail: 'the query returned no series' };
    if (series.length > 1) {
      const shown = series
        .slice(0, 3)
        .map((s) => JSON.stringify(s.metric))
        .join(', ');
      throw new MlctlError(
        'METRICS_QUERY_FAILED',
        `metric ${metric}: the query returned ${series.length} series (${shown}${series.length > 3 ? ', …' : ''}), not one number: ${query}`,
        { hint: 'Wrap it in an aggregation such as min(…), max(…) or sum(…) so it returns one series.' },
      );
    }
    return toValue((series[0] as { value: [number, string] }).value[1]);
  }
  throw new MlctlError(
    'METRICS_QUERY_FAILED',
    `metric ${metric}: the query returned a ${data.resultType ?? 'missing'} result, not a number: ${query}`,
    { hint: 'Use an instant-vector or scalar expression (no [range] at the top level).' },
  );
}

function toValue(text: string): Omit<Observation, 'query'> {
  const value = Number(text === '+Inf' ? 'Infinity' : text === '-Inf' ? '-Infinity' : text);
  if (Number.isNaN(value))
    return { value: undefined, detail: 'the query returned NaN (e.g. 0/0: no traffic in the window)' };
  return { value };
}

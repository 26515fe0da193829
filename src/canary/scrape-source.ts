import { Agent, interceptors, request } from 'undici';
import type { Dispatcher } from 'undici';
import { MlctlError } from '../errors';
import { parseExposition } from './exposition';
import type { MetricsPage, Sample } from './exposition';
import type { PolicyMetric, ScrapeSpec } from './policy';
import { matches, parseSelector } from './selector';
import type { Selector } from './selector';
import type { MetricsSource, Observation } from './source';
import { TransientSourceError, orCannotEvaluate, requestFailed, withRetries } from './source';

export interface ScrapeOptions {
  /** The canary's /metrics URL; redirects are followed. */
  url: string;
  bearerToken?: string;
  timeoutMs: number;
  retries: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Measurements from the canary's own /metrics page, for setups without Prometheus. Gauges are read as
 * they are; counters and histograms are measured over each interval, as `rate()` would: the difference
 * between this round's page and the last one (a counter that went down was reset, and counts from zero).
 */
export class ScrapeSource implements MetricsSource {
  readonly kind = 'scrape';
  readonly measuresOverInterval = true;
  readonly location: string;
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string> = {
    accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1',
  };
  private readonly sleep: (ms: number) => Promise<void>;
  private previous: MetricsPage | undefined;
  private current: MetricsPage | undefined;

  constructor(private readonly options: ScrapeOptions) {
    try {
      const url = new URL(options.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new MlctlError('CONFIG_INVALID', `--metrics-url must be an http(s) URL, got ${options.url}`, {
        hint: 'Point it at the canary, e.g. http://canary:8000/metrics.',
      });
    }
    this.location = options.url;
    if (options.bearerToken) this.headers.authorization = `Bearer ${options.bearerToken}`;
    this.dispatcher = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    }).compose(interceptors.redirect({ maxRedirections: 5 }));
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The baseline page; a canary that cannot be read at all fails here, before any delay. */
  async begin(): Promise<void> {
    this.previous = await orCannotEvaluate(
      this.fetchWithRetries(),
      'Check --metrics-url and that the canary is up; nothing was promoted or rolled back.',
    );
  }

  startRound(): void {
    this.current = undefined;
  }

  endRound(): void {
    if (this.current) this.previous = this.current;
  }

  async measure(metric: PolicyMetric, variables: Record<string, string>): Promise<Observation> {
    const spec = metric.scrape as ScrapeSpec;
    this.current ??= await this.fetchWithRetries();
    const served = servedVersions(this.current);
    const wanted = variables.model_version;
    if (wanted !== undefined && served.length > 0 && !served.includes(wanted)) {
      // The page belongs to another version (the canary has not picked up the candidate yet).
      return {
        value: undefined,
        query: `${this.location} (ml_model_info)`,
        detail: `the page is from version ${served.join(', ')}, not the candidate ${wanted}`,
      };
    }
    return measureScrape(spec, this.current, this.previous, this.location);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private fetchWithRetries(): Promise<MetricsPage> {
    return withRetries(() => this.fetchPage(), this.options.retries, this.sleep);
  }

  private async fetchPage(): Promise<MetricsPage> {
    let status: number;
    let text: string;
    try {
      const res = await request(this.location, { headers: this.headers, dispatcher: this.dispatcher });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw requestFailed(`cannot read ${this.location}`, err);
    }
    if (status === 429 || status >= 500)
      throw new TransientSourceError(`${this.location} answered HTTP ${status}`);
    if (status !== 200) {
      throw new MlctlError(
        'METRICS_QUERY_FAILED',
        `${this.location} answered HTTP ${status}, not a metrics page`,
        {
          hint: 'Point --metrics-url at the canary’s /metrics, e.g. http://canary:8000/metrics.',
        },
      );
    }
    return parseExposition(text, this.location);
  }
}

/** One scrape measurement: a gauge now, or a ratio / quantile of what counters did since `before`. */
export function measureScrape(
  spec: ScrapeSpec,
  now: MetricsPage,
  before: MetricsPage | undefined,
  location = '/metrics',
): Observation {
  if ('gauge' in spec) {
    const selector = parseSelector(spec.gauge);
    const values = now.samples.filter((s) => matches(selector, s.labels, s.name) && !Number.isNaN(s.value));
    const query = `${spec.aggregate}(${spec.gauge}) from ${location}`;
    if (values.length === 0)
      return { value: undefined, query, detail: `no ${spec.gauge} series on the page` };
    return {
      value: aggregate(
        values.map((s) => s.value),
        spec.aggregate,
      ),
      query,
    };
  }
  if ('ratio' in spec) {
    const num = parseSelector(spec.ratio.numerator);
    const den = parseSelector(spec.ratio.denominator);
    const query = `Δ${spec.ratio.numerator} / Δ${spec.ratio.denominator} over the interval, from ${location}`;
    const d = sumIncrease(now, before, (s) => matches(den, s.labels, s.name));
    if (d <= 0)
      return { value: undefined, query, detail: 'the denominator did not grow: no traffic in the interval' };
    return { value: sumIncrease(now, before, (s) => matches(num, s.labels, s.name)) / d, query };
  }
  const hist = parseSelector(spec.histogram);
  const bucketSelector: Selector = { name: `${hist.name}_bucket`, matchers: hist.matchers };
  const query = `quantile ${spec.quantile} of Δ${spec.histogram} over the interval, from ${location}`;
  const increase = new Map<number, number>();
  for (const [sample, delta] of increases(now, before, (s) => matches(bucketSelector, s.labels, s.name))) {
    const le = Number(sample.labels.le === '+Inf' ? 'Infinity' : sample.labels.le);
    if (Number.isNaN(le)) continue;
    increase.set(le, (increase.get(le) ?? 0) + delta);
  }
  const value = bucketQuantile(
    spec.quantile,
    [...increase].sort((a, b) => a[0] - b[0]),
  );
  if (value === undefined) return { value: undefined, query, detail: 'no observations in the interval' };
  return { value, query };
}

/** The model versions a serve page says it serves (`ml_model_info{version}`). */
function servedVersions(page: MetricsPage): string[] {
  return page.samples
    .filter((s) => s.name === 'ml_model_info' && s.value === 1)
    .map((s) => s.labels.version ?? '');
}

function aggregate(values: number[], how: 'min' | 'max' | 'sum' | 'avg'): number {
  if (how === 'min') return Math.min(...values);
  if (how === 'max') return Math.max(...values);
  const sum = values.reduce((a, b) => a + b, 0);
  return how === 'sum' ? sum : sum / values.length;
}

function seriesKey(s: Sample): string {
  return `${s.name}${JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
}

/** Each matching series with how much it grew since `before` (all of it when new or reset). */
function increases(
  now: MetricsPage,
  before: MetricsPage | undefined,
  pick: (s: Sample) => boolean,
): Array<[Sample, number]> {
  const earlier = new Map<string, number>();
  for (const s of before?.samples ?? []) if (pick(s)) earlier.set(seriesKey(s), s.value);
  const out: Array<[Sample, number]> = [];
  for (const s of now.samples) {
    if (!pick(s) || Number.isNaN(s.value)) continue;
    const prev = earlier.get(seriesKey(s));
    out.push([s, prev === undefined || s.value < prev ? s.value : s.value - prev]);
  }
  return out;
}

function sumIncrease(
  now: MetricsPage,
  before: MetricsPage | undefined,
  pick: (s: Sample) => boolean,
): number {
  return increases(now, before, pick).reduce((sum, [, d]) => sum + d, 0);
}

/**
 * Prometheus' histogram_quantile over cumulative buckets (upper bound, count), sorted by bound: linear
 * interpolation inside the bucket holding the rank; the lowest bucket starts at 0 when its bound is
 * positive; a rank in the +Inf bucket gives the highest finite bound. Undefined when nothing was observed.
 */
export function bucketQuantile(q: number, buckets: Array<[number, number]>): number | undefined {
  if (buckets.length < 2 || (buckets[buckets.length - 1] as [number, number])[0] !== Infinity)
    return undefined;
  const total = (buckets[buckets.length - 1] as [number, number])[1];
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let b = buckets.findIndex(([, count]) => count >= rank);
  if (b === buckets.length - 1) return (buckets[buckets.length - 2] as [number, number])[0];
  if (b < 0) b = buckets.length - 1;
  const [end, count] = buckets[b] as [number, number];
  let start = 0;
  let below = 0;
  if (b > 0) [start, below] = buckets[b - 1] as [number, number];
  else if (end <= 0) return end;
  const inBucket = count - below;
  if (inBucket <= 0) return end;
  return start + (end - start) * ((rank - below) / inBucket);
}

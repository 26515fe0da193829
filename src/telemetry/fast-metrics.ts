import type { Counter, Registry } from 'prom-client';

/**
 * Hot-path recording for prom-client metrics. prom-client validates and hashes the label values on every
 * `inc` and `observe`, even through a child from `labels()` (measured 1.5–2 µs each, three per request);
 * these record into plain numbers and hand the totals over when the registry is scraped.
 */

/** One counter child whose increments are kept as a number until the next scrape. */
export interface DeferredCount {
  /** Adds `n` (default 1). */
  inc(n?: number): void;
}

/**
 * Deferred children of a counter. Call `settle()` from the counter's `collect` (run by prom-client at
 * every scrape before it reads the values), so /metrics always shows every increment.
 */
export function createDeferredCounts<T extends string>(counter: Counter<T>) {
  const children = new Map<string, PendingCount>();
  return {
    /** The child kept under `key`, if made. */
    get(key: string): DeferredCount | undefined {
      return children.get(key);
    },
    /** Makes the child of these label values and keeps it under `key`. */
    make(key: string, labels: Partial<Record<T, string>>): DeferredCount {
      const child = new PendingCount(counter.labels(labels));
      children.set(key, child);
      return child;
    },
    settle(): void {
      for (const child of children.values()) child.settle();
    },
  };
}

class PendingCount implements DeferredCount {
  private pending = 0;
  constructor(private readonly child: { inc(n: number): void }) {}
  inc(n = 1): void {
    this.pending += n;
  }
  settle(): void {
    if (this.pending === 0) return;
    this.child.inc(this.pending);
    this.pending = 0;
  }
}

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket, not cumulative; the last slot is above the largest bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
}

/**
 * A histogram registered on a prom-client registry as a metric of its own: the exposition is prom-client's
 * (same lines as its Histogram, which a test holds), an observation is a bucket search and three additions.
 */
export class FastHistogram<T extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly T[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these label values (in `labelNames` order); keep it: looking it up costs a hash. */
  labels(...values: string[]): { observe(value: number): void } {
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] as string));
      s = { labels, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const series = s;
    const bounds = this.buckets;
    return {
      observe(value: number) {
        let i = 0;
        while (i < bounds.length && value > (bounds[i] as number)) i++;
        series.counts[i] = (series.counts[i] as number) + 1;
        series.sum += value;
        series.count++;
      },
    };
  }

  /** prom-client's text exposition reads this (the `le` label first, then the series labels). */
  async getForPromString() {
    const values: ValuePair[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  /** The JSON form (`registry.getMetricsAsJSON()`), labels merged as prom-client does. */
  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...sharedLabels, ...labels },
        value,
        metricName,
        // prom-client's buckets carry an (empty) exemplar slot; _sum and _count do not.
        ...(metricName === `${this.name}_bucket` ? { exemplar: null } : {}),
      })),
    };
  }

  reset(): void {
    this.series.clear();
  }
}

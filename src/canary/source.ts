import type { PolicyMetric } from './policy';

/** One reading of a metric: its number, or `undefined` when there was no data (empty result, NaN). */
export interface Observation {
  value: number | undefined;
  /** What was asked: the rendered PromQL, or the scrape computation. */
  query: string;
  /** Why there is no number, or how it was computed. */
  detail?: string;
}

/**
 * Where measurements come from: Prometheus' HTTP API or the canary's own /metrics page. A source throws
 * `TransientSourceError` for failures worth retrying (network, 5xx, a timed-out query) and an
 * `MlctlError` for those that retrying cannot fix (a query Prometheus rejects, bad credentials).
 */
export interface MetricsSource {
  readonly kind: 'prometheus' | 'scrape';
  /** Where it reads, safe to print (no credentials). */
  readonly location: string;
  /**
   * True when counters are measured as the change since the previous round (the /metrics source): the
   * first round then needs a whole interval after the baseline, whatever the initial delay.
   */
  readonly measuresOverInterval: boolean;
  /** Before the initial delay: a scrape source takes its baseline here. */
  begin(): Promise<void>;
  /** Before each round of measurements. */
  startRound(): void;
  measure(metric: PolicyMetric, variables: Record<string, string>): Promise<Observation>;
  /** After each round: a scrape source keeps the round's page as the next baseline. */
  endRound(): void;
  close(): Promise<void>;
}

export class TransientSourceError extends Error {
  override readonly name = 'TransientSourceError';
}

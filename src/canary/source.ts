import { MlctlError } from '../errors';
import { NOBODY_THERE, errorCodeIn } from '../io/network-errors';
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
  /**
   * False when nobody is there (connection refused, a host name that does not resolve): the source's own
   * retries stop at once, and a first contact fails within a second; the policy's error limit still
   * applies to a server that goes away during the analysis.
   */
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.retryable = options.retryable ?? true;
  }
}

/** The TransientSourceError for a request that failed before any answer. */
export function requestFailed(what: string, err: unknown): TransientSourceError {
  return new TransientSourceError(`${what}: ${(err as Error).message}`, {
    retryable: errorCodeIn(err, NOBODY_THERE) === undefined,
  });
}

/** Runs `attempt`, retrying a TransientSourceError up to `retries` times, 1 s, 2 s, 4 s … (at most 10 s) apart. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  retries: number,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof TransientSourceError) || !err.retryable || n >= retries) throw err;
      await sleep(Math.min(10_000, 1000 * 2 ** n));
    }
  }
}

/**
 * For a source's first contact, before any delay: a failure that outlived its retries means the canary
 * cannot be evaluated at all (exit 1), said at once rather than after the initial delay.
 */
export async function orCannotEvaluate<T>(first: Promise<T>, hint: string): Promise<T> {
  try {
    return await first;
  } catch (err) {
    if (!(err instanceof TransientSourceError)) throw err;
    throw new MlctlError('METRICS_QUERY_FAILED', `cannot evaluate the canary: ${err.message}`, { hint });
  }
}

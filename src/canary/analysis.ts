import { MlctlError } from '../errors';
import type { CanaryPolicy, PolicyMetric } from './policy';
import type { MetricsSource } from './source';
import { TransientSourceError } from './source';

export type Phase = 'successful' | 'failed' | 'inconclusive';

export interface Measurement {
  metric: string;
  /** 1-based. */
  round: number;
  at: string;
  /** Undefined when there was no data. */
  value?: number;
  phase: Phase;
  query: string;
  /** Why it failed or had no data. */
  detail?: string;
  /** Query errors retried before this measurement succeeded. */
  retries: number;
}

export interface MetricSummary {
  name: string;
  critical: boolean;
  condition: { min?: number; max?: number };
  noData: PolicyMetric['noData'];
  failureLimit: number;
  successful: number;
  failed: number;
  inconclusive: number;
  phase: Phase;
  /** Why the metric ended as it did, in words. */
  reason: string;
}

export interface AnalysisResult {
  outcome: Phase;
  rounds: number;
  /** True when a failure ended the analysis before `count` rounds. */
  stoppedEarly: boolean;
  metrics: MetricSummary[];
  measurements: Measurement[];
  /** One line per metric that decided the outcome. */
  reasons: string[];
}

export interface AnalysisDeps {
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** Called with each measurement as it is taken (the CLI prints it). */
  onMeasurement?: (m: Measurement) => void;
  /** Called before a wait, with its length and what it waits for. */
  onWait?: (ms: number, why: string) => void;
}

/** Argo retries a measurement that errored after 10 s (DefaultErrorRetryInterval). */
const ERROR_RETRY_MS = 10_000;

/**
 * The analysis, as Argo Rollouts runs it: wait `initialDelay`, then take `count` rounds of measurements
 * `interval` apart. A measurement outside its condition fails; no data follows the metric's `noData`. A
 * metric fails when its failures exceed its failure limit, at once when it is critical; any failed metric
 * ends the run early. After the last round the run is failed if a metric failed, inconclusive if a metric
 * had more no-data measurements than `inconclusiveLimit`, else successful. A query that errors is retried
 * (every 10 s at most) without using up a round; more than `consecutiveErrorLimit` errors in a row mean
 * the canary cannot be evaluated, which is an error, not a decision.
 */
export async function runAnalysis(
  policy: CanaryPolicy,
  source: MetricsSource,
  variables: Record<string, string>,
  deps: AnalysisDeps,
): Promise<AnalysisResult> {
  const summaries = policy.metrics.map((m) => newSummary(m, policy));
  const measurements: Measurement[] = [];
  await source.begin();
  // A source that measures counters over an interval needs one whole interval before its first round.
  const firstWait = source.measuresOverInterval
    ? Math.max(policy.initialDelayMs, policy.intervalMs)
    : policy.initialDelayMs;
  if (firstWait > 0) {
    deps.onWait?.(
      firstWait,
      firstWait > policy.initialDelayMs
        ? 'first interval (counters are measured over one interval)'
        : 'initial delay',
    );
    await deps.sleep(firstWait);
  }
  let rounds = 0;
  let stoppedEarly = false;
  for (let round = 1; round <= policy.count; round++) {
    if (round > 1) {
      deps.onWait?.(policy.intervalMs, `interval before measurement ${round} of ${policy.count}`);
      await deps.sleep(policy.intervalMs);
    }
    source.startRound();
    for (let i = 0; i < policy.metrics.length; i++) {
      const metric = policy.metrics[i] as PolicyMetric;
      const m = await measureWithRetries(metric, round, policy, source, variables, deps);
      measurements.push(m);
      record(summaries[i] as MetricSummary, m);
      deps.onMeasurement?.(m);
    }
    source.endRound();
    rounds = round;
    if (summaries.some((s) => hasFailed(s)) && round < policy.count) {
      stoppedEarly = true;
      break;
    }
  }
  for (const s of summaries) conclude(s, policy.inconclusiveLimit);
  const failed = summaries.filter((s) => s.phase === 'failed');
  const inconclusive = summaries.filter((s) => s.phase === 'inconclusive');
  const outcome: Phase =
    failed.length > 0 ? 'failed' : inconclusive.length > 0 ? 'inconclusive' : 'successful';
  const deciding = outcome === 'failed' ? failed : outcome === 'inconclusive' ? inconclusive : summaries;
  return {
    outcome,
    rounds,
    stoppedEarly,
    metrics: summaries,
    measurements,
    reasons: deciding.map((s) => `${s.name}: ${s.reason}`),
  };
}

/** Whether a value meets a condition (bounds inclusive). */
export function withinBounds(value: number, condition: { min?: number; max?: number }): boolean {
  if (condition.min !== undefined && !(value >= condition.min)) return false;
  if (condition.max !== undefined && !(value <= condition.max)) return false;
  return true;
}

export function describeCondition(condition: { min?: number; max?: number }): string {
  if (condition.min !== undefined && condition.max !== undefined)
    return `between ${condition.min} and ${condition.max}`;
  return condition.min !== undefined ? `≥ ${condition.min}` : `≤ ${condition.max}`;
}

async function measureWithRetries(
  metric: PolicyMetric,
  round: number,
  policy: CanaryPolicy,
  source: MetricsSource,
  variables: Record<string, string>,
  deps: AnalysisDeps,
): Promise<Measurement> {
  for (let errors = 0; ; errors++) {
    try {
      const obs = await source.measure(metric, variables);
      return {
        ...judge(metric, obs.value, obs.detail),
        metric: metric.name,
        round,
        at: deps.now().toISOString(),
        query: obs.query,
        retries: errors,
      };
    } catch (err) {
      if (!(err instanceof TransientSourceError)) throw err;
      if (errors >= policy.consecutiveErrorLimit) {
        throw new MlctlError(
          'METRICS_QUERY_FAILED',
          `cannot evaluate the canary: metric ${metric.name} failed ${errors + 1} times in a row (consecutiveErrorLimit ${policy.consecutiveErrorLimit}); last: ${err.message}`,
          {
            hint: `Check that ${source.location} is up and reachable from here; nothing was promoted or rolled back.`,
          },
        );
      }
      const wait = Math.min(ERROR_RETRY_MS, Math.max(policy.intervalMs, 1000));
      deps.onWait?.(wait, `retry of ${metric.name} after: ${err.message}`);
      await deps.sleep(wait);
    }
  }
}

function judge(
  metric: PolicyMetric,
  value: number | undefined,
  detail: string | undefined,
): Pick<Measurement, 'value' | 'phase' | 'detail'> {
  if (value === undefined) {
    const phase: Phase =
      metric.noData === 'fail' ? 'failed' : metric.noData === 'pass' ? 'successful' : 'inconclusive';
    return { phase, detail: `no data (${detail ?? 'empty result'}); noData: ${metric.noData}` };
  }
  if (withinBounds(value, metric.condition)) return { value, phase: 'successful' };
  return {
    value,
    phase: 'failed',
    detail: `${formatValue(value)} is not ${describeCondition(metric.condition)}`,
  };
}

export function formatValue(value: number | undefined): string {
  if (value === undefined) return 'no data';
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function newSummary(metric: PolicyMetric, policy: CanaryPolicy): MetricSummary {
  return {
    name: metric.name,
    critical: metric.critical,
    condition: metric.condition,
    noData: metric.noData,
    failureLimit: metric.critical ? 0 : (metric.failureLimit ?? policy.failureLimit),
    successful: 0,
    failed: 0,
    inconclusive: 0,
    phase: 'successful',
    reason: '',
  };
}

function record(s: MetricSummary, m: Measurement): void {
  s[m.phase] += 1;
}

function hasFailed(s: MetricSummary): boolean {
  return s.failed > s.failureLimit;
}

function conclude(s: MetricSummary, inconclusiveLimit: number): void {
  const total = s.successful + s.failed + s.inconclusive;
  const of = `${total} measurement${total === 1 ? '' : 's'}`;
  if (hasFailed(s)) {
    s.phase = 'failed';
    s.reason = s.critical
      ? `critical, and ${s.failed} of ${of} failed (must be ${describeCondition(s.condition)})`
      : `${s.failed} of ${of} failed, more than the failure limit ${s.failureLimit} (must be ${describeCondition(s.condition)})`;
  } else if (s.inconclusive > inconclusiveLimit) {
    s.phase = 'inconclusive';
    s.reason = `${s.inconclusive} of ${of} had no data (inconclusive limit ${inconclusiveLimit}): is the canary receiving the traffic this metric measures?`;
  } else {
    s.phase = 'successful';
    s.reason = `${s.successful} of ${of} passed (${describeCondition(s.condition)})${s.failed ? `, ${s.failed} failed within the limit ${s.failureLimit}` : ''}`;
  }
}

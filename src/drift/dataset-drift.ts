import { histogramOf } from './histogram';
import type { Histogram } from './histogram';
import { distinctUnion, sampleSize } from './sample';
import { STAT_TESTS, computeScore, selectStatTest } from './select-test';
import type { StatTestName } from './select-test';
import { psiTest } from './stats/psi';
import { asCategorical } from './table';
import type { ColumnKind, DriftTable, TableColumn } from './table';

export interface DriftOptions {
  /** Feature columns to compare; every column both sides share except target and prediction by default. */
  columns: readonly string[];
  /** `auto` picks Evidently's default per column; a name forces that test on every feature column. */
  stattest: 'auto' | StatTestName;
  /** Replaces the chosen test's default threshold. */
  threshold?: number;
  /** Dataset drift when the share of drifted columns is at least this. */
  driftShare: number;
  /** Bins for PSI / Jensen–Shannon on numbers (Sturges when unset) and for the report's histograms. */
  bins?: number;
  /** Fewer current values than this in any column: not evaluated. */
  minRows: number;
  predictionColumn: string;
}

export interface ColumnDrift {
  name: string;
  type: ColumnKind;
  /** Test name (`ks`, …) and Evidently's display name; null when not evaluated. */
  stattest: StatTestName | null;
  stattest_display: string | null;
  score: number | null;
  threshold: number | null;
  drift_detected: boolean | null;
  reference_rows: number;
  current_rows: number;
  /** Values dropped as missing, NaN, ±inf or unparseable. */
  reference_dropped: number;
  current_dropped: number;
  histogram: Histogram;
}

export interface PredictionDrift extends ColumnDrift {
  /** PSI of the predictions (Evidently's binning), and whether it reaches 0.1. */
  psi: number | null;
  psi_threshold: number;
}

export interface DriftAnalysis {
  status: 'drift' | 'no_drift' | 'not_evaluated';
  /** Why the run was not evaluated. */
  reason: string | null;
  dataset_drift: boolean | null;
  /** Share of drifted feature columns. */
  drift_share: number | null;
  drift_share_threshold: number;
  drifted_columns: number | null;
  number_of_columns: number;
  columns: ColumnDrift[];
  prediction: PredictionDrift | null;
}

export const PSI_THRESHOLD = 0.1;

/**
 * Compares every selected column of the current data with the reference, then applies Evidently's dataset
 * rule: drift when drifted columns / columns ≥ the drift share. With too few current values in any column
 * nothing is scored and the result says so — it is never reported as "no drift".
 */
export function analyseDrift(
  reference: DriftTable,
  current: DriftTable,
  options: DriftOptions,
): DriftAnalysis {
  const pairs = options.columns.map((name) => [col(reference, name), col(current, name)] as const);
  const short = pairs.filter(([, c]) => sampleSize(c.sample) < options.minRows);
  const emptyRef = pairs.filter(([r]) => sampleSize(r.sample) === 0);
  const reason =
    emptyRef.length > 0
      ? `reference column ${emptyRef.map(([r]) => r.name).join(', ')} has no values`
      : short.length > 0
        ? `too few current values: ${short.map(([, c]) => `${c.name} ${sampleSize(c.sample)}`).join(', ')} (--min-rows ${options.minRows})`
        : null;
  const evaluate = reason === null;
  const columns = pairs.map(([r, c]) =>
    compareColumn(r, c, evaluate ? options.stattest : null, options.threshold, options.bins),
  );
  const prediction = predictionDrift(reference, current, options, evaluate);
  if (!evaluate) {
    return {
      status: 'not_evaluated',
      reason,
      dataset_drift: null,
      drift_share: null,
      drift_share_threshold: options.driftShare,
      drifted_columns: null,
      number_of_columns: columns.length,
      columns,
      prediction,
    };
  }
  const drifted = columns.filter((c) => c.drift_detected).length;
  const share = columns.length ? drifted / columns.length : 0;
  const datasetDrift = columns.length > 0 && share >= options.driftShare;
  return {
    status: datasetDrift ? 'drift' : 'no_drift',
    reason: null,
    dataset_drift: datasetDrift,
    drift_share: share,
    drift_share_threshold: options.driftShare,
    drifted_columns: drifted,
    number_of_columns: columns.length,
    columns,
    prediction,
  };
}

function col(table: DriftTable, name: string): TableColumn {
  const c = table.columns.get(name);
  if (!c) throw new Error(`column ${name} was not read`);
  return c;
}

function compareColumn(
  reference: TableColumn,
  current: TableColumn,
  stattest: 'auto' | StatTestName | null,
  threshold: number | undefined,
  bins: number | undefined,
): ColumnDrift {
  const base = {
    name: reference.name,
    type: reference.sample.kind,
    reference_rows: sampleSize(reference.sample),
    current_rows: sampleSize(current.sample),
    reference_dropped: reference.dropped,
    current_dropped: current.dropped,
    histogram: histogramOf(reference.sample, current.sample, bins),
  };
  if (stattest === null) {
    return {
      ...base,
      stattest: null,
      stattest_display: null,
      score: null,
      threshold: null,
      drift_detected: null,
    };
  }
  const test = stattest === 'auto' ? selectStatTest(reference.sample, current.sample) : stattest;
  const spec = STAT_TESTS[test];
  const limit = threshold ?? spec.defaultThreshold;
  const score = computeScore(test, reference.sample, current.sample, bins);
  return {
    ...base,
    stattest: test,
    stattest_display: spec.display,
    score,
    threshold: limit,
    drift_detected: spec.drifted(score, limit),
  };
}

/**
 * The prediction column, typed as Evidently types it — categorical for a classifier's labels, numerical
 * for a regression output (numbers with more than 5 distinct values, or fractions in [0, 1]) — tested with
 * the default test for that type, plus PSI.
 */
function predictionDrift(
  reference: DriftTable,
  current: DriftTable,
  options: DriftOptions,
  evaluate: boolean,
): PredictionDrift | null {
  let r = reference.columns.get(options.predictionColumn);
  let c = current.columns.get(options.predictionColumn);
  if (!r || !c) return null;
  if (r.sample.kind === 'numerical' && c.sample.kind === 'numerical' && !isRegressionOutput(r, c)) {
    r = asCategorical(r);
    c = asCategorical(c);
  }
  const enough = evaluate && sampleSize(r.sample) > 0 && sampleSize(c.sample) > 0;
  const drift = compareColumn(r, c, enough ? 'auto' : null, undefined, options.bins);
  return {
    ...drift,
    psi: enough ? psiTest(r.sample, c.sample, options.bins) : null,
    psi_threshold: PSI_THRESHOLD,
  };
}

function isRegressionOutput(r: TableColumn, c: TableColumn): boolean {
  if (r.sample.kind !== 'numerical' || c.sample.kind !== 'numerical') return false;
  if (distinctUnion(r.sample, c.sample) > 5) return true;
  const integral = r.sample.integral && c.sample.integral;
  const values = [r.sample.sorted, c.sample.sorted];
  const within01 = values.every(
    (v) => v.length === 0 || ((v[0] as number) >= 0 && (v[v.length - 1] as number) <= 1),
  );
  return !integral && within01;
}

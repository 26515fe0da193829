import { Counter, Gauge, Registry } from 'prom-client';
import type { DriftResult } from './run-drift';

/** The drift metrics of DESIGN.md on a registry of their own (no global state). */
export interface DriftMetrics {
  readonly registry: Registry;
  /** Publishes a completed run: scores and verdicts replace the previous run's. */
  recordRun(result: DriftResult, finishedAtMs: number): void;
  /** Counts a failed run; the previous results stay published. */
  recordFailure(): void;
}

export function createDriftMetrics(registry = new Registry()): DriftMetrics {
  const opts = { registers: [registry] };
  const datasetStatus = new Gauge({
    name: 'ml_data_drift_status',
    help: 'Dataset drift of the last evaluated run: 1 drift, 0 no drift, NaN not evaluated (too few rows).',
    ...opts,
  });
  const share = new Gauge({
    name: 'ml_data_drift_share',
    help: 'Share of the evaluated feature columns with drift in the last run (NaN when none was evaluated).',
    ...opts,
  });
  const featureScore = new Gauge({
    name: 'ml_feature_drift_score',
    help: 'Drift score per feature: a p-value (ks, chisquare, z) or a distance (wasserstein, jensenshannon, psi).',
    labelNames: ['feature', 'test'] as const,
    ...opts,
  });
  const featureStatus = new Gauge({
    name: 'ml_feature_drift_status',
    help: 'Drift per feature in the last run: 1 drift, 0 no drift (a feature not evaluated has no series).',
    labelNames: ['feature'] as const,
    ...opts,
  });
  const missingShare = new Gauge({
    name: 'ml_feature_missing_share',
    help: 'Share of missing cells per feature in the last run, for the reference and the current data.',
    labelNames: ['feature', 'dataset'] as const,
    ...opts,
  });
  const predictionPsi = new Gauge({
    name: 'ml_prediction_psi',
    help: 'Population stability index of the prediction column (Evidently binning); NaN when not evaluated.',
    ...opts,
  });
  const predictionStatus = new Gauge({
    name: 'ml_prediction_drift_status',
    help: 'Drift of the prediction column by its default test: 1 drift, 0 no drift, NaN not evaluated.',
    ...opts,
  });
  const lastRun = new Gauge({
    name: 'ml_drift_last_run_timestamp_seconds',
    help: 'Unix time of the last drift run that completed (evaluated or not evaluated).',
    ...opts,
  });
  const currentRows = new Gauge({
    name: 'ml_drift_current_rows',
    help: 'Rows of current data in the last completed run.',
    ...opts,
  });
  const runs = new Counter({
    name: 'ml_drift_runs_total',
    help: 'Drift runs by result: drift, no_drift, not_evaluated, error.',
    labelNames: ['result'] as const,
    ...opts,
  });
  for (const result of ['drift', 'no_drift', 'not_evaluated', 'error']) runs.inc({ result }, 0);

  return {
    registry,
    recordRun(result, finishedAtMs) {
      const evaluated = result.status !== 'not_evaluated';
      datasetStatus.set(evaluated ? (result.dataset_drift ? 1 : 0) : Number.NaN);
      share.set(result.drift_share ?? Number.NaN);
      featureScore.reset();
      featureStatus.reset();
      missingShare.reset();
      for (const c of result.columns) {
        if (c.reference_missing_share !== null)
          missingShare.set({ feature: c.name, dataset: 'reference' }, c.reference_missing_share);
        if (c.current_missing_share !== null)
          missingShare.set({ feature: c.name, dataset: 'current' }, c.current_missing_share);
        if (c.score === null || c.stattest === null) continue;
        featureScore.set({ feature: c.name, test: c.stattest }, c.score);
        featureStatus.set({ feature: c.name }, c.drift_detected ? 1 : 0);
      }
      predictionPsi.set(result.prediction?.psi ?? Number.NaN);
      const pd = result.prediction?.drift_detected;
      predictionStatus.set(pd === null || pd === undefined ? Number.NaN : pd ? 1 : 0);
      lastRun.set(finishedAtMs / 1000);
      currentRows.set(result.current.rows);
      runs.inc({ result: result.status });
    },
    recordFailure() {
      runs.inc({ result: 'error' });
    },
  };
}

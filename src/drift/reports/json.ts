import type { ColumnDrift } from '../dataset-drift';
import type { DriftResult } from '../run-drift';

type JsonColumn = Omit<ColumnDrift, 'histogram' | 'stattest_display'>;

/** A JSON-safe number: NaN and ±inf (possible p-values / distances) become null. */
const num = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);

function column(c: ColumnDrift): JsonColumn {
  return {
    name: c.name,
    type: c.type,
    stattest: c.stattest,
    score: num(c.score),
    threshold: c.threshold,
    drift_detected: c.drift_detected,
    reference_rows: c.reference_rows,
    current_rows: c.current_rows,
    reference_dropped: c.reference_dropped,
    current_dropped: c.current_dropped,
  };
}

/**
 * The machine-readable report: Evidently's dataset summary (dataset_drift, drift_share = share of drifted
 * columns, drifted_columns, number_of_columns), one entry per column, the prediction column separately.
 * Histograms stay out (they are for the HTML report).
 */
export function toDriftJson(result: DriftResult): unknown {
  return {
    status: result.status,
    reason: result.reason,
    dataset_drift: result.dataset_drift,
    drift_share: num(result.drift_share),
    drift_share_threshold: result.drift_share_threshold,
    drifted_columns: result.drifted_columns,
    number_of_columns: result.number_of_columns,
    columns: result.columns.map(column),
    prediction: result.prediction
      ? {
          ...column(result.prediction),
          psi: num(result.prediction.psi),
          psi_threshold: result.prediction.psi_threshold,
        }
      : null,
    stattest: result.stattest,
    min_rows: result.min_rows,
    reference: result.reference,
    current: result.current,
    evaluated_at: result.evaluated_at,
  };
}

import type { ColumnDrift } from '../dataset-drift';
import type { DriftResult } from '../run-drift';

/** A JSON-safe number: NaN and ±inf (possible p-values / distances) become null. */
const num = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);

function column(c: ColumnDrift): Record<string, unknown> {
  return {
    name: c.name,
    type: c.type,
    type_rule: c.type_rule,
    status: c.status,
    reason: c.reason,
    stattest: c.stattest,
    score: num(c.score),
    threshold: c.threshold,
    drift_detected: c.drift_detected,
    reference_rows: c.reference_rows,
    current_rows: c.current_rows,
    reference_missing: c.reference_missing,
    current_missing: c.current_missing,
    reference_missing_share: c.reference_missing_share,
    current_missing_share: c.current_missing_share,
    reference_non_numeric: c.reference_non_numeric,
    current_non_numeric: c.current_non_numeric,
  };
}

/**
 * The machine-readable report: Evidently's dataset summary (dataset_drift, drift_share = share of drifted
 * columns among those evaluated, drifted_columns, number_of_columns evaluated), one entry per column —
 * type, test, verdict or why not evaluated, missing and non-numeric values — and the prediction column
 * separately. Histograms stay out (they are for the HTML report).
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
    not_evaluated_columns: result.not_evaluated_columns,
    column_typing: result.column_typing,
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

import { compareColumn } from './compare/column';
import type { ColumnDrift, CompareOptions } from './compare/column';
import type { ReferenceProfile } from './profile/profile';
import type { ColumnTyping } from './typing';
import type { ColumnSide } from './values/column-side';

export type { ColumnDrift } from './compare/column';

export interface DriftOptions extends CompareOptions {
  /** Feature columns to compare. */
  columns: readonly string[];
  /** Dataset drift when the share of drifted columns is at least this. */
  driftShare: number;
  predictionColumn: string;
}

export interface PredictionDrift extends ColumnDrift {
  /** The PSI level read as a warning (0.1). */
  psi_threshold: number;
}

export interface DriftAnalysis {
  /** `not_evaluated` only when no column could be evaluated. */
  status: 'drift' | 'no_drift' | 'not_evaluated';
  /** Why nothing was evaluated. */
  reason: string | null;
  dataset_drift: boolean | null;
  /** Share of drifted columns among the evaluated ones. */
  drift_share: number | null;
  drift_share_threshold: number;
  drifted_columns: number | null;
  /** Columns evaluated (the share's denominator). */
  number_of_columns: number;
  /** Columns compared but not evaluated (each says why). */
  not_evaluated_columns: number;
  column_typing: ColumnTyping;
  columns: ColumnDrift[];
  prediction: PredictionDrift | null;
}

export const PSI_THRESHOLD = 0.1;

/**
 * Compares every selected column with the reference, then applies Evidently's dataset rule — drift when
 * drifted columns / columns ≥ the drift share — over the columns that could be evaluated. A column that
 * cannot be (no values on a side, too few current values, identifier-like text) is reported with its
 * reason and left out of the share; the run is "not evaluated" only when no column is left.
 */
export function analyseDrift(
  reference: ReferenceProfile,
  current: ReadonlyMap<string, ColumnSide>,
  options: DriftOptions,
): DriftAnalysis {
  const columns = options.columns.map((name) =>
    compareColumn(side(reference.columns, name), side(current, name), options),
  );
  const p = options.predictionColumn;
  // The prediction always gets its default test and threshold: --stattest and --threshold are for features.
  const predictionOptions = { ...options, stattest: 'auto' as const, threshold: undefined };
  const prediction =
    reference.columns.has(p) && current.has(p)
      ? {
          ...compareColumn(side(reference.columns, p), side(current, p), predictionOptions),
          psi_threshold: PSI_THRESHOLD,
        }
      : null;
  const evaluated = columns.filter((c) => c.status !== 'not_evaluated');
  const notEvaluated = columns.length - evaluated.length;
  const common = {
    drift_share_threshold: options.driftShare,
    number_of_columns: evaluated.length,
    not_evaluated_columns: notEvaluated,
    column_typing: options.typing,
    columns,
    prediction,
  };
  if (evaluated.length === 0) {
    const reasons = columns.map((c) => `${c.name}: ${c.reason}`);
    return {
      ...common,
      status: 'not_evaluated',
      reason: columns.length
        ? `no column could be evaluated (${reasons.join('; ')})`
        : 'no columns to compare',
      dataset_drift: null,
      drift_share: null,
      drifted_columns: null,
    };
  }
  const drifted = evaluated.filter((c) => c.drift_detected).length;
  const share = drifted / evaluated.length;
  const datasetDrift = share >= options.driftShare;
  return {
    ...common,
    status: datasetDrift ? 'drift' : 'no_drift',
    reason: null,
    dataset_drift: datasetDrift,
    drift_share: share,
    drifted_columns: drifted,
  };
}

function side<T>(columns: ReadonlyMap<string, T>, name: string): T {
  const c = columns.get(name);
  if (!c) throw new Error(`column ${name} was not read`);
  return c;
}

import { MlctlError } from '../../errors';
import type { Histogram } from '../histogram';
import { EMPTY_HISTOGRAM } from '../histogram';
import type { ReferenceColumn } from '../profile/profile';
import { STAT_TESTS, selectStatTest } from '../select-test';
import type { ColumnKind, StatTestName } from '../select-test';
import { ksTest } from '../stats/ks';
import { chi2Sf } from '../stats/special';
import { normedWasserstein } from '../stats/wasserstein';
import { zTestPValue } from '../stats/ztest';
import type { ColumnType, ColumnTyping, Typed } from '../typing';
import { valueKind } from '../typing';
import type { ColumnSide } from '../values/column-side';
import { compareNumbers } from './numbers';
import type { CountStatsResult } from './count-stats';
import { compareTexts } from './texts';

export interface CompareOptions {
  typing: ColumnTyping;
  /** `auto` picks Evidently's default per column; a name forces that test. */
  stattest: 'auto' | StatTestName;
  /** Replaces the chosen test's default threshold. */
  threshold?: number;
  /** Bins for PSI / Jensen–Shannon on numbers (Sturges when unset) and for the report's histograms. */
  bins?: number;
  /** Fewer current values than this: the column is not evaluated. */
  minRows: number;
}

/** One column compared: its type and test, or why it was not evaluated; its missing and odd values. */
export interface ColumnDrift {
  name: string;
  /** null when neither side holds a value. */
  type: ColumnType | null;
  /** How the type was decided (typing.ts). */
  type_rule: string;
  status: 'drift' | 'no_drift' | 'not_evaluated';
  /** Why the column was not evaluated. */
  reason: string | null;
  stattest: StatTestName | null;
  stattest_display: string | null;
  score: number | null;
  threshold: number | null;
  drift_detected: boolean | null;
  /** Values compared (missing and non-numeric cells left out). */
  reference_rows: number;
  current_rows: number;
  reference_missing: number;
  current_missing: number;
  /** Missing cells / cells; null when the side has no cell at all. */
  reference_missing_share: number | null;
  current_missing_share: number | null;
  /** Cells of a numeric column that are not numbers (typos such as "?"), left out of the test. */
  reference_non_numeric: number;
  current_non_numeric: number;
  /** PSI with Evidently's binning (reported for the prediction column). */
  psi: number | null;
  histogram: Histogram;
}

/** What a comparison measured, for scoring whichever test applies. */
export interface Measured {
  type: ColumnKind;
  nReference: number;
  nCurrent: number;
  distinct: number;
  perValue: CountStatsResult;
  /** Evidently's Sturges bins, used for numerical columns with more than 20 distinct reference values. */
  binned?: CountStatsResult;
  ksStatistic?: number;
  wasserstein?: number;
  referenceStd?: number;
}

/** Compares one column of the current data with the reference profile's. */
export function compareColumn(
  reference: ReferenceColumn,
  current: ColumnSide,
  options: CompareOptions,
): ColumnDrift {
  const kind = valueKind(reference, current);
  if (kind === 'numbers') return compareNumbers(reference, current, options);
  if (kind === 'texts') return compareTexts(reference, current, options);
  return notEvaluated(
    base(reference, current, { type: 'numerical', rule: 'no values' }, 0, 0),
    null,
    'no values in either data set',
  );
}

/** The fields every outcome shares. */
export function base(
  reference: ColumnSide,
  current: ColumnSide,
  typed: Typed,
  nonNumeric: number,
  currentNonNumeric: number,
): Omit<
  ColumnDrift,
  | 'status'
  | 'reason'
  | 'stattest'
  | 'stattest_display'
  | 'score'
  | 'threshold'
  | 'drift_detected'
  | 'psi'
  | 'histogram'
  | 'reference_rows'
  | 'current_rows'
> {
  const share = (side: ColumnSide): number | null => (side.rows ? side.missing / side.rows : null);
  return {
    name: reference.name,
    type: typed.type,
    type_rule: typed.rule,
    reference_missing: reference.missing,
    current_missing: current.missing,
    reference_missing_share: share(reference),
    current_missing_share: share(current),
    reference_non_numeric: nonNumeric,
    current_non_numeric: currentNonNumeric,
  };
}

/** A column that could not be compared, and why. */
export function notEvaluated(
  fields: ReturnType<typeof base>,
  type: ColumnType | null,
  reason: string,
  extra: { reference_rows?: number; current_rows?: number; histogram?: Histogram } = {},
): ColumnDrift {
  return {
    ...fields,
    type,
    status: 'not_evaluated',
    reason,
    stattest: null,
    stattest_display: null,
    score: null,
    threshold: null,
    drift_detected: null,
    reference_rows: extra.reference_rows ?? 0,
    current_rows: extra.current_rows ?? 0,
    psi: null,
    histogram: extra.histogram ?? EMPTY_HISTOGRAM,
  };
}

/** Runs the chosen (or default) test on what was measured and applies its threshold. */
export function scoreColumn(
  name: string,
  measured: Measured,
  options: CompareOptions,
): Pick<
  ColumnDrift,
  'stattest' | 'stattest_display' | 'score' | 'threshold' | 'drift_detected' | 'status' | 'psi'
> {
  const test =
    options.stattest === 'auto'
      ? selectStatTest(measured.type, measured.nReference, measured.distinct)
      : options.stattest;
  const spec = STAT_TESTS[test];
  if (!spec.types.includes(measured.type)) {
    throw new MlctlError('USAGE', `--stattest ${test} needs numerical columns; ${name} is ${measured.type}`, {
      hint: 'Pick a test that takes categories (chisquare, z, jensenshannon, psi), or leave the column out with --columns.',
    });
  }
  const score = computeScore(test, measured);
  const threshold = options.threshold ?? spec.defaultThreshold;
  const drifted = spec.drifted(score, threshold);
  return {
    stattest: test,
    stattest_display: spec.display,
    score,
    threshold,
    drift_detected: drifted,
    status: drifted ? 'drift' : 'no_drift',
    psi: binsFor(measured).psi,
  };
}

/** Evidently's `get_binned_data`: Sturges bins for numerical columns with > 20 reference values, else per value. */
function binsFor(m: Measured): CountStatsResult {
  return m.type === 'numerical' && m.binned ? m.binned : m.perValue;
}

function computeScore(test: StatTestName, m: Measured): number {
  switch (test) {
    case 'ks':
      return ksTest(m.nReference, m.nCurrent, m.ksStatistic!).pvalue;
    case 'wasserstein':
      return normedWasserstein(m.wasserstein!, m.referenceStd!);
    case 'chisquare':
      return chi2Sf(m.perValue.chiSquare, m.perValue.dof);
    case 'z':
      return zTestPValue(
        m.perValue.keys,
        { reference: m.perValue.firstReference, current: m.perValue.firstCurrent },
        { reference: m.nReference, current: m.nCurrent },
      );
    case 'jensenshannon':
      return binsFor(m).jensenShannon;
    case 'psi':
      return binsFor(m).psi;
  }
}

import { binsHistogram, chartEdges, valuesHistogram } from '../histogram';
import type { Histogram } from '../histogram';
import type { ReferenceColumn } from '../profile/profile';
import { equalWidthEdges, sturgesBinCount } from '../stats/binning';
import { isIntegerColumn, numberType } from '../typing';
import type { ColumnSide } from '../values/column-side';
import { openRuns } from '../values/runs';
import { base, notEvaluated, scoreColumn } from './column';
import type { ColumnDrift, CompareOptions } from './column';
import { numericPass } from './numeric-pass';
import type { NumericPassResult } from './numeric-pass';

/** Distinct values up to which any numeric column is drawn as bars, one per value. */
const FEW_VALUES = 12;

/**
 * A column compared as numbers: one pass over both sides' sorted values gives every statistic; the type
 * (numerical, or categorical for a complete integer column of few values) then picks the test.
 */
export function compareNumbers(
  reference: ReferenceColumn,
  current: ColumnSide,
  options: CompareOptions,
): ColumnDrift {
  const nR = reference.numbers.count;
  const nC = current.numbers.count;
  const sides = [reference, current].filter((s) => s.numbers.count > 0);
  const min = Math.min(...sides.map((s) => s.numbers.min));
  const max = Math.max(...sides.map((s) => s.numbers.max));
  const integral = isIntegerColumn(reference) && isIntegerColumn(current);
  const stats = reference.numberStats;
  const testEdges =
    stats && stats.distinct > 20 && nC > 0
      ? equalWidthEdges(min, max, options.bins ?? sturgesBinCount(min, max, nR + nC, integral))
      : undefined;
  const chart = chartEdges(min, max, nR + nC, options.bins, stats?.quantiles);
  const referenceCursor = openRuns(reference.numbers.runs);
  const currentCursor = openRuns(current.numbers.runs);
  let pass: NumericPassResult;
  try {
    // An empty side still gets a pass (for the other side's chart); its shares are never used.
    pass = numericPass(referenceCursor, currentCursor, {
      nReference: Math.max(nR, 1),
      nCurrent: Math.max(nC, 1),
      testEdges,
      chartEdges: chart.edges,
    });
  } finally {
    referenceCursor.close();
    currentCursor.close();
  }
  const typed = numberType(options.typing, current, pass.currentDistinct);
  const fields = base(reference, current, typed, reference.texts.total, current.texts.total);
  const n = { reference: nR, current: nC };
  const histogram = chooseHistogram(pass, typed.type === 'categorical' || integral, chart, n);
  const counted = { reference_rows: nR, current_rows: nC, histogram };
  if (nR === 0) return notEvaluated(fields, typed.type, nonNumericReason('reference', reference), counted);
  if (nC === 0) return notEvaluated(fields, typed.type, nonNumericReason('current data', current), counted);
  if (nC < options.minRows) {
    return notEvaluated(
      fields,
      typed.type,
      `${nC} current value${nC === 1 ? '' : 's'}, fewer than --min-rows ${options.minRows}`,
      counted,
    );
  }
  const verdict = scoreColumn(
    reference.name,
    {
      type: typed.type === 'categorical' ? 'categorical' : 'numerical',
      nReference: nR,
      nCurrent: nC,
      distinct: pass.distinct,
      perValue: pass.perValue,
      binned: pass.binned,
      ksStatistic: pass.ksStatistic,
      wasserstein: pass.wasserstein,
      referenceStd: stats?.std,
    },
    options,
  );
  return { ...fields, ...verdict, reason: null, ...counted };
}

function nonNumericReason(which: string, side: ColumnSide): string {
  const odd = side.texts.total;
  return odd > 0
    ? `no numbers in the ${which} (${odd} non-numeric value${odd === 1 ? '' : 's'})`
    : `no values in the ${which}`;
}

/** Bars per value for categorical and integer columns (and any column of very few values), else bins. */
function chooseHistogram(
  pass: NumericPassResult,
  discrete: boolean,
  chart: { edges: Float64Array; scale: 'linear' | 'log' },
  n: { reference: number; current: number },
): Histogram {
  const bars = pass.bars;
  if (bars && (discrete || bars.values.length <= FEW_VALUES)) {
    return valuesHistogram(bars.values.map(String), bars.reference, bars.current, n);
  }
  return binsHistogram(chart.edges, chart.scale, pass.chart, n);
}

import type { ValueCursor } from '../values/runs';
import { Accumulator } from './accumulator';
import { CountStats } from './count-stats';
import type { CountStatsResult } from './count-stats';

/** Distinct values a column may have to be drawn as one bar per value. */
export const MAX_BARS = 40;

export interface NumericPassPlan {
  /** Values on each side (finite numbers). */
  nReference: number;
  nCurrent: number;
  /** Bin edges for PSI and Jensen–Shannon (Sturges or --bins), when the reference has more than 20 values. */
  testEdges?: Float64Array;
  /** The report's histogram edges. */
  chartEdges: Float64Array;
}

export interface NumericPassResult {
  /** Distinct values of reference ∪ current, and of current alone. */
  distinct: number;
  currentDistinct: number;
  /** sup |F_ref − F_cur| (right-continuous empirical CDFs). */
  ksStatistic: number;
  /** ∫ |F_ref − F_cur| dx, the first Wasserstein distance. */
  wasserstein: number;
  /** Count-based statistics with one bin per distinct value. */
  perValue: CountStatsResult;
  /** The same over `testEdges`, when given. */
  binned?: CountStatsResult;
  /** Histogram counts over `chartEdges`. */
  chart: { reference: Float64Array; current: Float64Array };
  /** Each distinct value with its counts, while there are at most MAX_BARS. */
  bars: { values: number[]; reference: number[]; current: number[] } | null;
}

/**
 * Walks both sides' sorted distinct values once, in value order, and computes everything the numeric
 * tests and the report need: the K-S statistic and the Wasserstein distance exactly (they need the values
 * in order, which the sorted runs give without holding rows), per-value and per-bin counts for
 * chi-square, z, Jensen–Shannon and PSI, and the report's histogram.
 */
export function numericPass(
  reference: ValueCursor,
  current: ValueCursor,
  plan: NumericPassPlan,
): NumericPassResult {
  const { nReference: n1, nCurrent: n2, testEdges, chartEdges } = plan;
  const perValue = new CountStats(n1, n2);
  const testBins = testEdges ? new Bins(testEdges) : undefined;
  const chartBins = new Bins(chartEdges);
  const wasserstein = new Accumulator();
  let bars: NumericPassResult['bars'] = { values: [], reference: [], current: [] };
  let distinct = 0;
  let currentDistinct = 0;
  let i = 0;
  let j = 0;
  let diff = 0;
  let previous = 0;
  let maxUp = 0;
  let maxDown = 0;
  let hasR = reference.next();
  let hasC = current.next();
  while (hasR || hasC) {
    const v = !hasC || (hasR && reference.value <= current.value) ? reference.value : current.value;
    let r = 0;
    let c = 0;
    if (hasR && reference.value === v) {
      r = reference.count;
      hasR = reference.next();
    }
    if (hasC && current.value === v) {
      c = current.count;
      hasC = current.next();
      currentDistinct++;
    }
    if (diff !== 0) wasserstein.add(Math.abs(diff) * (v - previous));
    i += r;
    j += c;
    diff = i / n1 - j / n2;
    if (diff > maxUp) maxUp = diff;
    if (-diff > maxDown) maxDown = -diff;
    perValue.add(r, c);
    testBins?.add(v, r, c);
    chartBins.add(v, r, c);
    if (bars) {
      if (bars.values.length < MAX_BARS) {
        bars.values.push(v);
        bars.reference.push(r);
        bars.current.push(c);
      } else bars = null;
    }
    previous = v;
    distinct++;
  }
  return {
    distinct,
    currentDistinct,
    ksStatistic: Math.min(1, Math.max(maxUp, maxDown)),
    wasserstein: wasserstein.value,
    perValue: perValue.result(),
    binned: testBins?.stats(n1, n2),
    chart: { reference: chartBins.reference, current: chartBins.current },
    bars,
  };
}

/**
 * Counts per bin of ascending values: [eᵢ, eᵢ₊₁), the last bin closed — numpy's `histogram` with explicit
 * edges. Values arrive in order, so the bin only ever moves forward.
 */
class Bins {
  readonly reference: Float64Array;
  readonly current: Float64Array;
  private bin = 0;

  constructor(private readonly edges: Float64Array) {
    this.reference = new Float64Array(Math.max(edges.length - 1, 0));
    this.current = new Float64Array(Math.max(edges.length - 1, 0));
  }

  add(v: number, r: number, c: number): void {
    const last = this.reference.length - 1;
    if (last < 0 || v < this.edges[0]! || v > this.edges[last + 1]!) return;
    while (this.bin < last && v >= this.edges[this.bin + 1]!) this.bin++;
    this.reference[this.bin]! += r;
    this.current[this.bin]! += c;
  }

  stats(n1: number, n2: number): CountStatsResult {
    const s = new CountStats(n1, n2);
    for (let k = 0; k < this.reference.length; k++) s.add(this.reference[k]!, this.current[k]!);
    return s.result();
  }
}

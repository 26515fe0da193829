import { distinctCount, pairCounts } from '../sample';
import type { Sample } from '../sample';

/** Bin edges as numpy's `histogram_bin_edges` computes them for equal-width bins. */
export function equalWidthEdges(min: number, max: number, bins: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    // numpy widens an empty range to avoid dividing by zero.
    first -= 0.5;
    last += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/**
 * The number of bins numpy's `bins="sturges"` gives `size` values spanning [min, max]: the width is
 * range / (log2(size) + 1), at least 1 for integer data, and the count is range / width rounded up.
 */
export function sturgesBinCount(min: number, max: number, size: number, integral: boolean): number {
  let width = (max - min) / (Math.log2(size) + 1);
  if (width === 0) return 1;
  if (integral && width < 1) width = 1;
  const [first, last] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  return Math.ceil((last - first) / width);
}

/** Index of the first element ≥ v (side="left") or > v (side="right") in a sorted array. */
export function searchSorted(a: Float64Array, v: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[mid] as number;
    if (x < v || (side === 'right' && x === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy `histogram(a, edges)` counts: [eᵢ, eᵢ₊₁) except the last bin, which includes its right edge. */
export function histogramCounts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let start = searchSorted(sorted, edges[0] as number, 'left');
  for (let i = 0; i < bins; i++) {
    const end = searchSorted(sorted, edges[i + 1] as number, i === bins - 1 ? 'right' : 'left');
    counts[i] = end - start;
    start = end;
  }
  return counts;
}

export interface BinnedShares {
  reference: Float64Array;
  current: Float64Array;
  /** Numerical: the bin edges; per-value binning: the values. */
  edges?: Float64Array;
  keys?: Array<number | string>;
}

/**
 * Evidently's `get_binned_data`, shared by PSI and Jensen–Shannon: a numerical column with more than 20
 * distinct reference values is cut into Sturges bins over both samples together (`bins` replaces the
 * Sturges count when given — Evidently ignores its own n_bins); anything else gets one bin per value.
 * Shares are counts / sample size. With `fillZeros` (PSI), an empty bin on a side becomes that side's
 * smallest non-zero share / 10⁶ when that share is ≤ 0.0001, else 0.0001.
 */
export function binnedShares(
  reference: Sample,
  current: Sample,
  options: { fillZeros: boolean; bins?: number },
): BinnedShares {
  let out: BinnedShares;
  if (reference.kind === 'numerical' && current.kind === 'numerical' && distinctCount(reference) > 20) {
    const a = reference.sorted;
    const b = current.sorted;
    const min = Math.min(a[0] as number, b[0] as number);
    const max = Math.max(a[a.length - 1] as number, b[b.length - 1] as number);
    const integral = reference.integral && current.integral;
    const bins = options.bins ?? sturgesBinCount(min, max, a.length + b.length, integral);
    const edges = equalWidthEdges(min, max, bins);
    out = {
      reference: scale(histogramCounts(a, edges), a.length),
      current: scale(histogramCounts(b, edges), b.length),
      edges,
    };
  } else {
    const counts = pairCounts(reference, current);
    out = {
      reference: scale(counts.reference, sum(counts.reference)),
      current: scale(counts.current, sum(counts.current)),
      keys: counts.keys,
    };
  }
  if (options.fillZeros) {
    fillZeroShares(out.reference);
    fillZeroShares(out.current);
  }
  return out;
}

function fillZeroShares(shares: Float64Array): void {
  let minNonZero = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s !== 0 && s < minNonZero) minNonZero = s;
  const fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = fill;
}

function scale(counts: Float64Array, n: number): Float64Array {
  for (let i = 0; i < counts.length; i++) (counts[i] as number) /= n;
  return counts;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

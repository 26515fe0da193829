import { Accumulator } from '../compare/accumulator';
import { numericPass } from '../compare/numeric-pass';
import { sortedCursor } from '../values/runs';

/**
 * First Wasserstein (earth mover's) distance between two samples: ∫ |F₁(x) − F₂(x)| dx, summed exactly
 * over the pooled sorted values (scipy's `wasserstein_distance` for 1-D samples).
 */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0)
    throw new RangeError('wassersteinDistance needs two non-empty samples');
  return numericPass(sortedCursor(a), sortedCursor(b), {
    nReference: a.length,
    nCurrent: b.length,
    chartEdges: new Float64Array(0),
  }).wasserstein;
}

/** Population standard deviation (ddof = 0) of values given as pairs [v, count, …], two passes. */
export function pairsStandardDeviation(pairs: Float64Array): number {
  const sum = new Accumulator();
  let n = 0;
  for (let k = 0; k < pairs.length; k += 2) {
    sum.add(pairs[k]! * pairs[k + 1]!);
    n += pairs[k + 1]!;
  }
  const mean = sum.value / n;
  const squares = new Accumulator();
  for (let k = 0; k < pairs.length; k += 2) {
    const d = pairs[k]! - mean;
    squares.add(d * d * pairs[k + 1]!);
  }
  return Math.sqrt(squares.value / n);
}

/**
 * Evidently's `wasserstein` score: the distance divided by the reference's standard deviation, which is
 * floored at 0.001 so a constant reference does not divide by zero.
 */
export function normedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, 0.001);
}

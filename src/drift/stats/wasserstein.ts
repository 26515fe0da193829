import { Accumulator } from '../compare/accumulator';
import { numericPass } from '../compare/numeric-pass';
import { RunCursor, sortedCursor } from '../values/runs';
import type { Run } from '../values/runs';

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

/** Population standard deviation (ddof = 0) of the values a run holds, two passes. */
export function runStandardDeviation(run: Run): number {
  const sum = new Accumulator();
  let n = 0;
  let cursor = new RunCursor(run);
  while (cursor.next()) {
    sum.add(cursor.value * cursor.count);
    n += cursor.count;
  }
  const mean = sum.value / n;
  const squares = new Accumulator();
  cursor = new RunCursor(run);
  while (cursor.next()) {
    const d = cursor.value - mean;
    squares.add(d * d * cursor.count);
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

import { Accumulator } from '../sample';

/**
 * First Wasserstein (earth mover's) distance between two samples: ∫ |F₁(x) − F₂(x)| dx, summed exactly
 * over the pooled sorted values (scipy's `wasserstein_distance` for 1-D samples). Inputs sorted ascending.
 */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  const total = new Accumulator();
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0] as number, b[0] as number);
  let diff = 0;
  while (i < n1 || j < n2) {
    const v =
      j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    if (diff !== 0) total.add(Math.abs(diff) * (v - previous));
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    diff = i / n1 - j / n2;
    previous = v;
  }
  return total.value;
}

/** Population standard deviation (ddof = 0), two passes with compensated sums. */
export function standardDeviation(a: Float64Array): number {
  const n = a.length;
  const s = new Accumulator();
  for (let i = 0; i < n; i++) s.add(a[i] as number);
  const mean = s.value / n;
  const squares = new Accumulator();
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - mean;
    squares.add(d * d);
  }
  return Math.sqrt(squares.value / n);
}

/**
 * Evidently's `wasserstein` score: the distance divided by the reference's standard deviation, which is
 * floored at 0.001 so a constant reference does not divide by zero.
 */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  return wassersteinDistance(reference, current) / Math.max(standardDeviation(reference), 0.001);
}

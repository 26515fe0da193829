import type { Sample } from '../sample';
import { binnedShares } from './binning';

/**
 * Jensen–Shannon distance (natural log, as scipy's `distance.jensenshannon` with base=None) between the
 * binned shares of two samples; Evidently's `jensenshannon` test, which bins without filling zeros.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const n = p.length;
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    sp += p[i] as number;
    sq += q[i] as number;
  }
  let js = 0;
  for (let i = 0; i < n; i++) {
    const pi = (p[i] as number) / sp;
    const qi = (q[i] as number) / sq;
    const m = (pi + qi) / 2;
    js += relativeEntropy(pi, m) + relativeEntropy(qi, m);
  }
  return Math.sqrt(js / 2);
}

/** scipy's `rel_entr`: x·ln(x/y), 0 when x = 0, +inf when y = 0 < x. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

export function jensenShannonTest(reference: Sample, current: Sample, bins?: number): number {
  const shares = binnedShares(reference, current, { fillZeros: false, bins });
  return jensenShannonDistance(shares.reference, shares.current);
}

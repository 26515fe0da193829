import type { Sample } from '../sample';
import { binnedShares } from './binning';

/** Population stability index Σ (r − c)·ln(r / c) over bins whose shares are all non-zero. */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number;
    const c = current[i] as number;
    psi += (r - c) * Math.log(r / c);
  }
  return psi;
}

/** Evidently's `psi` test: Sturges (or `bins`) bins over both samples, empty bins filled as Evidently does. */
export function psiTest(reference: Sample, current: Sample, bins?: number): number {
  const shares = binnedShares(reference, current, { fillZeros: true, bins });
  return populationStabilityIndex(shares.reference, shares.current);
}

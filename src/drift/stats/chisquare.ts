import { Accumulator, pairCounts } from '../sample';
import type { Sample } from '../sample';
import { chi2Sf } from './special';

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  dof: number;
}

/**
 * Pearson's chi-square goodness of fit of the current counts against the reference frequencies, over the
 * union of values (Evidently's `chisquare` test): expected = reference count × n_current / n_reference.
 * A value the reference never saw has expected 0, so the statistic is infinite and p = 0, as in scipy.
 */
export function chiSquareTest(reference: Sample, current: Sample): ChiSquareResult {
  const { reference: ref, current: cur } = pairCounts(reference, current);
  const nRef = sum(ref);
  const nCur = sum(cur);
  const scale = nCur / nRef;
  const statistic = new Accumulator();
  for (let i = 0; i < ref.length; i++) {
    const expected = (ref[i] as number) * scale;
    const diff = (cur[i] as number) - expected;
    statistic.add((diff * diff) / expected);
  }
  const dof = ref.length - 1;
  const stat = statistic.value;
  return { statistic: stat, pvalue: chi2Sf(stat, dof), dof };
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}

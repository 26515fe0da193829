import { pairCounts } from '../sample';
import type { Sample } from '../sample';
import { normalCdf } from './special';

export interface ZTestResult {
  statistic: number;
  pvalue: number;
}

/**
 * Two-proportion z-test (pooled), two-sided, as Evidently's `z` test: the proportion compared is "not the
 * smallest value" in each sample; p = 2·(1 − Φ(|z|)). Two samples holding the same single value give p = 1.
 */
export function zTest(reference: Sample, current: Sample): ZTestResult {
  const { reference: ref, current: cur } = pairCounts(reference, current);
  const refDistinct = ref.filter((c) => c > 0).length;
  const curDistinct = cur.filter((c) => c > 0).length;
  if (ref.length === 1 && refDistinct === 1 && curDistinct === 1) return { statistic: 0, pvalue: 1 };
  const n1 = total(ref);
  const n2 = total(cur);
  // Keys come sorted: index 0 is the smallest value.
  const p1 = (n1 - (ref[0] as number)) / n1;
  const p2 = (n2 - (cur[0] as number)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pvalue: 2 * (1 - normalCdf(Math.abs(z))) };
}

function total(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}

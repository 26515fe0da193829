import { normalCdf } from './special';

/**
 * Two-proportion z-test (pooled), two-sided, as Evidently's `z` test: the proportion compared is "not the
 * smallest value" in each sample, from the counts of that smallest value; p = 2·(1 − Φ(|z|)). Two samples
 * holding the same single value (one key in all) give p = 1.
 */
export function zTestPValue(
  keys: number,
  smallest: { reference: number; current: number },
  n: { reference: number; current: number },
): number {
  if (keys === 1) return 1;
  const n1 = n.reference;
  const n2 = n.current;
  const p1 = (n1 - smallest.reference) / n1;
  const p2 = (n2 - smallest.current) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return 2 * (1 - normalCdf(Math.abs(z)));
}

import { numericPass } from '../compare/numeric-pass';
import { sortedCursor } from '../values/runs';
import { kolmogorovSf } from './kolmogorov';

export interface KsResult {
  /** sup |F₁ − F₂| over the pooled sample. */
  statistic: number;
  /** Two-sided p-value. */
  pvalue: number;
  /** How the p-value was computed, as scipy's `ks_2samp(method='auto')` would choose. */
  method: 'exact' | 'asymp';
}

/** Samples up to this size get the exact distribution, as scipy's MAX_AUTO_N. */
export const KS_EXACT_MAX_N = 10_000;

/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, with the p-value method chosen as scipy's
 * `ks_2samp(a, b, method='auto')` does: the exact null distribution (counting lattice paths) when both
 * samples have at most 10,000 values, else the one-sample distribution at n = round(n₁n₂/(n₁+n₂)).
 * Both inputs must be sorted ascending and free of NaN.
 */
export function ks2Samp(a: Float64Array, b: Float64Array): KsResult {
  if (a.length === 0 || b.length === 0) throw new RangeError('ks2Samp needs two non-empty samples');
  const pass = numericPass(sortedCursor(a), sortedCursor(b), {
    nReference: a.length,
    nCurrent: b.length,
    chartEdges: new Float64Array(0),
  });
  return ksTest(a.length, b.length, pass.ksStatistic);
}

/** The K-S test for samples of sizes n1 and n2 whose empirical CDFs differ by at most `statistic`. */
export function ksTest(n1: number, n2: number, statistic: number): KsResult {
  let d = statistic;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pvalue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic: d, pvalue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pvalue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}

/**
 * Pr(D ≥ h/n) for two samples of equal size n: 2·Σ_{k≥1} (−1)^(k−1) C(2n, n−kh)/C(2n, n). Each ratio is a
 * product of h factors, and the alternating sum is evaluated inside-out (Horner) to avoid cancellation.
 */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    // A_k = C(2n, n − (k+1)h) / C(2n, n − kh) as a product of h simple ratios.
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    P = ratio * (1 - P);
  }
  return 2 * P;
}

/**
 * Pr(D ≥ h/lcm) for unequal sizes: the share of monotone lattice paths from (0,0) to (m,n) that leave the
 * band |x·n/g − y·m/g| < h. Walking the grid column by column, q(x, y) — the probability that a uniformly
 * random path to (x, y) has already left the band — obeys q = (x·q(x−1, y) + y·q(x, y−1)) / (x + y) inside
 * the band and is 1 outside it (Viehmann 2021), so the answer q(m, n) never needs huge binomials.
 */
function probOutsideBand(n1: number, n2: number, g: number, h: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const mg = m / g;
  const ng = n / g;
  // Column x holds q(x, y) for y in [lo, hi); everything below lo is outside (q = 1) and above hi too.
  let lo = 0;
  let hi = Math.min(Math.ceil(h / mg), n + 1);
  let column = new Float64Array(n + 1).fill(1);
  for (let y = lo; y < hi; y++) column[y] = 0; // q(0, y) = 0 inside the band at x = 0
  // Only [lo, hi) of a column is ever read; the rest is known to be 1.
  let next = new Float64Array(n + 1);
  for (let x = 1; x <= m; x++) {
    const newLo = Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n);
    const newHi = Math.min(Math.ceil((ng * x + h) / mg), n + 1);
    if (newHi <= newLo) return 1;
    let below = newLo === 0 ? 0 : 1; // q(x, newLo − 1): outside the band unless newLo = 0 (no row below)
    for (let y = newLo; y < newHi; y++) {
      const left = y >= lo && y < hi ? (column[y] as number) : 1;
      below = (left * x + below * y) / (x + y);
      next[y] = below;
    }
    [column, next] = [next, column];
    lo = newLo;
    hi = newHi;
  }
  return column[n] as number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

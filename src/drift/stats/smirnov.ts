/**
 * One-sided Kolmogorov–Smirnov tail Pr(D⁺ₙ ≥ x) by the Birnbaum–Tingey (Smirnov 1944) sum
 *   x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v),
 * every term positive and evaluated in logarithms, so large n neither overflows nor cancels.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return Number.NaN;
  if (x === 0) return 1;
  if (x === 1) return 0;
  if (n === 1) return 1 - x;
  if (n * x <= 1) return 1 - x * Math.pow(1 + x, n - 1);
  if (n * x >= n - 1) return Math.pow(1 - x, n);
  const last = Math.floor(n * (1 - x));
  let logBinomial = 0; // ln C(n, v), updated as v grows
  let sum = 0;
  let previous = 0;
  for (let v = 0; v <= last; v++) {
    if (v > 0) logBinomial += Math.log((n - v + 1) / v);
    const rest = 1 - x - v / n;
    if (rest <= 0) {
      // (1 − x − v/n)^(n−v) vanishes unless the exponent is 0 as well.
      if (n - v === 0) sum += Math.exp(logBinomial + (v - 1) * Math.log(x + v / n));
      continue;
    }
    const logTerm = logBinomial + (v - 1) * Math.log(x + v / n) + (n - v) * Math.log(rest);
    const term = Math.exp(logTerm);
    sum += term;
    // Past their single mode the terms only shrink; stop once they no longer move the sum.
    if (term < previous && term < sum * 1e-17) break;
    previous = term;
  }
  return Math.min(1, Math.max(0, x * sum));
}

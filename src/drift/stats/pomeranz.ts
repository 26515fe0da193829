import { SCALE, SCALE_EXP, clip } from './scaling';

/**
 * Pr(Dₙ ≤ x) by Pomeranz's (1974) recursion over the 2n + 2 break points of the boundary, written as
 * successive convolutions with the power series of g/n, 2g/n and (1 − 2g)/n (g the distance of nx to the
 * nearest integer), rescaled by 2¹²⁸ to avoid underflow.
 */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const series = (ratio: number): Float64Array => {
    const out = new Float64Array(size);
    out[0] = 1;
    for (let m = 1; m < size; m++) out[m] = ((out[m - 1] as number) * ratio) / m;
    return out;
  };
  const gPow = series(g / n);
  const twoGPow = series((2 * g) / n);
  const restPow = series((1 - 2 * g) / n);

  // Row i of the recursion covers the columns [lo, hi]; `start` is the column of its element 0.
  const bounds = (i: number): [number, number] => {
    let lo: number;
    let hi: number;
    if (i === 0) {
      lo = -ll - ceilF - 1;
      hi = ll + ceilF - 1;
    } else {
      const half = Math.floor((i + 1) / 2);
      if ((i + 1) % 2 === 0) {
        if (half === n + 1) {
          lo = n - ll - ceilF - 1;
          hi = n + ll + ceilF - 1;
        } else {
          lo = half - 1 - ll - roundF - 1;
          hi = half + ll - 1 + ceilF - 1;
        }
      } else {
        lo = half - 1 - ll - 1;
        hi = half + ll + roundF - 1;
      }
    }
    return [Math.max(lo + 2, 0), Math.min(hi, n)];
  };

  let previous = new Float64Array(size);
  let current = new Float64Array(size);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let lo = bounds(0)[0];
  let hi: number;
  for (let i = 1; i <= 2 * n + 1; i++) {
    const k1 = lo;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [lo, hi] = bounds(i);
    const powers = i === 1 || i === 2 * n + 1 ? gPow : i % 2 === 1 ? twoGPow : restPow;
    const width = hi - k1 + 1;
    if (width <= 0) continue;
    const from = k1 - previousStart;
    // The slices of the previous row and of the powers that the convolution reads (clipped to the arrays).
    const la = Math.max(0, Math.min(width, size - from));
    const lb = Math.min(width, size);
    // current[c] = Σ_j previous[from + j] · powers[(lo − k1 + c) − j]: the part of the full convolution kept.
    const offset = lo - k1;
    let max = 0;
    for (let c = 0; c <= hi - lo; c++) {
      const at = offset + c;
      let s = 0;
      const jMin = Math.max(0, at - (lb - 1));
      const jMax = Math.min(la - 1, at);
      for (let j = jMin; j <= jMax; j++) s += (previous[from + j] as number) * (powers[at - j] as number);
      current[c] = s;
      if (s > max) max = s;
    }
    if (max > 0 && max < 1 / SCALE) {
      for (let c = 0; c < size; c++) (current[c] as number) *= SCALE;
      exponent -= SCALE_EXP;
    }
    currentStart = previousStart + lo - k1;
  }
  let answer = current[n - currentStart] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE) {
      answer /= SCALE;
      exponent += SCALE_EXP;
    }
    answer *= m;
  }
  return clip(answer * 2 ** exponent);
}

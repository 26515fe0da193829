import { pomeranzCdf } from './pomeranz';
import { SCALE, SCALE_EXP, clip } from './scaling';
import { smirnovSf } from './smirnov';

/**
 * Tail of the two-sided one-sample Kolmogorov–Smirnov statistic, Pr(Dₙ ≥ x) — the distribution scipy calls
 * `kstwo`, which `ks_2samp` evaluates at n = round(n₁n₂/(n₁+n₂)) when the samples are too large for the
 * exact two-sample count. Each region uses the method Simard & L'Ecuyer (2011) recommend for it, with the
 * same cut-offs as scipy: Ruben–Gambino closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang)
 * and Pomeranz recursions for small n·x², 2 × Smirnov's one-sided tail for large x, and Pelz–Good's
 * asymptotic series beyond.
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // Pr(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ for 1/2n ≤ x ≤ 1/n.
    const cdf = Math.exp(logFactorial(n) - n * Math.log(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip(1 - durbinCdf(n, x));
    if (nxx <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/**
 * Pr(Dₙ ≤ d) by Durbin's matrix: with k = ⌈nd⌉, h = k − nd, m = 2k − 1, the answer is n!/nⁿ · (Hⁿ)ₖₖ for
 * the m×m matrix H of Marsaglia, Tsang & Wang (2003). Powers are rescaled by 2¹²⁸ to stay in range.
 */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const invFactorial = new Float64Array(m + 1);
  invFactorial[0] = 1;
  for (let j = 1; j <= m; j++) invFactorial[j] = (invFactorial[j - 1] as number) / j;
  for (let r = 0; r < m; r++) {
    for (let c = 1; c < m; c++) if (r - c + 1 >= 0) H[r * m + c] = invFactorial[r - c + 1] as number;
  }
  for (let r = 0; r < m; r++) H[r * m] = (1 - Math.pow(h, r + 1)) * (invFactorial[r + 1] as number);
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = (1 - Math.pow(h, m - c)) * (invFactorial[m - c] as number);
  H[(m - 1) * m] =
    (1 - 2 * Math.pow(h, m) + Math.pow(Math.max(0, 2 * h - 1), m)) * (invFactorial[m] as number);

  let power: Float64Array = identity(m);
  let base: Float64Array = H;
  let exponent = 0;
  let baseExponent = 0;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      power = multiply(power, base, m);
      exponent += baseExponent;
    }
    base = multiply(base, base, m);
    baseExponent *= 2;
    if (Math.abs(base[(k - 1) * m + (k - 1)] as number) > SCALE) {
      for (let i = 0; i < base.length; i++) (base[i] as number) /= SCALE;
      baseExponent += SCALE_EXP;
    }
  }
  let p = power[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 1 / SCALE) {
      p *= SCALE;
      exponent -= SCALE_EXP;
    }
  }
  return clip(p * 2 ** exponent);
}

function identity(m: number): Float64Array {
  const I = new Float64Array(m * m);
  for (let i = 0; i < m; i++) I[i * m + i] = 1;
  return I;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l] as number;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) (out[i * m + j] as number) += ail * (b[l * m + j] as number);
    }
  }
  return out;
}

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);

/**
 * Pelz & Good (1976): Pr(Dₙ ≤ x) ≈ K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^1.5 with z = x√n, each Kᵢ written
 * with Jacobi theta series that converge fast for small z.
 */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const logQ = -PI2 / 8 / z2;
  if (logQ < -708) return 0;
  const q = Math.exp(logQ);
  const maxK = Math.ceil((16 * z) / Math.PI);
  // Horner in q⁸ᵏ over k = maxK … 1 of the four series' coefficients for m = 2k − 1.
  const K = [0, 0, 0, 0];
  for (let k = maxK; k >= 1; k--) {
    const mm = (2 * k - 1) ** 2;
    const qk = Math.pow(q, 8 * k);
    const c1 = -z2 + (PI2 / 4) * mm;
    const c2 = 6 * z6 + 2 * z4 + ((2 * z4 - 5 * z2) * PI2 * mm) / 4 + (PI4 * (1 - 2 * z2) * mm * mm) / 16;
    const c3 =
      -30 * z6 -
      90 * z4 * z4 +
      (PI2 * (135 * z4 - 96 * z6) * mm) / 4 +
      (PI4 * (-60 * z2 + 212 * z4) * mm * mm) / 16 +
      (PI6 * (5 - 30 * z2) * mm * mm * mm) / 64;
    K[0] = (K[0] as number) * qk + 1;
    K[1] = (K[1] as number) * qk + c1;
    K[2] = (K[2] as number) * qk + c2;
    K[3] = (K[3] as number) * qk + c3;
  }
  const denominators = [z, 6 * z4, 72 * z6 * z, 6480 * z6 * z4];
  for (let i = 0; i < 4; i++) K[i] = ((K[i] as number) * q * SQRT2PI) / (denominators[i] as number);
  const q2 = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let extra2 = 0;
  let extra3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const kk = k * k;
    const qp = Math.pow(q2, kk);
    extra2 += kk * qp;
    extra3 += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * kk * qp;
  }
  K[2] = (K[2] as number) + (extra2 * PI2 * SQRT2PI) / (-36 * z2 * z);
  K[3] = (K[3] as number) + (extra3 * PI2 * SQRT2PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += (K[i] as number) / Math.pow(n, i / 2);
  return cdf;
}

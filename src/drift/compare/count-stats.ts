import { Accumulator } from './accumulator';

/** What one pass over paired counts gives the count-based tests. */
export interface CountStatsResult {
  /** Keys (values or bins) seen. */
  keys: number;
  /** Pearson's chi-square statistic (expected = reference count × n_cur / n_ref) and its degrees of freedom. */
  chiSquare: number;
  dof: number;
  /** Jensen–Shannon distance (natural log) of the shares, zeros not filled. */
  jensenShannon: number;
  /** Population stability index of the shares, zeros filled as Evidently fills them. */
  psi: number;
  /** Counts of the first (smallest) key on each side: the z-test compares "not the smallest value". */
  firstReference: number;
  firstCurrent: number;
}

/** Sums of q, ln q and q·ln q over the keys where the other side's share is 0 (filled at the end). */
class ZeroSide {
  n = 0;
  readonly share = new Accumulator();
  readonly log = new Accumulator();
  readonly shareLog = new Accumulator();

  add(q: number): void {
    const l = Math.log(q);
    this.n++;
    this.share.add(q);
    this.log.add(l);
    this.shareLog.add(q * l);
  }

  /** Σ (f − q)·ln(f / q) over the keys, with f the other side's fill value. */
  psi(fill: number): number {
    const lf = Math.log(fill);
    return this.n * fill * lf - fill * this.log.value - lf * this.share.value + this.shareLog.value;
  }
}

/**
 * The count-based statistics of Evidently's tests — chi-square, Jensen–Shannon, PSI, the z-test's
 * proportions — accumulated key by key, so a column of millions of distinct values never needs its
 * counts as arrays. Shares are count / sample size, as Evidently's `get_binned_data` computes them.
 */
export class CountStats {
  private keys = 0;
  private firstReference = 0;
  private firstCurrent = 0;
  private readonly chi = new Accumulator();
  private readonly js = new Accumulator();
  private readonly psiBoth = new Accumulator();
  private readonly referenceZero = new ZeroSide();
  private readonly currentZero = new ZeroSide();
  private bothZero = 0;
  private minReference = Number.POSITIVE_INFINITY;
  private minCurrent = Number.POSITIVE_INFINITY;
  private readonly scale: number;

  constructor(
    private readonly nReference: number,
    private readonly nCurrent: number,
  ) {
    this.scale = nCurrent / nReference;
  }

  add(r: number, c: number): void {
    if (this.keys++ === 0) {
      this.firstReference = r;
      this.firstCurrent = c;
    }
    const p = r / this.nReference;
    const q = c / this.nCurrent;
    if (r > 0 || c > 0) {
      const expected = r * this.scale;
      const diff = c - expected;
      this.chi.add((diff * diff) / expected);
      const m = (p + q) / 2;
      if (p > 0) this.js.add(p * Math.log(p / m));
      if (q > 0) this.js.add(q * Math.log(q / m));
    }
    if (p > 0 && p < this.minReference) this.minReference = p;
    if (q > 0 && q < this.minCurrent) this.minCurrent = q;
    if (p > 0 && q > 0) this.psiBoth.add((p - q) * Math.log(p / q));
    else if (q > 0) this.referenceZero.add(q);
    else if (p > 0) this.currentZero.add(p);
    else this.bothZero++;
  }

  result(): CountStatsResult {
    const fill = (min: number): number => (min <= 0.0001 ? min / 10 ** 6 : 0.0001);
    const fr = fill(this.minReference);
    const fc = fill(this.minCurrent);
    let psi = this.psiBoth.value;
    if (this.referenceZero.n) psi += this.referenceZero.psi(fr);
    // (p − f)·ln(p / f) = −(f − p)·ln(f / p): the same sums with the sides swapped.
    if (this.currentZero.n) psi += this.currentZero.psi(fc);
    if (this.bothZero) psi += this.bothZero * (fr - fc) * Math.log(fr / fc);
    return {
      keys: this.keys,
      chiSquare: this.chi.value,
      dof: this.keys - 1,
      jensenShannon: Math.sqrt(Math.max(this.js.value, 0) / 2),
      psi,
      firstReference: this.firstReference,
      firstCurrent: this.firstCurrent,
    };
  }
}

import { MAX_BINS } from './binning';
import type { BinnedFeatures } from './binning';
import { classOrderings, orderingClass, classShare, sortByKey } from './category-order';

/** Bootstrap weights and the class share one Int32 per row: weight in the high bits, class in the low 16. */
export const CLASS_BITS = 16;
const CLASS_MASK = 0xffff;
/** Below this many distinct bins in a node, sorting them beats scanning every bin of the feature. */
const SORT_PRESENT_BELOW = 24;

/** The best split found so far, in the terms the tree needs to make it. */
export interface SplitChoice {
  feature: number;
  categorical: boolean;
  /** Numeric: the last bin of values that goes left. */
  bin: number;
  /** Numeric: the first bin of values that goes right; -1 when every value goes left. */
  nextBin: number;
  /** The node had rows missing this feature, and they go left. */
  missingLeft: boolean;
  /** The node had rows missing this feature (so the side was learned, not a default). */
  missingSeen: boolean;
  /** Per bin (category code or numeric bin): 1 when its rows go left. */
  readonly leftBins: Uint8Array;
  /** Categorical: per category, 1 when the node had rows of it. */
  readonly presentBins: Uint8Array;
  /** The left child's statistics (class counts, or [weight, Σ weight·y]). */
  readonly leftStats: Float64Array;
}

/**
 * Finds the best split of one node over the features tried, with per-bin histograms: one pass over the
 * node's rows per feature fills the histogram, one pass over the bins present scores every cut. Only the
 * bins touched are cleared, so a small node costs what its rows cost.
 *
 * Statistics per bin: classification, the bootstrap count of each class (S = K); regression, the
 * bootstrap weight and Σ weight·y (S = 2). Scores are scikit-learn's proxies: Gini
 * `Σ left² / w_left + Σ right² / w_right` over class-weighted counts; squared error
 * `sum_left² / w_left + sum_right² / w_right`. Rows missing the feature are tried on either side of
 * every cut, and alone on the right (scikit-learn ≥ 1.3). A categorical feature's categories are put in
 * an order (category-order.ts) and cut like numeric bins.
 */
export class SplitSearch {
  private readonly S: number;
  private readonly hist: Float64Array;
  private readonly rows = new Int32Array(MAX_BINS);
  private readonly stamp = new Int32Array(MAX_BINS);
  private epoch = 0;
  private readonly present = new Int32Array(MAX_BINS);
  private readonly order = new Int32Array(MAX_BINS);
  private readonly keys = new Float64Array(MAX_BINS);
  private readonly left: Float64Array;
  private readonly withMissing: Float64Array;
  private readonly missing: Float64Array;
  /** The node's statistics, class-weighted. */
  private readonly parentW: Float64Array;
  private readonly weights: Float64Array;
  private totalW = 0;
  private count = 0;
  private bestProxy = -Infinity;
  private bestCut = 0;
  private bestValues = 0;
  private bestMissingBin = -1;
  private readonly bestOrder = new Int32Array(MAX_BINS);
  bestFeature = -1;
  readonly best: SplitChoice;

  constructor(
    private readonly data: BinnedFeatures,
    private readonly regression: boolean,
    private readonly K: number,
    private readonly minLeaf: number,
    classWeight?: Float64Array,
  ) {
    const S = (this.S = regression ? 2 : K);
    this.hist = new Float64Array(MAX_BINS * S);
    this.left = new Float64Array(S);
    this.withMissing = new Float64Array(S);
    this.missing = new Float64Array(S);
    this.parentW = new Float64Array(S);
    this.weights = classWeight ?? new Float64Array(S).fill(1);
    this.best = {
      feature: -1,
      categorical: false,
      bin: 0,
      nextBin: 0,
      missingLeft: false,
      missingSeen: false,
      leftBins: new Uint8Array(MAX_BINS),
      presentBins: new Uint8Array(MAX_BINS),
      leftStats: new Float64Array(S),
    };
  }

  /** Starts a node: its statistics are `stats[at … at+S)`, over `count` rows. */
  reset(stats: Float64Array, at: number, count: number): void {
    let w = 0;
    for (let s = 0; s < this.S; s++) {
      const v = (stats[at + s] as number) * (this.regression ? 1 : (this.weights[s] as number));
      this.parentW[s] = v;
      if (!this.regression) w += v;
    }
    this.totalW = this.regression ? (stats[at] as number) : w;
    this.count = count;
    this.bestProxy = -Infinity;
    this.bestFeature = -1;
  }

  /**
   * Scores every split of feature f in rows [start, end); false when f is constant there. `wys`
   * (regression) holds weight·target of each entry of idx.
   */
  tryFeature(
    f: number,
    idx: Int32Array,
    packed: Int32Array,
    wys: Float64Array,
    start: number,
    end: number,
  ): boolean {
    const { hist, rows, present, S } = this;
    const n = this.data.n;
    const bins = this.data.bins;
    const off = f * n;
    let D = 0;
    if (this.regression && this.minLeaf === 1) {
      // Every row weighs at least 1, so an empty bin has weight 0; with leaves of one row allowed no
      // cut needs row counts (each side of a cut has a bin of values, so a row): none are kept.
      for (let i = start; i < end; i++) {
        const b = bins[off + (idx[i] as number)] as number;
        const w = hist[2 * b] as number;
        if (w === 0) present[D++] = b;
        hist[2 * b] = w + ((packed[i] as number) >>> CLASS_BITS);
        hist[2 * b + 1] = (hist[2 * b + 1] as number) + (wys[i] as number);
      }
    } else if (this.regression) {
      for (let i = start; i < end; i++) {
        const b = bins[off + (idx[i] as number)] as number;
        if ((rows[b] as number) === 0) present[D++] = b;
        rows[b] = (rows[b] as number) + 1;
        hist[2 * b] = (hist[2 * b] as number) + ((packed[i] as number) >>> CLASS_BITS);
        hist[2 * b + 1] = (hist[2 * b + 1] as number) + (wys[i] as number);
      }
    } else if (this.minLeaf === 1) {
      // Leaves of one row: a bin only needs to be known present (stamped with this call's epoch).
      const { stamp } = this;
      const epoch = ++this.epoch;
      for (let i = start; i < end; i++) {
        const b = bins[off + (idx[i] as number)] as number;
        const p = packed[i] as number;
        if ((stamp[b] as number) !== epoch) {
          stamp[b] = epoch;
          present[D++] = b;
        }
        const h = b * S + (p & CLASS_MASK);
        hist[h] = (hist[h] as number) + (p >>> CLASS_BITS);
      }
    } else {
      for (let i = start; i < end; i++) {
        const b = bins[off + (idx[i] as number)] as number;
        const p = packed[i] as number;
        if ((rows[b] as number) === 0) present[D++] = b;
        rows[b] = (rows[b] as number) + 1;
        const h = b * S + (p & CLASS_MASK);
        hist[h] = (hist[h] as number) + (p >>> CLASS_BITS);
      }
    }
    if (D === 1) {
      this.clear(D);
      return false;
    }
    const missingBin = this.data.hasMissing[f] ? (this.data.binCount[f] as number) : -1;
    const nMissing = missingBin < 0 ? 0 : this.rowsIn(missingBin);
    // The bins of values, in bin order; the missing bin (the feature's last) is left out of the cuts.
    this.sortPresent(D, f, missingBin);
    const values = nMissing > 0 ? D - 1 : D;
    if (nMissing > 0) for (let s = 0; s < S; s++) this.missing[s] = hist[missingBin * S + s] as number;
    if (this.data.categorical[f]) this.scanCategorical(f, values, nMissing, missingBin);
    else this.scan(f, present, values, nMissing, missingBin, false);
    this.clear(D);
    return true;
  }

  /** Rows in bin b; without row counts (leaves of one row), 1 for a bin that has any. */
  private rowsIn(b: number): number {
    if (this.minLeaf > 1) return this.rows[b] as number;
    if (this.regression) return (this.hist[2 * b] as number) > 0 ? 1 : 0;
    return this.stamp[b] === this.epoch ? 1 : 0;
  }

  private sortPresent(D: number, f: number, missingBin: number): void {
    const { present } = this;
    const bound = missingBin >= 0 ? missingBin + 1 : (this.data.binCount[f] as number);
    // Insertion sort costs ~D²/4 steps, a pass over the feature's bins `bound`: take the cheaper.
    if (D < SORT_PRESENT_BELOW && D * D < 4 * bound) {
      for (let a = 1; a < D; a++) {
        const v = present[a] as number;
        let j = a - 1;
        while (j >= 0 && (present[j] as number) > v) present[j + 1] = present[j--] as number;
        present[j + 1] = v;
      }
    } else {
      for (let b = 0, k = 0; b < bound; b++) if (this.rowsIn(b) > 0) present[k++] = b;
    }
  }

  /** Orders the categories present (category-order.ts), then cuts them like bins. */
  private scanCategorical(f: number, values: number, nMissing: number, missingBin: number): void {
    const { order, keys, hist, S, present } = this;
    const orderings = this.regression ? 1 : classOrderings(this.parentW, S);
    for (let o = 0; o < orderings; o++) {
      for (let j = 0; j < values; j++) {
        const b = present[j] as number;
        order[j] = b;
        keys[b] = this.regression
          ? (hist[2 * b + 1] as number) / (hist[2 * b] as number)
          : classShare(hist, b * S, S, this.weights, orderingClass(this.parentW, S, o));
      }
      sortByKey(order, values, keys);
      this.scan(f, order, values, nMissing, missingBin, true);
    }
  }

  /**
   * Scores the cuts of `bins[0 … values)` in that order: left = bins[0 … j]. With rows missing the
   * feature, each cut is scored with them right, then left, and the last with every value left.
   */
  private scan(
    f: number,
    bins: Int32Array,
    values: number,
    nMissing: number,
    missingBin: number,
    categorical: boolean,
  ): void {
    const { left, withMissing, missing, rows, hist, S, minLeaf } = this;
    // Leaves of one row: every cut qualifies (each side has a bin of values), so rows are not counted.
    const counted = minLeaf > 1;
    const count = counted ? this.count : Infinity;
    left.fill(0);
    let leftN = 0;
    const last = nMissing > 0 ? values : values - 1;
    for (let j = 0; j < last; j++) {
      const b = bins[j] as number;
      leftN += counted ? (rows[b] as number) : 1;
      for (let s = 0; s < S; s++) left[s] = (left[s] as number) + (hist[b * S + s] as number);
      if (nMissing === 0) {
        if (leftN < minLeaf) continue;
        if (count - leftN < minLeaf) break;
        this.consider(left, f, bins, j, values, false, false, categorical, missingBin);
        continue;
      }
      if (leftN >= minLeaf && count - leftN >= minLeaf)
        this.consider(left, f, bins, j, values, false, true, categorical, missingBin);
      if (j === values - 1) continue; // every value left: missing left would leave the right empty
      if (leftN + nMissing >= minLeaf && count - leftN - nMissing >= minLeaf) {
        for (let s = 0; s < S; s++) withMissing[s] = (left[s] as number) + (missing[s] as number);
        this.consider(withMissing, f, bins, j, values, true, true, categorical, missingBin);
      }
    }
  }

  private consider(
    stats: Float64Array,
    f: number,
    bins: Int32Array,
    j: number,
    values: number,
    missingLeft: boolean,
    missingSeen: boolean,
    categorical: boolean,
    missingBin: number,
  ): void {
    const proxy = this.proxy(stats);
    if (!(proxy > this.bestProxy)) return;
    this.bestProxy = proxy;
    this.bestFeature = f;
    const best = this.best;
    best.feature = f;
    best.categorical = categorical;
    best.missingLeft = missingLeft;
    best.missingSeen = missingSeen;
    best.leftStats.set(stats);
    best.bin = bins[j] as number;
    best.nextBin = j + 1 < values ? (bins[j + 1] as number) : -1;
    this.bestCut = j;
    this.bestValues = values;
    this.bestMissingBin = missingBin;
    // A categorical order is overwritten by the next one tried: keep the winner's.
    if (categorical) this.bestOrder.set(bins.subarray(0, values));
  }

  /**
   * Fills `best.leftBins` (and, categorical, `best.presentBins`) for the split found: done once per
   * node, not at every improvement, which a scan makes many of.
   */
  finish(): void {
    const best = this.best;
    best.leftBins.fill(0);
    if (best.categorical) {
      best.presentBins.fill(0);
      for (let k = 0; k < this.bestValues; k++) best.presentBins[this.bestOrder[k] as number] = 1;
      for (let k = 0; k <= this.bestCut; k++) best.leftBins[this.bestOrder[k] as number] = 1;
    } else {
      // Bins are cut in ascending order: every bin up to the cut goes left.
      best.leftBins.fill(1, 0, best.bin + 1);
    }
    if (this.bestMissingBin >= 0) best.leftBins[this.bestMissingBin] = best.missingLeft ? 1 : 0;
  }

  /** The score of a left side with these (unweighted) statistics; the right side is the rest. */
  private proxy(leftStats: Float64Array): number {
    const { parentW, S } = this;
    if (this.regression) {
      const wl = leftStats[0] as number;
      const sl = leftStats[1] as number;
      const wr = (parentW[0] as number) - wl;
      const sr = (parentW[1] as number) - sl;
      return (sl * sl) / wl + (sr * sr) / wr;
    }
    let sl = 0;
    let sr = 0;
    let wl = 0;
    for (let c = 0; c < S; c++) {
      const lw = (leftStats[c] as number) * (this.weights[c] as number);
      const rw = (parentW[c] as number) - lw;
      sl += lw * lw;
      sr += rw * rw;
      wl += lw;
    }
    return sl / wl + sr / (this.totalW - wl);
  }

  private clear(D: number): void {
    const { hist, rows, present, S } = this;
    for (let j = 0; j < D; j++) {
      const b = present[j] as number;
      rows[b] = 0;
      for (let s = 0; s < S; s++) hist[b * S + s] = 0;
    }
  }
}

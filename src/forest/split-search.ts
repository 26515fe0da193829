import { MAX_BINS } from './binning';
import type { BinnedFeatures } from './binning';
import { classOrderings, orderingClass, sortByKey } from './category-order';

/** Bootstrap weights and the class share one Int32 per row: weight in the high bits, class in the low 16. */
export const CLASS_BITS = 16;
const CLASS_MASK = 0xffff;

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
  /** Rows per bin, kept only when leaves need more than one row (`minLeaf` > 1). */
  private readonly rows = new Int32Array(MAX_BINS);
  /** One bit per bin that has rows: set while filling, read in bin order, so bins need no sorting. */
  private readonly seen = new Int32Array(MAX_BINS / 32);
  /** The bins that have rows, ascending. */
  private readonly present = new Int32Array(MAX_BINS);
  private readonly order = new Int32Array(MAX_BINS);
  private readonly keys = new Float64Array(MAX_BINS);
  /** Classification: each bin's class-weighted row count, for the categories' orders. */
  private readonly totals = new Float64Array(MAX_BINS);
  private readonly left: Float64Array;
  private readonly missing: Float64Array;
  /** The node's statistics, class-weighted. */
  private readonly parentW: Float64Array;
  private readonly weights: Float64Array;
  /** Class weights other than 1 (without them a count is its own weighted count, bit for bit). */
  private readonly weighted: boolean;
  private totalW = 0;
  private count = 0;
  private bestProxy = -Infinity;
  /** What `proxies()` computed: the cut's score with the missing rows right, and left. */
  private proxyRight = 0;
  private proxyLeft = 0;
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
    this.missing = new Float64Array(S);
    this.parentW = new Float64Array(S);
    this.weights = classWeight ?? new Float64Array(S).fill(1);
    this.weighted = this.weights.some((w) => w !== 1);
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
    const { hist, rows, seen, S } = this;
    const n = this.data.n;
    const bins = this.data.bins;
    const off = f * n;
    // With leaves of one row allowed every cut qualifies (each side has a bin of values, so a row):
    // rows are only counted when a leaf needs more.
    const counted = this.minLeaf > 1;
    if (this.regression) {
      for (let i = start; i < end; i++) {
        const b = bins[off + (idx[i] as number)] as number;
        seen[b >>> 5] = (seen[b >>> 5] as number) | (1 << (b & 31));
        if (counted) rows[b] = (rows[b] as number) + 1;
        hist[2 * b] = (hist[2 * b] as number) + ((packed[i] as number) >>> CLASS_BITS);
        hist[2 * b + 1] = (hist[2 * b + 1] as number) + (wys[i] as number);
      }
    } else {
      for (let i = start; i < end; i++) {
        const b = bins[off + (idx[i] as number)] as number;
        const p = packed[i] as number;
        seen[b >>> 5] = (seen[b >>> 5] as number) | (1 << (b & 31));
        if (counted) rows[b] = (rows[b] as number) + 1;
        const h = b * S + (p & CLASS_MASK);
        hist[h] = (hist[h] as number) + (p >>> CLASS_BITS);
      }
    }
    const D = this.collectPresent();
    if (D === 1) {
      this.clear(D);
      return false;
    }
    // The missing bin is the feature's last, so when the node has rows in it, it is the last present.
    const missingBin = this.data.hasMissing[f] ? (this.data.binCount[f] as number) : -1;
    const nMissing =
      missingBin >= 0 && this.present[D - 1] === missingBin
        ? counted
          ? (rows[missingBin] as number)
          : 1
        : 0;
    // The bins of values, in bin order; the missing bin is left out of the cuts.
    const values = nMissing > 0 ? D - 1 : D;
    if (nMissing > 0) for (let s = 0; s < S; s++) this.missing[s] = hist[missingBin * S + s] as number;
    if (this.data.categorical[f]) this.scanCategorical(f, values, nMissing, missingBin);
    else this.scan(f, this.present, values, nMissing, missingBin, false);
    this.clear(D);
    return true;
  }

  /** Lists the bins marked in `seen` into `present`, ascending, and unmarks them; returns how many. */
  private collectPresent(): number {
    const { seen, present } = this;
    let D = 0;
    for (let w = 0; w < seen.length; w++) {
      let bits = seen[w] as number;
      if (bits === 0) continue;
      seen[w] = 0;
      while (bits !== 0) {
        const low = bits & -bits;
        present[D++] = (w << 5) + 31 - Math.clz32(low);
        bits ^= low;
      }
    }
    return D;
  }

  /** Orders the categories present (category-order.ts), then cuts them like bins. */
  private scanCategorical(f: number, values: number, nMissing: number, missingBin: number): void {
    const { order, keys, hist, S, present, weights, totals } = this;
    const orderings = this.regression ? 1 : classOrderings(this.parentW, S);
    if (!this.regression) {
      // Each category's weighted count, once for all the class orders.
      for (let j = 0; j < values; j++) {
        const b = present[j] as number;
        let total = 0;
        for (let k = 0; k < S; k++) total += (hist[b * S + k] as number) * (weights[k] as number);
        totals[b] = total;
      }
    }
    for (let o = 0; o < orderings; o++) {
      const c = this.regression ? 0 : orderingClass(this.parentW, S, o);
      for (let j = 0; j < values; j++) {
        const b = present[j] as number;
        order[j] = b;
        // Regression: the mean target; classification: class c's share of the category.
        keys[b] = this.regression
          ? (hist[2 * b + 1] as number) / (hist[2 * b] as number)
          : ((hist[b * S + c] as number) * (weights[c] as number)) / (totals[b] as number);
      }
      sortByKey(order, values, keys);
      // An order is overwritten by the next one tried: keep the winner's.
      if (this.scan(f, order, values, nMissing, missingBin, true))
        this.bestOrder.set(order.subarray(0, values));
    }
  }

  /**
   * Scores the cuts of `bins[0 … values)` in that order: left = bins[0 … j]. With rows missing the
   * feature, each cut is scored with them right and left in one pass over the classes, and the last
   * with every value left. True when a cut beat the best split so far.
   */
  private scan(
    f: number,
    bins: Int32Array,
    values: number,
    nMissing: number,
    missingBin: number,
    categorical: boolean,
  ): boolean {
    const { left, rows, hist, S, minLeaf } = this;
    const counted = minLeaf > 1;
    const count = counted ? this.count : Infinity;
    const before = this.bestProxy;
    left.fill(0);
    let leftN = 0;
    if (nMissing === 0) {
      for (let j = 0; j < values - 1; j++) {
        const b = bins[j] as number;
        leftN += counted ? (rows[b] as number) : 1;
        for (let s = 0; s < S; s++) left[s] = (left[s] as number) + (hist[b * S + s] as number);
        if (leftN < minLeaf) continue;
        if (count - leftN < minLeaf) break;
        const proxy = this.proxy(left);
        if (proxy > this.bestProxy)
          this.take(proxy, f, bins, j, values, false, false, categorical, missingBin);
      }
      return this.bestProxy > before;
    }
    for (let j = 0; j < values; j++) {
      const b = bins[j] as number;
      leftN += counted ? (rows[b] as number) : 1;
      for (let s = 0; s < S; s++) left[s] = (left[s] as number) + (hist[b * S + s] as number);
      const right = leftN >= minLeaf && count - leftN >= minLeaf;
      // Every value left: missing left too would leave the right side empty.
      const withLeft = j < values - 1 && leftN + nMissing >= minLeaf && count - leftN - nMissing >= minLeaf;
      if (right && withLeft) {
        this.proxies();
        if (this.proxyRight > this.bestProxy)
          this.take(this.proxyRight, f, bins, j, values, false, true, categorical, missingBin);
        if (this.proxyLeft > this.bestProxy)
          this.take(this.proxyLeft, f, bins, j, values, true, true, categorical, missingBin);
      } else if (right) {
        const proxy = this.proxy(left);
        if (proxy > this.bestProxy)
          this.take(proxy, f, bins, j, values, false, true, categorical, missingBin);
      } else if (withLeft) {
        this.proxies();
        if (this.proxyLeft > this.bestProxy)
          this.take(this.proxyLeft, f, bins, j, values, true, true, categorical, missingBin);
      }
    }
    return this.bestProxy > before;
  }

  /** Scores of the cut in `left` with the missing rows right (`proxyRight`) and left (`proxyLeft`). */
  private proxies(): void {
    const { left, missing, parentW, S } = this;
    if (this.regression) {
      const wl = left[0] as number;
      const sl = left[1] as number;
      const wr = (parentW[0] as number) - wl;
      const sr = (parentW[1] as number) - sl;
      this.proxyRight = (sl * sl) / wl + (sr * sr) / wr;
      const wlm = wl + (missing[0] as number);
      const slm = sl + (missing[1] as number);
      const wrm = (parentW[0] as number) - wlm;
      const srm = (parentW[1] as number) - slm;
      this.proxyLeft = (slm * slm) / wlm + (srm * srm) / wrm;
      return;
    }
    const { weights, weighted } = this;
    let sl = 0;
    let sr = 0;
    let wl = 0;
    let slm = 0;
    let srm = 0;
    let wlm = 0;
    for (let c = 0; c < S; c++) {
      const l = left[c] as number;
      const lm = l + (missing[c] as number);
      const lw = weighted ? l * (weights[c] as number) : l;
      const lmw = weighted ? lm * (weights[c] as number) : lm;
      const rw = (parentW[c] as number) - lw;
      const rmw = (parentW[c] as number) - lmw;
      sl += lw * lw;
      sr += rw * rw;
      wl += lw;
      slm += lmw * lmw;
      srm += rmw * rmw;
      wlm += lmw;
    }
    this.proxyRight = sl / wl + sr / (this.totalW - wl);
    this.proxyLeft = slm / wlm + srm / (this.totalW - wlm);
  }

  /** Records the cut after bins[j] as the best split so far. */
  private take(
    proxy: number,
    f: number,
    bins: Int32Array,
    j: number,
    values: number,
    missingLeft: boolean,
    missingSeen: boolean,
    categorical: boolean,
    missingBin: number,
  ): void {
    this.bestProxy = proxy;
    this.bestFeature = f;
    const best = this.best;
    best.feature = f;
    best.categorical = categorical;
    best.missingLeft = missingLeft;
    best.missingSeen = missingSeen;
    for (let s = 0; s < this.S; s++)
      best.leftStats[s] = missingLeft
        ? (this.left[s] as number) + (this.missing[s] as number)
        : (this.left[s] as number);
    best.bin = bins[j] as number;
    best.nextBin = j + 1 < values ? (bins[j + 1] as number) : -1;
    this.bestCut = j;
    this.bestValues = values;
    this.bestMissingBin = missingBin;
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
    const { weights, weighted } = this;
    let sl = 0;
    let sr = 0;
    let wl = 0;
    for (let c = 0; c < S; c++) {
      const l = leftStats[c] as number;
      const lw = weighted ? l * (weights[c] as number) : l;
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

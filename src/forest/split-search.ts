import { MAX_BINS } from './binning';
import type { BinnedFeatures } from './binning';

/** Bootstrap weights and the class share one Int32 per row: weight in the high bits, class in the low 16. */
export const CLASS_BITS = 16;
const CLASS_MASK = 0xffff;
/** Below this many distinct bins in a node, sorting them beats scanning every bin of the feature. */
const SORT_PRESENT_BELOW = 24;

/**
 * Finds the best split of one node over the features tried, with per-bin class histograms: one pass
 * over the node's rows per feature fills the histogram, one pass over the bins present scores every
 * threshold. Only the bins touched are cleared, so a small node costs what its rows cost.
 */
export class SplitSearch {
  private readonly hist: Float64Array;
  private readonly rows = new Int32Array(MAX_BINS);
  private readonly present = new Int32Array(MAX_BINS);
  private readonly leftW: Float64Array;
  private parent: Float64Array = new Float64Array(0);
  private parentAt = 0;
  private totalW = 0;
  private bestProxy = -Infinity;
  bestFeature = -1;
  bestBin = 0;
  bestNextBin = 0;
  readonly bestLeft: Float64Array;

  constructor(
    private readonly data: BinnedFeatures,
    private readonly K: number,
    private readonly minLeaf: number,
  ) {
    this.hist = new Float64Array(MAX_BINS * K);
    this.leftW = new Float64Array(K);
    this.bestLeft = new Float64Array(K);
  }

  reset(value: Float64Array, at: number): void {
    this.parent = value;
    this.parentAt = at;
    let w = 0;
    for (let c = 0; c < this.K; c++) w += value[at + c] as number;
    this.totalW = w;
    this.bestProxy = -Infinity;
    this.bestFeature = -1;
  }

  /** Scores every split of feature f in rows [start, end); false when f is constant there. */
  tryFeature(f: number, idx: Int32Array, packed: Int32Array, start: number, end: number): boolean {
    const { hist, rows, present, leftW, K, parent, parentAt } = this;
    const n = this.data.n;
    const bins = this.data.bins;
    const off = f * n;
    let D = 0;
    for (let i = start; i < end; i++) {
      const b = bins[off + (idx[i] as number)] as number;
      const p = packed[i] as number;
      if ((rows[b] as number) === 0) present[D++] = b;
      rows[b] = (rows[b] as number) + 1;
      const h = b * K + (p & CLASS_MASK);
      hist[h] = (hist[h] as number) + (p >>> CLASS_BITS);
    }
    if (D === 1) {
      this.clear(D);
      return false;
    }
    if (D < SORT_PRESENT_BELOW) {
      for (let a = 1; a < D; a++) {
        const v = present[a] as number;
        let j = a - 1;
        while (j >= 0 && (present[j] as number) > v) present[j + 1] = present[j--] as number;
        present[j + 1] = v;
      }
    } else {
      const bound = this.data.binCount[f] as number;
      for (let b = 0, k = 0; b < bound; b++) if ((rows[b] as number) > 0) present[k++] = b;
    }

    leftW.fill(0);
    const count = end - start;
    let leftN = 0;
    for (let j = 0; j < D - 1; j++) {
      const b = present[j] as number;
      leftN += rows[b] as number;
      for (let c = 0; c < K; c++) leftW[c] = (leftW[c] as number) + (hist[b * K + c] as number);
      if (leftN < this.minLeaf) continue;
      if (count - leftN < this.minLeaf) break;
      let sl = 0;
      let sr = 0;
      let wl = 0;
      for (let c = 0; c < K; c++) {
        const lw = leftW[c] as number;
        const rw = (parent[parentAt + c] as number) - lw;
        sl += lw * lw;
        sr += rw * rw;
        wl += lw;
      }
      const proxy = sl / wl + sr / (this.totalW - wl);
      if (proxy > this.bestProxy) {
        this.bestProxy = proxy;
        this.bestFeature = f;
        this.bestBin = b;
        this.bestNextBin = present[j + 1] as number;
        this.bestLeft.set(leftW);
      }
    }
    this.clear(D);
    return true;
  }

  private clear(D: number): void {
    const { hist, rows, present, K } = this;
    for (let j = 0; j < D; j++) {
      const b = present[j] as number;
      rows[b] = 0;
      for (let c = 0; c < K; c++) hist[b * K + c] = 0;
    }
  }
}

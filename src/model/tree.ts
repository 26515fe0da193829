import { MAX_BINS, splitThreshold } from './binning';
import type { BinnedFeatures } from './binning';
import { createRng, treeStream } from './random';

/** Hyper-parameters of one tree, already resolved against the data. */
export interface TreeParams {
  /** Features drawn at every split (scikit-learn's max_features, as a count). */
  readonly mtry: number;
  readonly minSamplesLeaf: number;
  /** Infinity grows until the leaves are pure. */
  readonly maxDepth: number;
  /** Default true; false grows the tree on every row once (no out-of-bag rows). */
  readonly bootstrap?: boolean;
}

/**
 * A tree as flat arrays, nodes numbered from the root (0). A leaf has feature -1. `value` holds each
 * node's class weights (bootstrap counts per class), `nClasses` per node: leaves predict with them, and
 * inner nodes carry them for the path decomposition of `explain`. A row goes left when x ≤ threshold.
 */
export interface TreeArrays {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** A grown tree with its out-of-bag rows and the leaf each of them lands in. */
export interface GrownTree extends TreeArrays {
  oobRows: Int32Array;
  oobLeaves: Int32Array;
}

/** Bootstrap weights and the class share one Int32 per row: weight in the high bits, class in the low 16. */
const CLASS_BITS = 16;
const CLASS_MASK = 0xffff;
const MAX_WEIGHT = 0x7fff;
/** Below this many distinct bins in a node, sorting them beats scanning every bin of the feature. */
const SORT_PRESENT_BELOW = 24;

/**
 * Grows tree `treeIndex` of a Breiman random forest on binned features: a bootstrap sample of n rows,
 * a fresh random subset of `mtry` features at every split, the split of best Gini (scikit-learn's proxy
 * `Σ left² / w_left + Σ right² / w_right`), grown until pure, `maxDepth`, or `minSamplesLeaf`.
 * Everything random comes from the (seed, treeIndex) stream, so the tree does not depend on the thread.
 */
export function growTree(
  data: BinnedFeatures,
  y: Uint16Array,
  nClasses: number,
  params: TreeParams,
  seed: number,
  treeIndex: number,
): GrownTree {
  const { n, d, bins } = data;
  const K = nClasses;
  const rng = createRng(seed, treeStream(treeIndex));

  const draws = new Int32Array(n);
  if (params.bootstrap === false) draws.fill(1);
  else {
    for (let i = 0; i < n; i++) {
      const r = rng.nextInt(n);
      draws[r] = (draws[r] as number) + 1;
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) if ((draws[i] as number) > 0) m++;
  const idx = new Int32Array(m);
  const packed = new Int32Array(m);
  const store = new NodeStore(K, Math.max(16, Math.ceil(m / params.minSamplesLeaf)));
  const root = store.add();
  for (let i = 0, k = 0; i < n; i++) {
    const w = draws[i] as number;
    if (w === 0) continue;
    // A row drawn 32768 times out of n draws does not happen; guard the packing all the same.
    if (w > MAX_WEIGHT) throw new RangeError(`bootstrap weight ${w} exceeds ${MAX_WEIGHT}`);
    idx[k] = i;
    packed[k++] = (w << CLASS_BITS) | (y[i] as number);
    const at = root * K + (y[i] as number);
    store.value[at] = (store.value[at] as number) + w;
  }

  const search = new SplitSearch(data, K, params.minSamplesLeaf);
  const perm = Int32Array.from({ length: d }, (_, f) => f);
  const stack: number[] = [0, m, 0, root];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    const depth = stack.pop() as number;
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const count = end - start;
    if (depth >= params.maxDepth || count < 2 * params.minSamplesLeaf || isPure(store.value, node * K, K)) {
      continue;
    }

    search.reset(store.value, node * K);
    // scikit-learn's rule: draw mtry features without replacement, but keep drawing while every
    // feature drawn so far is constant in this node.
    let nonConstant = 0;
    for (let j = 0; j < d && (j < params.mtry || nonConstant === 0); j++) {
      const r = j + rng.nextInt(d - j);
      const f = perm[r] as number;
      perm[r] = perm[j] as number;
      perm[j] = f;
      if (search.tryFeature(f, idx, packed, start, end)) nonConstant++;
    }
    if (search.bestFeature < 0) continue;

    const f = search.bestFeature;
    const cut = search.bestBin;
    const off = f * n;
    let i = start;
    let k = end - 1;
    while (i <= k) {
      if ((bins[off + (idx[i] as number)] as number) <= cut) {
        i++;
      } else {
        const t = idx[i] as number;
        idx[i] = idx[k] as number;
        idx[k] = t;
        const p = packed[i] as number;
        packed[i] = packed[k] as number;
        packed[k--] = p;
      }
    }

    const l = store.add();
    const r = store.add();
    store.feature[node] = f;
    store.threshold[node] = splitThreshold(data, f, cut, search.bestNextBin);
    store.splitBin[node] = cut;
    store.left[node] = l;
    store.right[node] = r;
    for (let c = 0; c < K; c++) {
      const lw = search.bestLeft[c] as number;
      store.value[l * K + c] = lw;
      store.value[r * K + c] = (store.value[node * K + c] as number) - lw;
    }
    stack.push(i, end, depth + 1, r, start, i, depth + 1, l);
  }

  const tree = store.trim();
  const oobRows = new Int32Array(n - m);
  const oobLeaves = new Int32Array(n - m);
  for (let row = 0, k = 0; row < n; row++) {
    if ((draws[row] as number) > 0) continue;
    let node = 0;
    let f = store.feature[0] as number;
    while (f >= 0) {
      node =
        (bins[f * n + row] as number) <= (store.splitBin[node] as number)
          ? (store.left[node] as number)
          : (store.right[node] as number);
      f = store.feature[node] as number;
    }
    oobRows[k] = row;
    oobLeaves[k++] = node;
  }
  return { ...tree, oobRows, oobLeaves };
}

function isPure(value: Float64Array, at: number, K: number): boolean {
  let classes = 0;
  for (let c = 0; c < K; c++) if ((value[at + c] as number) > 0) classes++;
  return classes <= 1;
}

/** Finds the best split of one node over the features tried, with per-bin class histograms. */
class SplitSearch {
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

/** Growable node arrays. */
class NodeStore {
  size = 0;
  feature: Int32Array;
  threshold: Float64Array;
  splitBin: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;

  constructor(
    private readonly K: number,
    private capacity: number,
  ) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.splitBin = new Uint8Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity * K);
  }

  add(): number {
    if (this.size === this.capacity) this.grow();
    this.feature[this.size] = -1;
    return this.size++;
  }

  private grow(): void {
    this.capacity *= 2;
    const bigger = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.feature = bigger(this.feature, this.capacity);
    this.threshold = bigger(this.threshold, this.capacity);
    this.splitBin = bigger(this.splitBin, this.capacity);
    this.left = bigger(this.left, this.capacity);
    this.right = bigger(this.right, this.capacity);
    this.value = bigger(this.value, this.capacity * this.K);
  }

  trim(): TreeArrays {
    const s = this.size;
    return {
      feature: this.feature.slice(0, s),
      threshold: this.threshold.slice(0, s),
      left: this.left.slice(0, s),
      right: this.right.slice(0, s),
      value: this.value.slice(0, s * this.K),
    };
  }
}

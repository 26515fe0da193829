import { splitThreshold } from './binning';
import type { BinnedFeatures } from './binning';
import { createRng, treeStream } from './random';
import { CLASS_BITS, SplitSearch } from './split-search';

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

/** A grown tree, the leaf every training row lands in, and which rows were out of bag. */
export interface GrownTree extends TreeArrays {
  /** Leaf of each training row (in-bag rows from the growth itself, the others routed down the tree). */
  rowLeaves: Int32Array;
  /** Rows the bootstrap never drew, ascending. */
  oobRows: Int32Array;
}

const MAX_WEIGHT = 0x7fff;

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
  const { n, d, bins, values } = data;
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

  const rowLeaves = new Int32Array(n);
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
      for (let k = start; k < end; k++) rowLeaves[idx[k] as number] = node;
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
    if (search.bestFeature < 0) {
      for (let k = start; k < end; k++) rowLeaves[idx[k] as number] = node;
      continue;
    }

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
  for (let row = 0, k = 0; row < n; row++) {
    if ((draws[row] as number) > 0) continue;
    // Routed on raw values through the thresholds, exactly as the predictor will route it: its bin
    // may lie in a gap between the bins the node saw, where bins and threshold disagree.
    let node = 0;
    let f = store.feature[0] as number;
    while (f >= 0) {
      node =
        (values[row * d + f] as number) <= (store.threshold[node] as number)
          ? (store.left[node] as number)
          : (store.right[node] as number);
      f = store.feature[node] as number;
    }
    oobRows[k++] = row;
    rowLeaves[row] = node;
  }
  return { ...tree, rowLeaves, oobRows };
}

function isPure(value: Float64Array, at: number, K: number): boolean {
  let classes = 0;
  for (let c = 0; c < K; c++) if ((value[at + c] as number) > 0) classes++;
  return classes <= 1;
}

/** Growable node arrays. */
class NodeStore {
  size = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;

  constructor(
    private readonly K: number,
    private capacity: number,
  ) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
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

import { ALL_NUMBERS, splitThreshold } from './binning';
import type { BinnedFeatures } from './binning';
import { NodeStore } from './node-store';
import { createRng, treeStream } from './random';
import { CLASS_BITS, SplitSearch } from './split-search';
import type { SplitChoice } from './split-search';
import { FLAG_CATEGORICAL, FLAG_MISSING_LEFT, deriveInnerValues, leafOf } from './tree-arrays';
import type { TreeArrays, ValueLayout } from './tree-arrays';

export type { TreeArrays } from './tree-arrays';

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

/** What a tree learns: class indexes (with optional class weights) or numbers. */
export type TreeTarget =
  | { task: 'classification'; y: Uint16Array; K: number; classWeight?: Float64Array }
  | { task: 'regression'; y: Float64Array };

/** A grown tree, the leaf every training row lands in, and which rows were out of bag. */
export interface GrownTree extends TreeArrays {
  /** Leaf of each training row (in-bag rows from the growth itself, the others routed down the tree). */
  rowLeaves: Int32Array;
  /** Rows the bootstrap never drew, ascending. */
  oobRows: Int32Array;
}

const MAX_WEIGHT = 0x7fff;

/**
 * What a thread keeps from one tree to the next: its node store, whose arrays grow to the largest
 * tree once instead of for every tree (garbage that kept a worker's memory high).
 */
export interface TreeScratch {
  store?: NodeStore;
  /** Per-row work arrays, n long. */
  rows?: RowWork;
}

/** Per-row work arrays of a tree, n long; `spill*` hold a partition's right side while it runs. */
interface RowWork {
  draws: Int32Array;
  idx: Int32Array;
  packed: Int32Array;
  ys: Float64Array;
  wys: Float64Array;
  spillIdx: Int32Array;
  spillPacked: Int32Array;
  spillYs: Float64Array;
  spillWys: Float64Array;
}

/** The value layout of a target's trees. */
export function layoutOf(target: TreeTarget): ValueLayout {
  return target.task === 'regression'
    ? { task: 'regression', K: 1 }
    : { task: 'classification', K: target.K, classWeight: target.classWeight };
}

/**
 * Grows tree `treeIndex` of a Breiman random forest on binned features: a bootstrap sample of n rows,
 * a fresh random subset of `mtry` features at every split, the split of best Gini or squared error
 * (split-search.ts), grown until pure, `maxDepth`, or `minSamplesLeaf`. Everything random comes from
 * the (seed, treeIndex) stream, so the tree does not depend on the thread.
 */
export function growTree(
  data: BinnedFeatures,
  target: TreeTarget,
  params: TreeParams,
  seed: number,
  treeIndex: number,
  scratch: TreeScratch = {},
): GrownTree {
  const { n, d, bins } = data;
  const regression = target.task === 'regression';
  const S = regression ? 2 : target.K;
  const rng = createRng(seed, treeStream(treeIndex));

  if (scratch.rows?.draws.length !== n || scratch.rows.ys.length !== (regression ? n : 0)) {
    scratch.rows = {
      draws: new Int32Array(n),
      idx: new Int32Array(n),
      packed: new Int32Array(n),
      ys: new Float64Array(regression ? n : 0),
      wys: new Float64Array(regression ? n : 0),
      spillIdx: new Int32Array(n),
      spillPacked: new Int32Array(n),
      spillYs: new Float64Array(regression ? n : 0),
      spillWys: new Float64Array(regression ? n : 0),
    };
  }
  const work = scratch.rows;
  const draws = work.draws;
  draws.fill(params.bootstrap === false ? 1 : 0);
  if (params.bootstrap !== false) {
    for (let i = 0; i < n; i++) {
      const r = rng.nextInt(n);
      draws[r] = (draws[r] as number) + 1;
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) if ((draws[i] as number) > 0) m++;
  const idx = work.idx.subarray(0, m);
  const packed = work.packed.subarray(0, m);
  // Regression: each in-bag row's target and weight·target, kept beside idx (and partitioned with it)
  // so the split search reads them in order instead of jumping through the target column.
  const ys = work.ys.subarray(0, regression ? m : 0);
  const wys = work.wys.subarray(0, regression ? m : 0);
  const store =
    scratch.store?.S === S
      ? scratch.store.reset()
      : (scratch.store = new NodeStore(S, Math.max(16, Math.ceil(m / params.minSamplesLeaf))));
  const root = store.add();
  for (let i = 0, k = 0; i < n; i++) {
    const w = draws[i] as number;
    if (w === 0) continue;
    // A row drawn 32768 times out of n draws does not happen; guard the packing all the same.
    if (w > MAX_WEIGHT) throw new RangeError(`bootstrap weight ${w} exceeds ${MAX_WEIGHT}`);
    idx[k] = i;
    if (regression) {
      const y = target.y[i] as number;
      ys[k] = y;
      wys[k] = w * y;
      packed[k++] = w << CLASS_BITS;
      store.stats[0] = (store.stats[0] as number) + w;
      store.stats[1] = (store.stats[1] as number) + w * y;
    } else {
      const c = target.y[i] as number;
      packed[k++] = (w << CLASS_BITS) | c;
      store.stats[root * S + c] = (store.stats[root * S + c] as number) + w;
    }
  }

  const rowLeaves = new Int32Array(n);
  const search = new SplitSearch(
    data,
    regression,
    S,
    params.minSamplesLeaf,
    regression ? undefined : target.classWeight,
  );
  const perm = Int32Array.from({ length: d }, (_, f) => f);
  const stack: number[] = [0, m, 0, root];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    const depth = stack.pop() as number;
    const end = stack.pop() as number;
    const start = stack.pop() as number;
    const count = end - start;
    const pure = regression ? constantTarget(ys, start, end) : isPure(store.stats, node * S, S);
    if (depth >= params.maxDepth || count < 2 * params.minSamplesLeaf || pure) {
      for (let k = start; k < end; k++) rowLeaves[idx[k] as number] = node;
      continue;
    }

    search.reset(store.stats, node * S, count);
    // scikit-learn's rule: draw mtry features without replacement, but keep drawing while every
    // feature drawn so far is constant in this node.
    let nonConstant = 0;
    for (let j = 0; j < d && (j < params.mtry || nonConstant === 0); j++) {
      const r = j + rng.nextInt(d - j);
      const f = perm[r] as number;
      perm[r] = perm[j] as number;
      perm[j] = f;
      if (search.tryFeature(f, idx, packed, wys, start, end)) nonConstant++;
    }
    if (search.bestFeature < 0) {
      for (let k = start; k < end; k++) rowLeaves[idx[k] as number] = node;
      continue;
    }

    search.finish();
    const best = search.best;
    const f = best.feature;
    const goesLeft = best.leftBins;
    const i = partition(work, start, end, goesLeft, bins, f * n, regression);

    const l = store.add();
    const r = store.add();
    store.feature[node] = f;
    store.left[node] = l;
    store.right[node] = r;
    for (let s = 0; s < S; s++) {
      const lw = best.leftStats[s] as number;
      store.stats[l * S + s] = lw;
      store.stats[r * S + s] = (store.stats[node * S + s] as number) - lw;
    }
    placeSplit(store, node, best, data, target);
    stack.push(i, end, depth + 1, r, start, i, depth + 1, l);
  }

  const layout = layoutOf(target);
  const tree = regression ? store.trimRegression() : store.trimClassification();
  if (regression) deriveInnerValues(tree, layout);
  const oobRows = new Int32Array(n - m);
  for (let row = 0, k = 0; row < n; row++) {
    if ((draws[row] as number) > 0) continue;
    // Routed on raw values, exactly as the predictor will route it: its bin may lie in a gap between
    // the bins the node saw, where bins and threshold disagree.
    oobRows[k++] = row;
    rowLeaves[row] = leafOf(tree, data.values, row * d, layout);
  }
  return { ...tree, rowLeaves, oobRows };
}

/**
 * Moves the rows of [start, end) that go left to its front and returns where the right side starts.
 * Stable: rows keep their order on each side, so idx stays ascending within every node and the split
 * search reads each feature's bins front to back in memory, not at random.
 */
function partition(
  work: RowWork,
  start: number,
  end: number,
  goesLeft: Uint8Array,
  bins: Uint8Array,
  off: number,
  regression: boolean,
): number {
  const { idx, packed, ys, wys, spillIdx, spillPacked, spillYs, spillWys } = work;
  let i = start;
  let r = 0;
  for (let k = start; k < end; k++) {
    const row = idx[k] as number;
    if (goesLeft[bins[off + row] as number]) {
      idx[i] = row;
      packed[i] = packed[k] as number;
      if (regression) {
        ys[i] = ys[k] as number;
        wys[i] = wys[k] as number;
      }
      i++;
    } else {
      spillIdx[r] = row;
      spillPacked[r] = packed[k] as number;
      if (regression) {
        spillYs[r] = ys[k] as number;
        spillWys[r] = wys[k] as number;
      }
      r++;
    }
  }
  idx.set(spillIdx.subarray(0, r), i);
  packed.set(spillPacked.subarray(0, r), i);
  if (regression) {
    ys.set(spillYs.subarray(0, r), i);
    wys.set(spillWys.subarray(0, r), i);
  }
  return i;
}

/**
 * Writes a node's split: its threshold (numeric) or its category words, and its flags. Where the node
 * had no row missing the feature, missing values go to the larger child (the rule a reader without
 * flags applies, docs/ARTIFACT.md), and so do categories the node never saw.
 */
function placeSplit(
  store: NodeStore,
  node: number,
  best: SplitChoice,
  data: BinnedFeatures,
  target: TreeTarget,
): void {
  const f = best.feature;
  let missingLeft = best.missingLeft;
  if (!best.missingSeen)
    missingLeft =
      coverOf(store, store.left[node] as number, target) >
      coverOf(store, store.right[node] as number, target);
  let flags = missingLeft ? FLAG_MISSING_LEFT : 0;
  if (best.categorical) {
    flags |= FLAG_CATEGORICAL;
    const C = data.binCount[f] as number;
    const words = new Uint32Array(Math.ceil(C / 32));
    for (let k = 0; k < C; k++) {
      const left = best.presentBins[k] ? best.leftBins[k] === 1 : missingLeft;
      if (left) words[k >>> 5] = ((words[k >>> 5] as number) | (1 << (k & 31))) >>> 0;
    }
    store.threshold[node] = store.addWords(words);
  } else {
    store.threshold[node] = best.nextBin < 0 ? ALL_NUMBERS : splitThreshold(data, f, best.bin, best.nextBin);
  }
  store.flags[node] = flags;
}

/** A node's cover from its statistics, as `nodeCover` computes it from the written arrays. */
function coverOf(store: NodeStore, i: number, target: TreeTarget): number {
  if (target.task === 'regression') return store.stats[2 * i] as number;
  const { K, classWeight } = target;
  let sum = 0;
  for (let c = 0; c < K; c++)
    sum += (store.stats[i * K + c] as number) * (classWeight ? (classWeight[c] as number) : 1);
  return sum;
}

function isPure(stats: Float64Array, at: number, K: number): boolean {
  let classes = 0;
  for (let c = 0; c < K; c++) if ((stats[at + c] as number) > 0) classes++;
  return classes <= 1;
}

/** A node whose rows all have the same target cannot be improved by any split. */
function constantTarget(ys: Float64Array, start: number, end: number): boolean {
  const first = ys[start] as number;
  for (let k = start + 1; k < end; k++) if (ys[k] !== first) return false;
  return true;
}

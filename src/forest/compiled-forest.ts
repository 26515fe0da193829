import type { Forest } from './forest';
import { FLAG_CATEGORICAL, missingGoesLeft, nodeCover } from './tree-arrays';
import type { TreeArrays, ValueLayout } from './tree-arrays';

/**
 * A compiled forest's arrays, all on SharedArrayBuffers: posted to a worker thread they are shared, not
 * copied, so batch scoring on every core holds the forest once.
 */
export interface CompiledParts {
  d: number;
  K: number;
  roots: Int32Array;
  records: Float64Array;
  missingRight: Uint8Array;
  words: Uint32Array;
  out: Float64Array;
  cover: Float64Array;
}

/**
 * A forest laid out for prediction. Every node is one 16-byte record — threshold (float64), feature and
 * first child (int32) — and a node's two children sit side by side, so a step down a tree touches one
 * cache line: what keeps a deep 100-tree forest fast when it no longer fits in cache.
 *
 * A numeric split's feature is stored as f, a categorical one as d + f (its threshold then indexes
 * `words`), a leaf as -1. `missingRight` is read only for a missing value. `out` holds each node's
 * output — the normalised, class-weighted class distribution, or the regression value — K per node —
 * and `cover` its weighted training rows (docs/ARTIFACT.md), which TreeSHAP needs.
 */
export class CompiledForest {
  readonly d: number;
  readonly K: number;
  readonly roots: Int32Array;
  /** Threshold of node i at [2i]. */
  readonly thresholds: Float64Array;
  /** Feature of node i at [4i+2] (-1: a leaf), its left child at [4i+3]; the right child is left + 1. */
  readonly links: Int32Array;
  readonly missingRight: Uint8Array;
  readonly words: Uint32Array;
  readonly out: Float64Array;
  readonly cover: Float64Array;
  /** Whether every split is numeric (no categorical ones). */
  readonly numeric: boolean;

  constructor(forest: Forest | CompiledParts) {
    if (!('trees' in forest)) {
      ({ d: this.d, K: this.K, roots: this.roots, missingRight: this.missingRight } = forest);
      ({ words: this.words, out: this.out, cover: this.cover } = forest);
      this.thresholds = forest.records;
      this.links = new Int32Array(forest.records.buffer);
      this.numeric = allNumeric(this.links, this.d);
      return;
    }
    const K = (this.K = forest.nClasses);
    this.d = forest.nFeatures;
    const layout: ValueLayout = {
      task: forest.task,
      K,
      ...(forest.classWeight ? { classWeight: forest.classWeight } : {}),
    };
    const total = forest.trees.reduce((sum, t) => sum + t.feature.length, 0);
    const records = new SharedArrayBuffer(16 * total);
    this.thresholds = new Float64Array(records);
    this.links = new Int32Array(records);
    this.missingRight = shared(Uint8Array, total);
    this.roots = shared(Int32Array, forest.trees.length);
    this.out = shared(Float64Array, total * K);
    this.cover = shared(Float64Array, total);
    this.words = shared(
      Uint32Array,
      forest.trees.reduce((sum, t) => sum + (t.categoryBits?.length ?? 0), 0),
    );
    let base = 0;
    let wordBase = 0;
    forest.trees.forEach((tree, t) => {
      this.roots[t] = base;
      if (tree.categoryBits) this.words.set(tree.categoryBits, wordBase);
      base = this.place(tree, base, wordBase, layout);
      wordBase += tree.categoryBits?.length ?? 0;
    });
    this.numeric = allNumeric(this.links, this.d);
  }

  /** The arrays, to rebuild this forest in a worker thread without copying them. */
  parts(): CompiledParts {
    const { d, K, roots, missingRight, words, out, cover } = this;
    return { d, K, roots, records: this.thresholds, missingRight, words, out, cover };
  }

  /**
   * Copies one tree in breadth-first order, giving each split's children two adjacent slots (whatever
   * the source numbering). Returns the next free slot.
   */
  private place(tree: TreeArrays, base: number, wordBase: number, layout: ValueLayout): number {
    const { K, d, thresholds, links, missingRight, cover, out } = this;
    const { feature, threshold, left, right, flags, value } = tree;
    const regression = layout.task === 'regression';
    const w = layout.classWeight;
    const order = new Int32Array(feature.length);
    let queued = 1;
    for (let k = 0; k < queued; k++) {
      const src = order[k] as number;
      const at = base + k;
      const f = feature[src] as number;
      const categorical = f >= 0 && flags !== undefined && ((flags[src] as number) & FLAG_CATEGORICAL) !== 0;
      thresholds[2 * at] = categorical ? wordBase + (threshold[src] as number) : (threshold[src] as number);
      links[4 * at + 2] = categorical ? d + f : f;
      if (f >= 0) {
        links[4 * at + 3] = base + queued;
        order[queued++] = left[src] as number;
        order[queued++] = right[src] as number;
        missingRight[at] = missingGoesLeft(tree, src, layout) ? 0 : 1;
      } else {
        // A leaf leads to itself (no number is > NaN): `leaves` steps finished rows in place.
        thresholds[2 * at] = NaN;
        links[4 * at + 3] = at;
      }
      const sum = nodeCover(tree, src, layout);
      cover[at] = sum;
      if (regression) {
        out[at] = value[src] as number;
        continue;
      }
      // Normalised in class order, as docs/ARTIFACT.md specifies (the denominator is the cover).
      for (let c = 0; c < K; c++)
        out[at * K + c] =
          sum > 0 ? ((value[src * K + c] as number) * (w ? (w[c] as number) : 1)) / sum : 1 / K;
    }
    return base + queued;
  }

  /**
   * The leaf a row reaches from `node`: the row's value of feature f is `values[at + f]` (a category
   * code for a categorical feature, NaN when missing).
   */
  leaf(values: ArrayLike<number>, node: number, at = 0): number {
    const { thresholds, links, d, missingRight } = this;
    let f = links[4 * node + 2] as number;
    while (f >= 0) {
      let side: number;
      if (f < d) {
        const x = values[at + f] as number;
        side = x <= (thresholds[2 * node] as number) ? 0 : x === x ? 1 : (missingRight[node] as number);
      } else side = this.categorySide(node, values[at + f - d] as number);
      node = (links[4 * node + 3] as number) + side;
      f = links[4 * node + 2] as number;
    }
    return node;
  }

  /**
   * The leaves that rows reach from `root`, into `into[0 … n-1]`: row k's value of feature f is
   * `values[k * d + f]`; `complete` says no value is missing. Several rows walk the tree together, each
   * step free of branches, so their chains of memory reads overlap and no step waits on a mispredicted
   * comparison (docs/BENCHMARKS.md). Where every split is numeric and no value missing, eight rows step
   * until all have reached a leaf (a leaf leads to itself); else four, each stopping at its leaf, a missing
   * value or a categorical split taking `step`. The last rows walk alone.
   */
  leaves(values: Float64Array, root: number, n: number, into: Int32Array, complete = false): void {
    let k = complete && this.numeric ? this.leavesByEight(values, root, n, into) : 0;
    const { thresholds, links, d } = this;
    for (; k + 4 <= n; k += 4) {
      const a0 = k * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      let f0 = links[4 * root + 2] as number;
      let f1 = f0;
      let f2 = f0;
      let f3 = f0;
      // A leaf's feature is -1: the loop runs while any of the four is at an inner node.
      while ((f0 & f1 & f2 & f3) >= 0) {
        if (f0 >= 0) {
          if (f0 < d) {
            const x = values[a0 + f0] as number;
            n0 =
              x === x
                ? (links[4 * n0 + 3] as number) + Number(x > (thresholds[2 * n0] as number))
                : this.step(n0, values, a0);
          } else n0 = this.step(n0, values, a0);
          f0 = links[4 * n0 + 2] as number;
        }
        if (f1 >= 0) {
          if (f1 < d) {
            const x = values[a1 + f1] as number;
            n1 =
              x === x
                ? (links[4 * n1 + 3] as number) + Number(x > (thresholds[2 * n1] as number))
                : this.step(n1, values, a1);
          } else n1 = this.step(n1, values, a1);
          f1 = links[4 * n1 + 2] as number;
        }
        if (f2 >= 0) {
          if (f2 < d) {
            const x = values[a2 + f2] as number;
            n2 =
              x === x
                ? (links[4 * n2 + 3] as number) + Number(x > (thresholds[2 * n2] as number))
                : this.step(n2, values, a2);
          } else n2 = this.step(n2, values, a2);
          f2 = links[4 * n2 + 2] as number;
        }
        if (f3 >= 0) {
          if (f3 < d) {
            const x = values[a3 + f3] as number;
            n3 =
              x === x
                ? (links[4 * n3 + 3] as number) + Number(x > (thresholds[2 * n3] as number))
                : this.step(n3, values, a3);
          } else n3 = this.step(n3, values, a3);
          f3 = links[4 * n3 + 2] as number;
        }
      }
      into[k] = n0;
      into[k + 1] = n1;
      into[k + 2] = n2;
      into[k + 3] = n3;
    }
    for (; k < n; k++) into[k] = this.leaf(values, root, k * d);
  }

  /**
   * `leaves` for numeric splits and no missing value, eight rows at a time; returns the rows done. A row
   * at a leaf reads feature max(−1, 0)'s value and stays where it is.
   */
  private leavesByEight(values: Float64Array, root: number, n: number, into: Int32Array): number {
    const { thresholds: t, links, d } = this;
    let k = 0;
    for (; k + 8 <= n; k += 8) {
      const a0 = k * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      const a4 = a3 + d;
      const a5 = a4 + d;
      const a6 = a5 + d;
      const a7 = a6 + d;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      let n4 = root;
      let n5 = root;
      let n6 = root;
      let n7 = root;
      let f0 = links[4 * root + 2] as number;
      let f1 = f0;
      let f2 = f0;
      let f3 = f0;
      let f4 = f0;
      let f5 = f0;
      let f6 = f0;
      let f7 = f0;
      while ((f0 & f1 & f2 & f3 & f4 & f5 & f6 & f7) >= 0) {
        n0 =
          (links[4 * n0 + 3] as number) +
          Number((values[a0 + (f0 & ~(f0 >> 31))] as number) > (t[2 * n0] as number));
        n1 =
          (links[4 * n1 + 3] as number) +
          Number((values[a1 + (f1 & ~(f1 >> 31))] as number) > (t[2 * n1] as number));
        n2 =
          (links[4 * n2 + 3] as number) +
          Number((values[a2 + (f2 & ~(f2 >> 31))] as number) > (t[2 * n2] as number));
        n3 =
          (links[4 * n3 + 3] as number) +
          Number((values[a3 + (f3 & ~(f3 >> 31))] as number) > (t[2 * n3] as number));
        n4 =
          (links[4 * n4 + 3] as number) +
          Number((values[a4 + (f4 & ~(f4 >> 31))] as number) > (t[2 * n4] as number));
        n5 =
          (links[4 * n5 + 3] as number) +
          Number((values[a5 + (f5 & ~(f5 >> 31))] as number) > (t[2 * n5] as number));
        n6 =
          (links[4 * n6 + 3] as number) +
          Number((values[a6 + (f6 & ~(f6 >> 31))] as number) > (t[2 * n6] as number));
        n7 =
          (links[4 * n7 + 3] as number) +
          Number((values[a7 + (f7 & ~(f7 >> 31))] as number) > (t[2 * n7] as number));
        f0 = links[4 * n0 + 2] as number;
        f1 = links[4 * n1 + 2] as number;
        f2 = links[4 * n2 + 2] as number;
        f3 = links[4 * n3 + 2] as number;
        f4 = links[4 * n4 + 2] as number;
        f5 = links[4 * n5 + 2] as number;
        f6 = links[4 * n6 + 2] as number;
        f7 = links[4 * n7 + 2] as number;
      }
      into[k] = n0;
      into[k + 1] = n1;
      into[k + 2] = n2;
      into[k + 3] = n3;
      into[k + 4] = n4;
      into[k + 5] = n5;
      into[k + 6] = n6;
      into[k + 7] = n7;
    }
    return k;
  }

  /** The child a row goes to from inner node `node`. */
  step(node: number, values: ArrayLike<number>, at = 0): number {
    const f = this.links[4 * node + 2] as number;
    let side: number;
    if (f < this.d) {
      const x = values[at + f] as number;
      side =
        x <= (this.thresholds[2 * node] as number) ? 0 : x === x ? 1 : (this.missingRight[node] as number);
    } else side = this.categorySide(node, values[at + f - this.d] as number);
    return (this.links[4 * node + 3] as number) + side;
  }

  /** 0 (left) or 1 (right): where category code x (NaN: missing) goes at a categorical node. */
  categorySide(node: number, x: number): number {
    if (x !== x) return this.missingRight[node] as number;
    const word = (this.thresholds[2 * node] as number) + (x >>> 5);
    return (((this.words[word] as number) >>> (x & 31)) & 1) === 1 ? 0 : 1;
  }
}

/** Whether no split of the forest is categorical (stored as d + f). */
function allNumeric(links: Int32Array, d: number): boolean {
  for (let i = 2; i < links.length; i += 4) if ((links[i] as number) >= d) return false;
  return true;
}

type TypedArrayOf<T> = new (buffer: SharedArrayBuffer) => T;

function shared<T>(type: TypedArrayOf<T> & { BYTES_PER_ELEMENT: number }, length: number): T {
  return new type(new SharedArrayBuffer(type.BYTES_PER_ELEMENT * length));
}

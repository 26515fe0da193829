/**
 * A tree as flat arrays, nodes numbered from the root (0), children after their parent — the layout of
 * docs/ARTIFACT.md ("The trees"), which this file implements for every reader and writer of trees.
 */
export interface TreeArrays {
  /** Split feature; -1 for a leaf. */
  feature: Int32Array;
  /** Numeric split: x ≤ threshold goes left. Categorical split: the first word of its categoryBits. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /**
   * Classification: K class counts per node (bootstrap draws, not class-weighted; an inner node's are
   * its children's sums). Regression: one mean target per node.
   */
  value: Float64Array;
  /** Regression: each node's bootstrap row count. Classification: derived from value (`nodeCover`). */
  cover?: Float64Array;
  /** FLAG_* bits per node; absent: only numeric splits, missing values go to the larger child. */
  flags?: Uint8Array;
  /** Left sets of categorical splits, 32 categories a word. */
  categoryBits?: Uint32Array;
}

export type Task = 'classification' | 'regression';

/** A missing value goes left at this node. */
export const FLAG_MISSING_LEFT = 1;
/** The node splits a categorical feature on a set of categories. */
export const FLAG_CATEGORICAL = 2;

/** How to read a tree's values: the task, K values per node, class weights (classification). */
export interface ValueLayout {
  task: Task;
  /** Values per node: the number of classes, or 1 (regression). */
  K: number;
  /** One weight per class; absent: all 1. */
  classWeight?: Float64Array;
}

/** Weighted training rows in node i (scikit-learn's weighted_n_node_samples, TreeSHAP's cover). */
export function nodeCover(tree: TreeArrays, i: number, layout: ValueLayout): number {
  if (layout.task === 'regression') return (tree.cover as Float64Array)[i] as number;
  const { K, classWeight } = layout;
  let sum = 0;
  for (let c = 0; c < K; c++)
    sum += (tree.value[i * K + c] as number) * (classWeight ? (classWeight[c] as number) : 1);
  return sum;
}

/** The missing side of a node whose training rows all had the feature: the child of larger cover. */
export function largerChildIsLeft(tree: TreeArrays, i: number, layout: ValueLayout): boolean {
  return nodeCover(tree, tree.left[i] as number, layout) > nodeCover(tree, tree.right[i] as number, layout);
}

/** Whether a missing value goes left at inner node i (its flag, or the larger-cover rule). */
export function missingGoesLeft(tree: TreeArrays, i: number, layout: ValueLayout): boolean {
  return tree.flags
    ? ((tree.flags[i] as number) & FLAG_MISSING_LEFT) !== 0
    : largerChildIsLeft(tree, i, layout);
}

/** Every node's flags, explicit: the stored ones, or the larger-cover rule where there are none. */
export function explicitFlags(tree: TreeArrays, layout: ValueLayout): Uint8Array {
  if (tree.flags) return tree.flags;
  const flags = new Uint8Array(tree.feature.length);
  for (let i = 0; i < flags.length; i++) {
    if ((tree.feature[i] as number) >= 0 && largerChildIsLeft(tree, i, layout)) flags[i] = FLAG_MISSING_LEFT;
  }
  return flags;
}

/**
 * Fills inner nodes from their children, bottom-up (children have larger indexes): classification
 * counts are sums; regression covers are sums and values the cover-weighted mean of the children's.
 */
export function deriveInnerValues(tree: TreeArrays, layout: ValueLayout): void {
  const { value, cover, feature, left, right } = tree;
  const K = layout.K;
  for (let i = feature.length - 1; i >= 0; i--) {
    if ((feature[i] as number) < 0) continue;
    const l = left[i] as number;
    const r = right[i] as number;
    if (layout.task === 'regression') {
      const c = cover as Float64Array;
      const cl = c[l] as number;
      const cr = c[r] as number;
      c[i] = cl + cr;
      value[i] = (cl * (value[l] as number) + cr * (value[r] as number)) / (cl + cr);
    } else {
      for (let k = 0; k < K; k++)
        value[i * K + k] = (value[l * K + k] as number) + (value[r * K + k] as number);
    }
  }
}

/** Whether category code k goes left at a categorical node whose words start at `word`. */
export function categoryGoesLeft(bits: Uint32Array, word: number, k: number): boolean {
  return (((bits[word + (k >>> 5)] as number) >>> (k & 31)) & 1) === 1;
}

/**
 * The leaf a row reaches: `values[at + f]` is the row's value of feature f (a category code for a
 * categorical feature, NaN when missing). The routing rule of docs/ARTIFACT.md.
 */
export function leafOf(tree: TreeArrays, values: ArrayLike<number>, at: number, layout: ValueLayout): number {
  let node = 0;
  let f = tree.feature[0] as number;
  while (f >= 0) {
    const x = values[at + f] as number;
    let goLeft: boolean;
    if (x !== x) goLeft = missingGoesLeft(tree, node, layout);
    else if (tree.flags && ((tree.flags[node] as number) & FLAG_CATEGORICAL) !== 0)
      goLeft = categoryGoesLeft(tree.categoryBits as Uint32Array, tree.threshold[node] as number, x);
    else goLeft = x <= (tree.threshold[node] as number);
    node = goLeft ? (tree.left[node] as number) : (tree.right[node] as number);
    f = tree.feature[node] as number;
  }
  return node;
}

import { RandomForestClassifier } from 'ml-random-forest';
import { MlctlError } from '../errors';
import type { Forest } from '../forest/forest';
import type { ForestDefinition } from '../forest/predictor';
import type { TreeArrays } from '../forest/tree';

/** An ml-cart tree node as ml-random-forest loads it. */
interface CartNode {
  left?: CartNode;
  right?: CartNode;
  splitColumn?: number;
  splitValue?: number;
  distribution?: { to1DArray(): number[] };
}

interface LoadedForest {
  indexes: number[][];
  estimators: Array<{ root: CartNode }>;
}

/**
 * Imports a model saved by ml-random-forest's `RandomForestClassifier#toJSON()` (ml.js users). The
 * library itself parses it; its trees are then compiled into mlctl's arrays, with these translations:
 * - each tree saw a subset of the columns (`indexes`): split columns are mapped back to the full row;
 * - ml-cart goes left when `x < value`; mlctl when `x ≤ threshold`, so threshold = the double below value;
 * - a tree votes for its leaf's most probable class, as ml.js's `predict` counts votes; so a leaf's value
 *   is that vote, and probabilities are vote shares over all trees (ml.js's `predictProbability` drops
 *   the first tree's vote; this does not);
 * - inner nodes, which ml.js does not describe, get the mean of their children: `explain` still sums.
 * Classes are 0..K-1 (ml.js labels are integers); features are `feature_0..` unless named.
 */
export function importMlRandomForest(
  json: unknown,
  featureNames: string[] | undefined,
  where: string,
): ForestDefinition {
  let loaded: LoadedForest;
  try {
    loaded = RandomForestClassifier.load(json as never) as unknown as LoadedForest;
  } catch (err) {
    throw new MlctlError(
      'MODEL_UNSUPPORTED',
      `${where}: not a loadable ml-random-forest classifier: ${(err as Error).message}`,
    );
  }
  const maxIndex = Math.max(...loaded.indexes.flat());
  const nFeatures = featureNames?.length ?? maxIndex + 1;
  if (maxIndex >= nFeatures) {
    throw new MlctlError(
      'INPUT_INVALID',
      `${where} uses column ${maxIndex}, but --features names ${nFeatures} features`,
      {
        hint: `Name all ${maxIndex + 1} feature columns, in the order the model was trained with.`,
      },
    );
  }
  let K = 0;
  const trees: TreeArrays[] = loaded.estimators.map((estimator, t) => {
    const compiled = compileTree(estimator.root, loaded.indexes[t] as number[]);
    K = Math.max(K, compiled.K);
    return compiled.tree;
  });
  const forest: Forest = {
    task: 'classification',
    nFeatures,
    nClasses: K,
    trees: trees.map((tree) => widen(tree, K)),
  };
  return {
    features: featureNames ?? Array.from({ length: nFeatures }, (_, i) => `feature_${i}`),
    classes: Array.from({ length: K }, (_, i) => i),
    forest,
  };
}

/** Breadth of the value arrays is the widest leaf distribution of the tree; widened to the forest's K later. */
function compileTree(root: CartNode, columns: number[]): { tree: TreeArrays & { K: number }; K: number } {
  const order: CartNode[] = [root];
  const left: number[] = [0];
  const right: number[] = [0];
  for (let i = 0; i < order.length; i++) {
    const node = order[i] as CartNode;
    if (node.distribution === undefined && node.left && node.right) {
      left[i] = order.push(node.left) - 1;
      right[i] = order.push(node.right) - 1;
    } else if (node.distribution !== undefined) {
      left[i] = 0;
      right[i] = 0;
    } else {
      throw new MlctlError(
        'MODEL_UNSUPPORTED',
        'an ml-random-forest tree node has neither children nor a distribution',
      );
    }
  }
  const size = order.length;
  const votes = order.map((node) => (node.distribution ? node.distribution.to1DArray() : undefined));
  const K = Math.max(1, ...votes.map((v) => v?.length ?? 0));
  const tree = {
    K,
    feature: new Int32Array(size),
    threshold: new Float64Array(size),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: new Float64Array(size * K),
  };
  for (let i = size - 1; i >= 0; i--) {
    const node = order[i] as CartNode;
    const vote = votes[i];
    if (vote) {
      tree.feature[i] = -1;
      tree.value[i * K + firstMax(vote)] = 1;
      continue;
    }
    tree.feature[i] = columns[node.splitColumn as number] as number;
    tree.threshold[i] = previousDouble(node.splitValue as number);
    for (let c = 0; c < K; c++) {
      tree.value[i * K + c] =
        ((tree.value[(left[i] as number) * K + c] as number) +
          (tree.value[(right[i] as number) * K + c] as number)) /
        2;
    }
  }
  return { tree, K };
}

function widen(tree: TreeArrays & { K?: number }, K: number): TreeArrays {
  const from = tree.K ?? K;
  const value = new Float64Array(tree.feature.length * K);
  for (let i = 0; i < tree.feature.length; i++) {
    for (let c = 0; c < from; c++) value[i * K + c] = tree.value[i * from + c] as number;
  }
  return { feature: tree.feature, threshold: tree.threshold, left: tree.left, right: tree.right, value };
}

function firstMax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** The largest double below x: `v < x` ⇔ `v ≤ previousDouble(x)` for every double v. */
export function previousDouble(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return x;
  if (x === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = (bits[0] as bigint) + (x > 0 ? -1n : 1n);
  return f[0] as number;
}

import { MlctlError } from '../errors';
import type { Forest } from '../forest/forest';
import type { ClassLabel } from '../forest/predictor';
import { formatJson } from './json-text';
import type { TreeArrays } from '../forest/tree';

export const MODEL_FORMAT = 'mlctl-random-forest';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const TREES_FILE = 'trees.bin';
/** Forests up to this many nodes keep their trees in model.json, one line per tree; larger ones use trees.bin. */
export const INLINE_NODE_LIMIT = 20_000;

/** The hyper-parameters as written to model.json and MLmodel (scikit-learn's names). */
export interface ModelParams {
  n_estimators: number;
  max_depth: number | null;
  max_features: string | number;
  /** max_features resolved against the number of features: features drawn at each split. */
  max_features_count: number;
  min_samples_leaf: number;
  bootstrap: true;
  criterion: 'gini';
  max_bins: number;
  seed: number;
  test_size: number;
}

/** model.json, without the trees. */
export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  format_version: number;
  features: string[];
  target: string;
  classes: ClassLabel[];
  params: ModelParams;
  forest: { n_features: number; n_classes: number; node_counts: number[]; storage: 'inline' | 'trees.bin' };
}

/**
 * model.json's text and, for a large forest, whether trees.bin must be written beside it (with
 * `treesBinChunks`). Deterministic: same forest, same bytes.
 */
export function encodeModel(
  doc: Omit<ModelDocument, 'forest'>,
  forest: Forest,
): { json: string; treesBin: boolean } {
  const nodeCounts = forest.trees.map((t) => t.feature.length);
  const total = nodeCounts.reduce((a, b) => a + b, 0);
  const storage = total <= INLINE_NODE_LIMIT ? 'inline' : 'trees.bin';
  const meta = { n_features: forest.nFeatures, n_classes: forest.nClasses, node_counts: nodeCounts, storage };
  if (storage === 'trees.bin') {
    return { json: `${formatJson({ ...doc, forest: meta })}\n`, treesBin: true };
  }
  // One line per tree: readable and diffable, where one number per line would run to thousands of lines.
  const marker = '"@trees@"';
  const text = formatJson({ ...doc, forest: { ...meta, trees: '@trees@' } });
  const trees = forest.trees.map((t) =>
    JSON.stringify({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold),
      left: Array.from(t.left),
      right: Array.from(t.right),
      value: Array.from(t.value),
    }),
  );
  return { json: `${text.replace(marker, `[\n      ${trees.join(',\n      ')}\n    ]`)}\n`, treesBin: false };
}

/**
 * trees.bin: the forest's nodes, all trees one after another, as five little-endian arrays in a row —
 * threshold (float64), value (float64 × classes), feature (int32, -1 for a leaf), left, right (int32,
 * node indexes within the tree). model.json's `node_counts` says where each tree starts. Yielded in
 * chunks of about `chunkBytes`, so a forest of millions of nodes is never in memory twice.
 */
export function* treesBinChunks(
  trees: readonly TreeArrays[],
  K: number,
  chunkBytes = 1 << 20,
): Generator<Uint8Array> {
  const sections: Array<{
    width: number;
    put: (view: DataView, at: number, t: TreeArrays, i: number) => void;
  }> = [
    { width: 8, put: (v, at, t, i) => v.setFloat64(at, t.threshold[i] as number, true) },
    {
      width: 8 * K,
      put: (v, at, t, i) => {
        for (let c = 0; c < K; c++) v.setFloat64(at + 8 * c, t.value[i * K + c] as number, true);
      },
    },
    { width: 4, put: (v, at, t, i) => v.setInt32(at, t.feature[i] as number, true) },
    { width: 4, put: (v, at, t, i) => v.setInt32(at, t.left[i] as number, true) },
    { width: 4, put: (v, at, t, i) => v.setInt32(at, t.right[i] as number, true) },
  ];
  for (const { width, put } of sections) {
    const perChunk = Math.max(1, Math.floor(chunkBytes / width));
    let buffer = new Uint8Array(perChunk * width);
    let view = new DataView(buffer.buffer);
    let filled = 0;
    for (const t of trees) {
      for (let i = 0; i < t.feature.length; i++) {
        put(view, filled * width, t, i);
        if (++filled === perChunk) {
          yield buffer;
          buffer = new Uint8Array(perChunk * width);
          view = new DataView(buffer.buffer);
          filled = 0;
        }
      }
    }
    if (filled > 0) yield buffer.subarray(0, filled * width);
  }
}

/** trees.bin in one buffer (tests, small forests). */
export function encodeTrees(trees: readonly TreeArrays[], K: number): Uint8Array {
  return Buffer.concat([...treesBinChunks(trees, K)]);
}

export function decodeTrees(
  bytes: Uint8Array,
  nodeCounts: readonly number[],
  K: number,
  where: string,
): TreeArrays[] {
  const N = nodeCounts.reduce((a, b) => a + b, 0);
  if (bytes.length !== N * (8 + 8 * K + 12)) {
    throw new MlctlError(
      'ARTIFACT_INVALID',
      `${where}: ${bytes.length} bytes, expected ${N * (8 + 8 * K + 12)} for ${N} nodes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const valueAt = 8 * N;
  const featureAt = 8 * N * (1 + K);
  const leftAt = featureAt + 4 * N;
  const rightAt = leftAt + 4 * N;
  let node = 0;
  return nodeCounts.map((size) => {
    const t: TreeArrays = {
      feature: new Int32Array(size),
      threshold: new Float64Array(size),
      left: new Int32Array(size),
      right: new Int32Array(size),
      value: new Float64Array(size * K),
    };
    for (let i = 0; i < size; i++, node++) {
      t.threshold[i] = view.getFloat64(8 * node, true);
      for (let c = 0; c < K; c++) t.value[i * K + c] = view.getFloat64(valueAt + 8 * (node * K + c), true);
      t.feature[i] = view.getInt32(featureAt + 4 * node, true);
      t.left[i] = view.getInt32(leftAt + 4 * node, true);
      t.right[i] = view.getInt32(rightAt + 4 * node, true);
    }
    return t;
  });
}

/** Trees as model.json holds them inline. */
export function treesFromJson(value: unknown, K: number, where: string): TreeArrays[] {
  if (!Array.isArray(value)) throw new MlctlError('ARTIFACT_INVALID', `${where}: forest.trees is not a list`);
  return value.map((t: Record<string, unknown>, i) => {
    const ints = (name: string): Int32Array =>
      Int32Array.from(numbers(t?.[name], `${where}: tree ${i}.${name}`));
    const tree: TreeArrays = {
      feature: ints('feature'),
      threshold: Float64Array.from(numbers(t?.threshold, `${where}: tree ${i}.threshold`)),
      left: ints('left'),
      right: ints('right'),
      value: Float64Array.from(numbers(t?.value, `${where}: tree ${i}.value`)),
    };
    if (tree.value.length !== tree.feature.length * K) {
      throw new MlctlError(
        'ARTIFACT_INVALID',
        `${where}: tree ${i} has ${tree.value.length} values for ${tree.feature.length} nodes × ${K} classes`,
      );
    }
    return tree;
  });
}

function numbers(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new MlctlError('ARTIFACT_INVALID', `${where} is not a list of numbers`);
  }
  return value as number[];
}

/** Every node's children lie after it and inside the tree, and split features exist: no loops, no reads past the arrays. */
export function checkTrees(trees: readonly TreeArrays[], nFeatures: number, where: string): void {
  trees.forEach((t, ti) => {
    const size = t.feature.length;
    if (size === 0 || t.threshold.length !== size || t.left.length !== size || t.right.length !== size) {
      throw new MlctlError('ARTIFACT_INVALID', `${where}: tree ${ti} has inconsistent node arrays`);
    }
    for (let i = 0; i < size; i++) {
      const f = t.feature[i] as number;
      if (f < 0) continue;
      const l = t.left[i] as number;
      const r = t.right[i] as number;
      if (f >= nFeatures || l <= i || r <= i || l >= size || r >= size) {
        throw new MlctlError(
          'ARTIFACT_INVALID',
          `${where}: tree ${ti} node ${i} is malformed (feature ${f}, children ${l}, ${r})`,
        );
      }
    }
  });
}

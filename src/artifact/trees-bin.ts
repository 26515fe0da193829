import { MlctlError } from '../errors';
import type { Forest } from '../forest/forest';
import { deriveInnerValues, explicitFlags } from '../forest/tree-arrays';
import type { TreeArrays, ValueLayout } from '../forest/tree-arrays';

export type LeafCountDtype = 'uint8' | 'uint16' | 'uint32';
const COUNT_BYTES: Record<LeafCountDtype, number> = { uint8: 1, uint16: 2, uint32: 4 };

/** The counts trees.bin stores for a leaf: its class counts, or (regression) its cover. */
function leafCounts(t: TreeArrays, i: number, layout: ValueLayout): ArrayLike<number> {
  return layout.task === 'regression'
    ? [(t.cover as Float64Array)[i] as number]
    : t.value.subarray(i * layout.K, i * layout.K + layout.K);
}

/** The narrowest unsigned type that holds every count trees.bin stores. */
export function leafCountDtype(forest: Forest): LeafCountDtype {
  const layout: ValueLayout = { task: forest.task, K: forest.nClasses };
  let max = 0;
  for (const t of forest.trees) {
    for (let i = 0; i < t.feature.length; i++) {
      if ((t.feature[i] as number) >= 0) continue;
      const counts = leafCounts(t, i, layout);
      for (let c = 0; c < counts.length; c++) max = Math.max(max, counts[c] as number);
    }
  }
  return max <= 0xff ? 'uint8' : max <= 0xffff ? 'uint16' : 'uint32';
}

interface Section {
  width: number;
  /** Writes the section's entries for tree t at byte `at` of view, returning the bytes written. */
  entries: (t: TreeArrays) => number;
  put: (view: DataView, at: number, t: TreeArrays, k: number) => void;
}

const leavesOf = (t: TreeArrays): number[] => {
  const out: number[] = [];
  for (let i = 0; i < t.feature.length; i++) if ((t.feature[i] as number) < 0) out.push(i);
  return out;
};

/**
 * trees.bin of format 2 (docs/ARTIFACT.md, "Storage"): sections of little-endian arrays, back to back.
 * Yielded in chunks of about `chunkBytes`, so a forest of millions of nodes is never in memory twice.
 */
export function* treesBinChunks(forest: Forest, chunkBytes = 1 << 20): Generator<Uint8Array> {
  const layout: ValueLayout = { task: forest.task, K: forest.nClasses };
  const regression = forest.task === 'regression';
  const dtype = leafCountDtype(forest);
  const cw = COUNT_BYTES[dtype];
  const putCount = (v: DataView, at: number, x: number): void =>
    cw === 1 ? v.setUint8(at, x) : cw === 2 ? v.setUint16(at, x, true) : v.setUint32(at, x, true);
  const leaves = new Map<TreeArrays, number[]>();
  const leafList = (t: TreeArrays): number[] => {
    let l = leaves.get(t);
    if (!l) leaves.set(t, (l = leavesOf(t)));
    return l;
  };
  const flags = new Map<TreeArrays, Uint8Array>();
  const nodes = (t: TreeArrays): number => t.feature.length;
  const withWeights: ValueLayout = {
    ...layout,
    ...(forest.classWeight ? { classWeight: forest.classWeight } : {}),
  };
  const sections: Section[] = [
    { width: 4, entries: nodes, put: (v, at, t, i) => v.setInt32(at, t.feature[i] as number, true) },
    { width: 4, entries: nodes, put: (v, at, t, i) => v.setInt32(at, t.left[i] as number, true) },
    { width: 4, entries: nodes, put: (v, at, t, i) => v.setInt32(at, t.right[i] as number, true) },
    { width: 8, entries: nodes, put: (v, at, t, i) => v.setFloat64(at, t.threshold[i] as number, true) },
    {
      width: 1,
      entries: nodes,
      put: (v, at, t, i) => {
        let f = flags.get(t);
        if (!f) flags.set(t, (f = explicitFlags(t, withWeights)));
        v.setUint8(at, f[i] as number);
      },
    },
    {
      width: 4,
      entries: (t) => t.categoryBits?.length ?? 0,
      put: (v, at, t, k) => v.setUint32(at, (t.categoryBits as Uint32Array)[k] as number, true),
    },
    ...(regression
      ? [
          {
            width: 8,
            entries: (t: TreeArrays) => leafList(t).length,
            put: (v: DataView, at: number, t: TreeArrays, k: number) =>
              v.setFloat64(at, t.value[leafList(t)[k] as number] as number, true),
          },
        ]
      : []),
    {
      width: cw * (regression ? 1 : layout.K),
      entries: (t) => leafList(t).length,
      put: (v, at, t, k) => {
        const counts = leafCounts(t, leafList(t)[k] as number, layout);
        for (let c = 0; c < counts.length; c++) putCount(v, at + cw * c, counts[c] as number);
      },
    },
  ];
  for (const { width, entries, put } of sections) {
    const perChunk = Math.max(1, Math.floor(chunkBytes / width));
    let buffer = new Uint8Array(perChunk * width);
    let view = new DataView(buffer.buffer);
    let filled = 0;
    for (const t of forest.trees) {
      const count = entries(t);
      for (let k = 0; k < count; k++) {
        put(view, filled * width, t, k);
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
export function encodeTrees(forest: Forest): Uint8Array {
  return Buffer.concat([...treesBinChunks(forest)]);
}

/** What decoding needs to know from model.json. */
export interface TreesBinMeta {
  nodeCounts: readonly number[];
  layout: ValueLayout;
  dtype: LeafCountDtype;
  /** Words of each tree (absent: none). */
  categoryWords?: readonly number[];
}

/** Reads trees.bin of format 2 back into trees, inner values derived (docs/ARTIFACT.md). */
export function decodeTrees(bytes: Uint8Array, meta: TreesBinMeta, where: string): TreeArrays[] {
  const { nodeCounts, layout } = meta;
  const regression = layout.task === 'regression';
  const K = layout.K;
  const cw = COUNT_BYTES[meta.dtype];
  if (cw === undefined)
    throw new MlctlError(
      'ARTIFACT_INVALID',
      `${where}: unknown leaf_count_dtype ${JSON.stringify(meta.dtype)}`,
    );
  const N = nodeCounts.reduce((a, b) => a + b, 0);
  const W = (meta.categoryWords ?? []).reduce((a, b) => a + b, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 21 * N + 4 * W) throw sizeError(where, bytes.length, N);
  let L = 0;
  for (let i = 0; i < N; i++) if (view.getInt32(4 * i, true) < 0) L++;
  const expected = 21 * N + 4 * W + (regression ? (8 + cw) * L : cw * K * L);
  if (bytes.length !== expected) throw sizeError(where, bytes.length, N, expected);
  const getCount = (at: number): number =>
    cw === 1 ? view.getUint8(at) : cw === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
  const at = { left: 4 * N, right: 8 * N, threshold: 12 * N, flags: 20 * N, words: 21 * N };
  const leafValuesAt = 21 * N + 4 * W;
  const countsAt = leafValuesAt + (regression ? 8 * L : 0);
  let node = 0;
  let leaf = 0;
  let word = 0;
  return nodeCounts.map((size, t) => {
    const words = meta.categoryWords?.[t] ?? 0;
    const tree: TreeArrays = {
      feature: new Int32Array(size),
      threshold: new Float64Array(size),
      left: new Int32Array(size),
      right: new Int32Array(size),
      flags: new Uint8Array(size),
      categoryBits: new Uint32Array(words),
      value: new Float64Array(size * K),
      ...(regression ? { cover: new Float64Array(size) } : {}),
    };
    for (let k = 0; k < words; k++, word++)
      (tree.categoryBits as Uint32Array)[k] = view.getUint32(at.words + 4 * word, true);
    for (let i = 0; i < size; i++, node++) {
      const f = (tree.feature[i] = view.getInt32(4 * node, true));
      tree.left[i] = view.getInt32(at.left + 4 * node, true);
      tree.right[i] = view.getInt32(at.right + 4 * node, true);
      tree.threshold[i] = view.getFloat64(at.threshold + 8 * node, true);
      (tree.flags as Uint8Array)[i] = view.getUint8(at.flags + node);
      if (f >= 0) continue;
      if (regression) {
        tree.value[i] = view.getFloat64(leafValuesAt + 8 * leaf, true);
        (tree.cover as Float64Array)[i] = getCount(countsAt + cw * leaf);
      } else {
        for (let c = 0; c < K; c++) tree.value[i * K + c] = getCount(countsAt + cw * (leaf * K + c));
      }
      leaf++;
    }
    return tree;
  });
}

/** Format 1's trees.bin: threshold, every node's class weights (float64), feature, left, right. */
export function decodeTreesV1(
  bytes: Uint8Array,
  nodeCounts: readonly number[],
  K: number,
  where: string,
): TreeArrays[] {
  const N = nodeCounts.reduce((a, b) => a + b, 0);
  if (bytes.length !== N * (8 + 8 * K + 12)) throw sizeError(where, bytes.length, N, N * (8 + 8 * K + 12));
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

/** Inner nodes' values from the leaves, once the trees have been checked (their children are sound). */
export function completeDecodedTrees(trees: TreeArrays[], layout: ValueLayout): void {
  for (const t of trees) deriveInnerValues(t, layout);
}

function sizeError(where: string, size: number, nodes: number, expected?: number): MlctlError {
  return new MlctlError(
    'ARTIFACT_INVALID',
    `${where}: ${size} bytes, ${expected === undefined ? 'too few' : `expected ${expected}`} for ${nodes} nodes`,
  );
}

import {
  decodeTrees,
  decodeTreesV1,
  completeDecodedTrees,
  encodeTrees,
  leafCountDtype,
  treesBinChunks,
} from './trees-bin';
import { checkTrees } from './trees-read';
import type { Forest } from '../forest/forest';
import type { TreeArrays } from '../forest/tree-arrays';

/** x1 ≤ t goes to leaf 1, else to node 2, which splits x0 ≤ -2.25 into leaves 3 and 4. */
const tree = (shift: number): TreeArrays => ({
  feature: Int32Array.from([1, -1, 0, -1, -1]),
  threshold: Float64Array.from([0.5 + shift, 0, -2.25, 0, 0]),
  left: Int32Array.from([1, 0, 3, 0, 0]),
  right: Int32Array.from([2, 0, 4, 0, 0]),
  flags: Uint8Array.from([1, 0, 0, 0, 0]),
  categoryBits: new Uint32Array(0),
  // Inner counts are the sums of their children's, as the learner writes them.
  value: Float64Array.from([5, 5, 4, 0, 1, 5, 1, 2, 0, 3]),
});
const forest = (trees: TreeArrays[]): Forest => ({
  task: 'classification',
  nFeatures: 2,
  nClasses: 2,
  trees,
});

/** Format 1's layout, written by hand from docs/ARTIFACT.md. */
function formatOne(trees: TreeArrays[], K: number): Uint8Array {
  const N = trees.reduce((a, t) => a + t.feature.length, 0);
  const view = new DataView(new ArrayBuffer(N * (8 + 8 * K + 12)));
  let i = 0;
  for (const t of trees) {
    for (let k = 0; k < t.feature.length; k++, i++) {
      view.setFloat64(8 * i, t.threshold[k] as number, true);
      for (let c = 0; c < K; c++)
        view.setFloat64(8 * N + 8 * (i * K + c), t.value[k * K + c] as number, true);
      view.setInt32(8 * N * (1 + K) + 4 * i, t.feature[k] as number, true);
      view.setInt32(8 * N * (1 + K) + 4 * N + 4 * i, t.left[k] as number, true);
      view.setInt32(8 * N * (1 + K) + 8 * N + 4 * i, t.right[k] as number, true);
    }
  }
  return new Uint8Array(view.buffer);
}

describe('trees.bin', () => {
  it('round-trips a forest exactly, inner counts derived, whatever the chunk size it was written in', () => {
    const trees = [tree(0), tree(1.5), tree(-3)];
    const whole = encodeTrees(forest(trees));
    // 21 bytes a node, 2 one-byte counts a leaf.
    expect(whole.length).toBe(15 * 21 + 9 * 2);
    const small = Buffer.concat([...treesBinChunks(forest(trees), 7)]);
    expect(small.equals(Buffer.from(whole))).toBe(true);
    const layout = { task: 'classification' as const, K: 2 };
    const back = decodeTrees(whole, { nodeCounts: [5, 5, 5], layout, dtype: 'uint8' }, 'trees.bin');
    checkTrees(back, [0, 0], 'trees.bin');
    completeDecodedTrees(back, layout);
    expect(back).toEqual(trees);
  });

  it('stores counts in the narrowest type, regression leaves as means and covers', () => {
    const big = tree(0);
    big.value = Float64Array.from([70000, 5, 69996, 0, 4, 5, 1, 2, 0, 3]);
    expect(leafCountDtype(forest([tree(0)]))).toBe('uint8');
    expect(leafCountDtype(forest([big]))).toBe('uint32');
    const regression: TreeArrays = {
      ...tree(0),
      value: Float64Array.from([3.5, 1.25, (2 * 4 + 3 * 7) / 5, 4, 7]),
      cover: Float64Array.from([9, 4, 5, 2, 3]),
    };
    const f: Forest = { task: 'regression', nFeatures: 2, nClasses: 1, trees: [regression] };
    const bytes = encodeTrees(f);
    expect(bytes.length).toBe(5 * 21 + 3 * (8 + 1));
    const layout = { task: 'regression' as const, K: 1 };
    const [back] = decodeTrees(bytes, { nodeCounts: [5], layout, dtype: 'uint8' }, 'trees.bin');
    completeDecodedTrees([back as TreeArrays], layout);
    expect(Array.from(back?.cover ?? [])).toEqual([9, 4, 5, 2, 3]);
    // Inner means from the leaves: (4·1.25 + 5·5.8) / 9 at the root.
    expect(back?.value[2]).toBe((2 * 4 + 3 * 7) / 5);
    expect(back?.value[0]).toBe((4 * 1.25 + 5 * back!.value[2]!) / 9);
  });

  it('keeps categorical splits: flags and each tree’s words', () => {
    const cat: TreeArrays = {
      ...tree(0),
      flags: Uint8Array.from([3, 0, 0, 0, 0]),
      categoryBits: Uint32Array.from([0b101]),
    };
    cat.threshold[0] = 0;
    const bytes = encodeTrees(forest([tree(0), cat]));
    const layout = { task: 'classification' as const, K: 2 };
    const back = decodeTrees(
      bytes,
      { nodeCounts: [5, 5], layout, dtype: 'uint8', categoryWords: [0, 1] },
      'trees.bin',
    );
    expect(Array.from(back[1]?.categoryBits ?? [])).toEqual([0b101]);
    expect(back[1]?.flags?.[0]).toBe(3);
    const [plain, categorical] = back as [TreeArrays, TreeArrays];
    expect(() => checkTrees([categorical], [0, 3], 'trees.bin')).not.toThrow();
    // A categorical split on a numeric feature, a numeric one on a categorical feature, or words past
    // the end: a malformed node.
    expect(() => checkTrees([categorical], [0, 0], 'trees.bin')).toThrow(/tree 0 node 0 is malformed/);
    expect(() => checkTrees([plain], [0, 3], 'trees.bin')).toThrow(/tree 0 node 0 is malformed/);
    expect(() => checkTrees([categorical], [0, 40], 'trees.bin')).toThrow(/tree 0 node 0 is malformed/);
  });

  it('is refused when its size does not match node_counts', () => {
    const layout = { task: 'classification' as const, K: 2 };
    const bytes = encodeTrees(forest([tree(0)]));
    const decode = (b: Uint8Array, nodes: number): TreeArrays[] =>
      decodeTrees(b, { nodeCounts: [nodes], layout, dtype: 'uint8' }, 'trees.bin');
    expect(() => decode(bytes, 6)).toThrow(/trees\.bin: 111 bytes, too few for 6 nodes/);
    expect(() => decode(bytes.subarray(1), 5)).toThrow(/110 bytes, expected 111/);
    expect(() => decode(bytes, 4)).toThrow(/111 bytes, expected/);
  });

  it('still reads format 1 (every node’s weights as float64)', () => {
    const trees = [tree(0), tree(2)].map(({ flags: _f, categoryBits: _c, ...t }) => t);
    expect(decodeTreesV1(formatOne(trees, 2), [5, 5], 2, 'trees.bin')).toEqual(trees);
    expect(() => decodeTreesV1(formatOne(trees, 2), [5, 6], 2, 'trees.bin')).toThrow(/expected/);
  });
});

describe('checkTrees', () => {
  it('refuses a node whose child points back up the tree (a loop) or a feature out of range', () => {
    const loop = tree(0);
    loop.left[2] = 1;
    loop.right[2] = 0;
    expect(() => checkTrees([loop], [0, 0], 'model.json')).toThrow(/node 2 is malformed/);
    expect(() => checkTrees([tree(0)], [0], 'model.json')).toThrow(/node 0 is malformed/);
    expect(() => checkTrees([tree(0)], [0, 0], 'model.json')).not.toThrow();
  });
});

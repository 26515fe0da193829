import { checkTrees, decodeTrees, encodeTrees, treesBinChunks } from './model-file';
import type { TreeArrays } from '../forest/tree';

const tree = (shift: number): TreeArrays => ({
  feature: Int32Array.from([1, -1, 0, -1, -1]),
  threshold: Float64Array.from([0.5 + shift, 0, -2.25, 0, 0]),
  left: Int32Array.from([1, 0, 3, 0, 0]),
  right: Int32Array.from([2, 0, 4, 0, 0]),
  value: Float64Array.from([5, 5, 4, 0, 1, 5, 1, 2, 0, 3]),
});

describe('trees.bin', () => {
  it('round-trips a forest exactly, whatever the chunk size it was written in', () => {
    const trees = [tree(0), tree(1.5), tree(-3)];
    const whole = encodeTrees(trees, 2);
    expect(whole.length).toBe(15 * (8 + 16 + 12));
    const small = Buffer.concat([...treesBinChunks(trees, 2, 7)]);
    expect(small.equals(Buffer.from(whole))).toBe(true);
    const back = decodeTrees(whole, [5, 5, 5], 2, 'trees.bin');
    expect(back).toEqual(trees);
  });

  it('is refused when its size does not match node_counts', () => {
    expect(() => decodeTrees(encodeTrees([tree(0)], 2), [6], 2, 'trees.bin')).toThrow(/expected/);
  });
});

describe('checkTrees', () => {
  it('refuses a node whose child points back up the tree (a loop) or a feature out of range', () => {
    const loop = tree(0);
    loop.left[2] = 1;
    loop.right[2] = 0;
    expect(() => checkTrees([loop], 2, 'model.json')).toThrow(/node 2 is malformed/);
    expect(() => checkTrees([tree(0)], 1, 'model.json')).toThrow(/node 0 is malformed/);
    expect(() => checkTrees([tree(0)], 2, 'model.json')).not.toThrow();
  });
});

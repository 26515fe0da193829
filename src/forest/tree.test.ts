import { binFeatures } from './binning';
import { growTree } from './tree';
import { FLAG_CATEGORICAL, FLAG_MISSING_LEFT, leafOf as routeLeaf } from './tree-arrays';
import type { GrownTree, TreeParams } from './tree';

const ALL = (d: number): TreeParams => ({ mtry: d, minSamplesLeaf: 1, maxDepth: Infinity, bootstrap: false });

function grow(columns: number[][], y: number[], params: TreeParams, K = 2, seed = 1): GrownTree {
  const data = binFeatures(columns.map((c) => Float64Array.from(c)));
  return growTree(data, { task: 'classification', y: Uint16Array.from(y), K }, params, seed, 0);
}

function leafOf(tree: GrownTree, row: number[]): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    node =
      (row[tree.feature[node] as number] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return node;
}

describe('growTree', () => {
  it('splits a separable feature at the midpoint, into two pure leaves', () => {
    const tree = grow([[1, 2, 3, 4, 5, 6]], [0, 0, 0, 1, 1, 1], ALL(1));
    expect(Array.from(tree.feature)).toEqual([0, -1, -1]);
    expect(tree.threshold[0]).toBe(3.5);
    expect(Array.from(tree.value)).toEqual([3, 3, 3, 0, 0, 3]);
  });

  it('picks the split of lowest weighted Gini impurity (hand-checked)', () => {
    // x0 ≤ 2.5 gives {0,0 | 0,1,1,1}: Gini 0 and 0.375 → weighted 0.25.
    // x1 ≤ 0.5 gives {0,0,1 | 0,1,1}: 0.444 each → weighted 0.444.  x0 wins.
    const x0 = [1, 2, 3, 4, 5, 6];
    const x1 = [0, 0, 0, 1, 1, 1];
    const y = [0, 0, 1, 0, 1, 1];
    const tree = grow([x1, x0], y, { ...ALL(2), maxDepth: 1 });
    expect(tree.feature[0]).toBe(1);
    expect(tree.threshold[0]).toBe(2.5);
    expect(Array.from(tree.value.subarray(2, 6))).toEqual([2, 0, 1, 3]);
  });

  it('takes the first of equally good splits, not a later one', () => {
    // x ≤ 1.5 ({0} | {1,1,0}) and x ≤ 3.5 ({0,1,1} | {0}) score the same; the first wins.
    const tree = grow([[1, 2, 3, 4]], [0, 1, 1, 0], { ...ALL(1), maxDepth: 1 });
    expect(tree.threshold[0]).toBe(1.5);
  });

  it('grows to purity by default: every training row is classified right', () => {
    const n = 300;
    const columns = [0, 1, 2].map((f) => Array.from({ length: n }, (_, i) => Math.sin(i * (f + 1.3)) * 10));
    const y = Array.from({ length: n }, (_, i) => (i * 2654435761) % 3);
    const tree = grow(columns, y, ALL(3), 3);
    for (let i = 0; i < n; i++) {
      const leaf = leafOf(
        tree,
        columns.map((c) => c[i] as number),
      );
      const v = Array.from(tree.value.subarray(leaf * 3, leaf * 3 + 3));
      expect(v.filter((w) => w > 0)).toHaveLength(1);
      expect(v[y[i] as number]).toBeGreaterThan(0);
    }
  });

  it('respects min_samples_leaf and max_depth', () => {
    const n = 200;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = Array.from({ length: n }, (_, i) => (i * 7) % 2);
    const leafy = grow([x], y, { ...ALL(1), minSamplesLeaf: 15 });
    for (let i = 0; i < leafy.feature.length; i++) {
      if ((leafy.feature[i] as number) < 0)
        expect((leafy.value[2 * i] as number) + (leafy.value[2 * i + 1] as number)).toBeGreaterThanOrEqual(
          15,
        );
    }
    const shallow = grow([x], y, { ...ALL(1), maxDepth: 3 });
    const depth = (node: number): number =>
      (shallow.feature[node] as number) < 0
        ? 0
        : 1 + Math.max(depth(shallow.left[node] as number), depth(shallow.right[node] as number));
    expect(depth(0)).toBe(3);
  });

  it('makes a leaf of a node whose features are all constant', () => {
    const tree = grow([[1, 1, 1, 1]], [0, 1, 0, 1], ALL(1));
    expect(Array.from(tree.feature)).toEqual([-1]);
    expect(Array.from(tree.value)).toEqual([2, 2]);
  });

  it('bootstraps: class weights add up to n draws, out-of-bag rows are the rows never drawn', () => {
    const n = 500;
    const x = Array.from({ length: n }, (_, i) => i % 17);
    const y = Array.from({ length: n }, (_, i) => (i % 17 > 8 ? 1 : 0));
    const tree = grow([x], y, { mtry: 1, minSamplesLeaf: 1, maxDepth: Infinity }, 2, 5);
    expect((tree.value[0] as number) + (tree.value[1] as number)).toBe(n);
    // About (1 - 1/n)^n ≈ 36.8 % of the rows are out of bag.
    expect(tree.oobRows.length / n).toBeGreaterThan(0.3);
    expect(tree.oobRows.length / n).toBeLessThan(0.44);
    expect(Array.from(tree.rowLeaves).every((leaf) => tree.feature[leaf] === -1)).toBe(true);
    // Every row's leaf is the one the thresholds send it to, in the bag or not.
    expect(Array.from(tree.rowLeaves)).toEqual(x.map((v) => leafOf(tree, [v])));
  });
});

describe('growTree with missing values, categories and numeric targets', () => {
  const grown = (
    columns: number[][],
    target: Parameters<typeof growTree>[1],
    categories: number[] = [],
    params = ALL(columns.length),
  ) =>
    growTree(
      binFeatures(
        columns.map((c) => Float64Array.from(c)),
        undefined,
        undefined,
        categories,
      ),
      target,
      params,
      1,
      0,
    );
  const cls = (y: number[], K = 2) => ({ task: 'classification' as const, y: Uint16Array.from(y), K });
  const layout = { task: 'classification' as const, K: 2 };

  it('learns where missing values go: the side that lowers the impurity', () => {
    // The missing row is class 1 like the large values: it goes right with them, though the left
    // child is larger (where the default rule would send it).
    const t = grown([[1, 2, 3, 4, 5, 6, NaN]], cls([0, 0, 0, 0, 1, 1, 1]));
    expect(t.threshold[0]).toBe(4.5);
    expect((t.flags?.[0] as number) & FLAG_MISSING_LEFT).toBe(0);
    expect(routeLeaf(t, [NaN], 0, layout)).toBe(t.right[0]);
    // And left, with the small values, when it is class 0.
    const l = grown([[1, 2, 3, 4, 5, 6, NaN]], cls([0, 0, 0, 0, 1, 1, 0]));
    expect((l.flags?.[0] as number) & FLAG_MISSING_LEFT).toBe(FLAG_MISSING_LEFT);
  });

  it('splits on missingness alone when that separates the classes (every number goes left)', () => {
    const t = grown([[1, 2, 3, NaN, NaN, NaN]], cls([0, 0, 0, 1, 1, 1]));
    expect(t.threshold[0]).toBe(Number.MAX_VALUE);
    expect((t.flags?.[0] as number) & FLAG_MISSING_LEFT).toBe(0);
    expect(routeLeaf(t, [1e300], 0, layout)).toBe(t.left[0]);
  });

  it('sends missing values to the larger child where the node had none', () => {
    const t = grown([[1, 2, 3, 4, 5, 6, 7, 8]], cls([0, 0, 1, 1, 1, 1, 1, 1]), [], {
      ...ALL(1),
      maxDepth: 1,
    });
    expect(t.threshold[0]).toBe(2.5);
    expect((t.flags?.[0] as number) & FLAG_MISSING_LEFT).toBe(0); // right holds 6 of 8
    const flipped = grown([[1, 2, 3, 4, 5, 6, 7, 8]], cls([0, 0, 0, 0, 0, 0, 1, 1]), [], {
      ...ALL(1),
      maxDepth: 1,
    });
    expect((flipped.flags?.[0] as number) & FLAG_MISSING_LEFT).toBe(FLAG_MISSING_LEFT);
  });

  it('splits a categorical feature on a set of categories (not an order of codes)', () => {
    // Categories 0 and 2 are class 0, 1 and 3 class 1: no threshold on the codes separates them.
    const codes = [0, 1, 2, 3, 0, 1, 2, 3];
    const t = grown([codes], cls([0, 1, 0, 1, 0, 1, 0, 1]), [4]);
    expect(Array.from(t.feature)).toEqual([0, -1, -1]);
    expect((t.flags?.[0] as number) & FLAG_CATEGORICAL).toBe(FLAG_CATEGORICAL);
    const side = (k: number) => (routeLeaf(t, [k], 0, layout) === t.left[0] ? 'L' : 'R');
    expect(side(0)).toBe(side(2));
    expect(side(1)).toBe(side(3));
    expect(side(0)).not.toBe(side(1));
  });

  it('sends categories a node never saw to its missing side', () => {
    // Category 3 exists in the feature but not in the rows; missing rows go with category 1's class.
    const t = grown([[0, 1, 2, 0, NaN, NaN]], cls([0, 1, 0, 0, 1, 1]), [4]);
    const left = (k: number) => routeLeaf(t, [k], 0, layout) === t.left[0];
    expect(left(3)).toBe(left(NaN));
    expect(left(3)).toBe(left(1));
  });

  it('grows a regression tree: leaves hold the mean, covers the rows, a constant target stops', () => {
    const t = grown([[1, 2, 3, 4, 5, 6]], { task: 'regression', y: Float64Array.from([1, 1, 1, 5, 6, 7]) });
    expect(t.threshold[0]).toBe(3.5);
    expect(t.value[t.left[0] as number]).toBe(1);
    expect(t.feature[t.left[0] as number]).toBe(-1); // constant: no further split
    expect(Array.from(t.cover ?? []).slice(0, 3)).toEqual([6, 3, 3]);
    expect(t.value[0]).toBeCloseTo(21 / 6, 12);
  });
});

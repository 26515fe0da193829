import { trainForest } from './forest';
import { Predictor } from './predictor';
import type { TreeArrays } from './tree';
import { FLAG_CATEGORICAL, FLAG_MISSING_LEFT, deriveInnerValues } from './tree-arrays';

/** One hand-made tree: x0 ≤ 0.5 → leaf [3, 1], else leaf [0, 4]. */
const stump: TreeArrays = {
  feature: Int32Array.from([0, -1, -1]),
  threshold: Float64Array.from([0.5, 0, 0]),
  left: Int32Array.from([1, 0, 0]),
  right: Int32Array.from([2, 0, 0]),
  value: Float64Array.from([3, 5, 3, 1, 0, 4]),
};

describe('Predictor', () => {
  it('averages normalised leaf distributions over trees (predict_proba)', () => {
    const other: TreeArrays = { ...stump, threshold: Float64Array.from([1.5, 0, 0]) };
    const p = new Predictor({
      features: ['x'],
      classes: ['no', 'yes'],
      forest: { task: 'classification', nFeatures: 1, nClasses: 2, trees: [stump, other] },
    });
    expect(p.predictProba([[0], [1], [2]])).toEqual([
      [0.75, 0.25],
      [0.375, 0.625],
      [0, 1],
    ]);
    expect(p.predict([[0], [1], [2]])).toEqual(['no', 'yes', 'yes']);
  });

  it('explains a prediction exactly: bias is the root distribution, the split moves it to the leaf', () => {
    const p = new Predictor({
      features: ['x', 'unused'],
      classes: [0, 1],
      forest: { task: 'classification', nFeatures: 2, nClasses: 2, trees: [stump] },
    });
    const e = p.explain([0, 7]);
    expect(e.bias).toEqual([3 / 8, 5 / 8]);
    expect(e.contributions[0]).toEqual([0.75 - 3 / 8, 0.25 - 5 / 8]);
    expect(e.contributions[1]).toEqual([0, 0]);
    expect(e.outputs).toEqual([0.75, 0.25]);
    expect(e.prediction).toBe(0);
  });

  it('has bias + contributions = probabilities for every row of a trained forest', async () => {
    const n = 400;
    const columns = [0, 1, 2, 3].map((f) =>
      Float64Array.from({ length: n }, (_, i) => Math.sin(i * (f + 0.7)) + (i % 3) * (f === 2 ? 1 : 0)),
    );
    const y = Uint16Array.from({ length: n }, (_, i) => i % 3);
    const { forest } = await trainForest(
      { columns, target: { task: 'classification', y, K: 3 } },
      { nEstimators: 20, seed: 3, mtry: 2, minSamplesLeaf: 1, maxDepth: Infinity },
      { threads: 1 },
    );
    const p = new Predictor({ features: ['a', 'b', 'c', 'd'], classes: [0, 1, 2], forest });
    let worst = 0;
    for (let i = 0; i < n; i += 7) {
      const row = columns.map((c) => c[i] as number);
      const e = p.explain(row);
      expect(e.outputs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (let c = 0; c < 3; c++) {
        const total = (e.bias[c] as number) + e.contributions.reduce((a, f) => a + (f[c] as number), 0);
        worst = Math.max(worst, Math.abs(total - (e.outputs[c] as number)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
    // The batch path (tree by tree) adds the same numbers in the same order as the row path.
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const batch = p.predictRows(rowMajor(columns, rows), rows.length);
    const single = new Float64Array(3);
    for (let i = 0; i < n; i++) {
      p.predictProbaInto(
        columns.map((c) => c[i] as number),
        single,
      );
      expect(Array.from(batch.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(single));
    }
  });

  it('builds a row from a record by feature name', () => {
    const p = new Predictor({
      features: ['x', 'y'],
      classes: [0, 1],
      forest: { task: 'classification', nFeatures: 2, nClasses: 2, trees: [stump] },
    });
    expect(Array.from(p.toRow({ y: 2, x: 1, extra: 9 }) ?? [])).toEqual([1, 2]);
    expect(p.toRow({ x: 1 })).toBeUndefined();
  });

  it('routes missing values by each node’s flag and categories by its words; regression averages leaf values', () => {
    // Node 0: categorical on feature 0, categories {0, 2} left, missing right. Node 2: x1 ≤ 1, missing left.
    const tree: TreeArrays = {
      feature: Int32Array.from([0, -1, 1, -1, -1]),
      threshold: Float64Array.from([0, 0, 1, 0, 0]),
      left: Int32Array.from([1, 0, 3, 0, 0]),
      right: Int32Array.from([2, 0, 4, 0, 0]),
      flags: Uint8Array.from([FLAG_CATEGORICAL, 0, FLAG_MISSING_LEFT, 0, 0]),
      categoryBits: Uint32Array.from([0b101]),
      value: Float64Array.from([0, 10, 0, 20, 30]),
      cover: Float64Array.from([6, 2, 4, 3, 1]),
    };
    deriveInnerValues(tree, { task: 'regression', K: 1 });
    const p = new Predictor({
      features: ['colour', 'x'],
      classes: [],
      forest: { task: 'regression', nFeatures: 2, nClasses: 1, trees: [tree, tree] },
    });
    expect(
      p.predict([
        [0, 5],
        [2, NaN],
        [1, 0.5],
        [1, 7],
        [NaN, NaN],
        [3, 1],
        [3, 1.5],
      ]),
    ).toEqual([10, 10, 20, 30, 20, 20, 30]);
    // Inner values derived from the leaves: bias is the root's, and bias + contributions = prediction.
    const e = p.explain([1, 0.5]);
    expect(e.bias).toEqual([(2 * 10 + 4 * ((3 * 20 + 30) / 4)) / 6]);
    expect(
      (e.bias[0] as number) + (e.contributions[0]?.[0] as number) + (e.contributions[1]?.[0] as number),
    ).toBeCloseTo(20, 12);
    expect(e.prediction).toBe(20);
  });
});

/** Rows `rows` of column-major `columns`, row after row (what `Predictor.predictRows` takes). */
function rowMajor(columns: readonly Float64Array[], rows: Int32Array): Float64Array {
  const d = columns.length;
  const block = new Float64Array(rows.length * d);
  rows.forEach((r, k) => columns.forEach((c, f) => (block[k * d + f] = c[r] as number)));
  return block;
}

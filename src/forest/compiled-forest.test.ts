import { trainForest } from './forest';
import { Predictor } from './predictor';

/** 3 features: numeric with gaps, a categorical one of 5 categories (some missing), numeric. */
function mixed(n: number): { columns: Float64Array[]; y: Uint16Array } {
  const columns = [0, 1, 2].map(() => new Float64Array(n));
  const y = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.sin(i * 1.3) * 3;
    const cat = (i * 3) % 5;
    (columns[0] as Float64Array)[i] = i % 6 === 0 ? NaN : a;
    (columns[1] as Float64Array)[i] = i % 9 === 0 ? NaN : cat;
    (columns[2] as Float64Array)[i] = Math.cos(i * 7.1) * 2;
    y[i] = ((a > 0.5 ? 1 : 0) + (cat === 2 ? 1 : 0) + (i % 4 === 0 ? 1 : 0)) % 3;
  }
  return { columns, y };
}

describe('CompiledForest.leaves', () => {
  it('reaches, four rows at a time, the leaf each row reaches alone (gaps, categories, a ragged end)', async () => {
    const n = 403;
    const { columns, y } = mixed(n);
    const { forest } = await trainForest(
      { columns, categories: [0, 5, 0], target: { task: 'classification', y, K: 3 } },
      { nEstimators: 8, seed: 5, mtry: 2, minSamplesLeaf: 1, maxDepth: Infinity },
      { threads: 1 },
    );
    const predictor = new Predictor({ features: ['a', 'b', 'c'], classes: [0, 1, 2], forest });
    const { compiled } = predictor;
    const d = 3;
    // Rows shuffled so that the four walking together take different paths and stop at different depths.
    const block = new Float64Array(n * d);
    for (let k = 0; k < n; k++)
      for (let f = 0; f < d; f++) block[k * d + f] = (columns[f] as Float64Array)[(k * 37) % n] as number;
    const leaves = new Int32Array(n);
    for (const root of compiled.roots) {
      compiled.leaves(block, root, n, leaves);
      for (let k = 0; k < n; k++) {
        expect(leaves[k]).toBe(compiled.leaf(block, root, k * d));
      }
    }
    // The batch sums are the predictor's, to the last bit.
    const outputs = predictor.predictRows(block, n);
    const one = new Float64Array(3);
    for (let k = 0; k < n; k++) {
      predictor.predictInto(block.subarray(k * d, k * d + d), one);
      expect(Array.from(outputs.subarray(k * 3, k * 3 + 3))).toEqual(Array.from(one));
    }
  });

  it('walks eight complete rows at a time where every split is numeric, to the leaf each reaches alone', async () => {
    const n = 515; // 64 groups of eight and a ragged end
    const d = 4;
    const columns = Array.from({ length: d }, (_, f) =>
      Float64Array.from({ length: n }, (_, i) => Math.sin(i * (f + 1.7)) * (f + 1)),
    );
    const y = Uint16Array.from({ length: n }, (_, i) =>
      (columns[0] as Float64Array)[i]! + (columns[2] as Float64Array)[i]! > 0 ? (i % 3 === 0 ? 2 : 1) : 0,
    );
    const { forest } = await trainForest(
      { columns, categories: [0, 0, 0, 0], target: { task: 'classification', y, K: 3 } },
      { nEstimators: 6, seed: 3, mtry: 2, minSamplesLeaf: 1, maxDepth: Infinity },
      { threads: 1 },
    );
    const predictor = new Predictor({ features: ['a', 'b', 'c', 'd'], classes: [0, 1, 2], forest });
    const { compiled } = predictor;
    expect(compiled.numeric).toBe(true);
    const block = new Float64Array(n * d);
    for (let k = 0; k < n; k++)
      for (let f = 0; f < d; f++) block[k * d + f] = (columns[f] as Float64Array)[(k * 41) % n] as number;
    const eight = new Int32Array(n);
    const four = new Int32Array(n);
    for (const root of compiled.roots) {
      compiled.leaves(block, root, n, eight, true);
      compiled.leaves(block, root, n, four, false);
      for (let k = 0; k < n; k++) expect(eight[k]).toBe(compiled.leaf(block, root, k * d));
      expect(Array.from(four)).toEqual(Array.from(eight));
    }
    // A missing value sends the block the general way, to the same sums as row by row.
    block[7 * d + 1] = NaN;
    const outputs = predictor.predictRows(block, n);
    const one = new Float64Array(3);
    for (let k = 0; k < n; k++) {
      predictor.predictInto(block.subarray(k * d, k * d + d), one);
      expect(Array.from(outputs.subarray(k * 3, k * 3 + 3))).toEqual(Array.from(one));
    }
  });
});

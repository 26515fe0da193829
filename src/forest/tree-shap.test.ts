import { trainForest } from './forest';
import type { Forest } from './forest';
import { gaussLegendre } from './gauss-legendre';
import { Predictor } from './predictor';
import { TreeShap } from './tree-shap';
import type { TreeArrays } from './tree-arrays';
import { deriveInnerValues, leafOf, missingGoesLeft, FLAG_CATEGORICAL, nodeCover } from './tree-arrays';
import type { ValueLayout } from './tree-arrays';

/** A seeded uniform generator (mulberry32), so every run tests the same forests. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A table of `d` features: numeric ones with ~15 % missing cells, feature 1 categorical (5 categories,
 * some missing); the target depends on several features at once, so the trees interact them.
 */
function table(n: number, d: number, seed: number): { columns: Float64Array[]; score: Float64Array } {
  const r = rng(seed);
  const columns = Array.from({ length: d }, () => new Float64Array(n));
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const v = f === 1 ? Math.floor(r() * 5) : r() * 4 - 2;
      (columns[f] as Float64Array)[i] = f !== 3 && r() < 0.15 ? NaN : v;
    }
    const x = (f: number): number => {
      const v = (columns[f] as Float64Array)[i] as number;
      return v === v ? v : 0;
    };
    score[i] = x(0) * x(2) + (x(1) === 2 || x(1) === 4 ? 1.5 : -0.5) + x(3) - 0.5 * x(4) + r() * 0.5;
  }
  return { columns, score };
}

async function forestOf(task: 'classification' | 'regression', d: number, seed: number): Promise<Forest> {
  const { columns, score } = table(300, d, seed);
  const target =
    task === 'regression'
      ? { task, y: score }
      : { task, K: 3, y: Uint16Array.from(score, (s) => (s < -0.5 ? 0 : s < 1 ? 1 : 2)) };
  const categories = Array.from({ length: d }, (_, f) => (f === 1 ? 5 : 0));
  const { forest } = await trainForest(
    { columns, categories, target },
    { nEstimators: 4, seed, mtry: 3, minSamplesLeaf: 3, maxDepth: 7 },
    { threads: 1 },
  );
  return forest;
}

/**
 * Path-dependent Shapley values by definition (the paper's Algorithm 1 and the Shapley sum over every
 * subset): exponential in d, independent of tree-shap.ts's algebra.
 */
function bruteForce(forest: Forest, row: Float64Array): Float64Array {
  const d = forest.nFeatures;
  const K = forest.nClasses;
  const layout: ValueLayout = { task: forest.task, K };
  const phi = new Float64Array(d * K);
  const fact = [1];
  for (let i = 1; i <= d; i++) fact.push((fact[i - 1] as number) * i);
  for (const tree of forest.trees) {
    const expect = (node: number, known: number, out: Float64Array): void => {
      out.fill(0);
      const walk = (i: number, weight: number): void => {
        const f = tree.feature[i] as number;
        if (f < 0) {
          const cover = nodeCover(tree, i, layout);
          for (let c = 0; c < K; c++) {
            const v =
              forest.task === 'regression'
                ? (tree.value[i] as number)
                : (tree.value[i * K + c] as number) / cover;
            out[c] = (out[c] as number) + weight * v;
          }
          return;
        }
        const l = tree.left[i] as number;
        const r = tree.right[i] as number;
        if ((known >> f) & 1) {
          walk(childOf(tree, i, row, layout) ? l : r, weight);
          return;
        }
        const all = nodeCover(tree, i, layout);
        walk(l, (weight * nodeCover(tree, l, layout)) / all);
        walk(r, (weight * nodeCover(tree, r, layout)) / all);
      };
      walk(node, 1);
    };
    const a = new Float64Array(K);
    const b = new Float64Array(K);
    for (let i = 0; i < d; i++) {
      for (let s = 0; s < 1 << d; s++) {
        if ((s >> i) & 1) continue;
        let size = 0;
        for (let j = 0; j < d; j++) size += (s >> j) & 1;
        const weight = ((fact[size] as number) * (fact[d - size - 1] as number)) / (fact[d] as number);
        expect(0, s | (1 << i), a);
        expect(0, s, b);
        for (let c = 0; c < K; c++)
          phi[i * K + c] =
            (phi[i * K + c] as number) +
            (weight * ((a[c] as number) - (b[c] as number))) / forest.trees.length;
      }
    }
  }
  return phi;
}

/** Whether a row goes left at inner node i (the routing rule of docs/ARTIFACT.md). */
function childOf(tree: TreeArrays, i: number, row: Float64Array, layout: ValueLayout): boolean {
  const x = row[tree.feature[i] as number] as number;
  if (x !== x) return missingGoesLeft(tree, i, layout);
  if (tree.flags && ((tree.flags[i] as number) & FLAG_CATEGORICAL) !== 0) {
    const bits = tree.categoryBits as Uint32Array;
    const word = (tree.threshold[i] as number) + (x >>> 5);
    return (((bits[word] as number) >>> (x & 31)) & 1) === 1;
  }
  return x <= (tree.threshold[i] as number);
}

function rowsOf(columns: readonly Float64Array[], n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => Float64Array.from(columns, (c) => c[i] as number));
}

describe('TreeShap', () => {
  it.each(['classification', 'regression'] as const)(
    'equals the Shapley values by definition, with categorical splits and missing values (%s)',
    async (task) => {
      const d = 6;
      const forest = await forestOf(task, d, 7);
      expect(forest.trees.some((t) => t.categoryBits && t.categoryBits.length > 0)).toBe(true);
      const predictor = new Predictor({ features: ['a', 'b', 'c', 'd', 'e', 'f'], classes: [], forest });
      const shap = new TreeShap(predictor);
      const K = forest.nClasses;
      const phi = new Float64Array(d * K);
      const one = new Float64Array(d);
      const out = new Float64Array(K);
      const rows = rowsOf(table(40, d, 99).columns, 40);
      for (const row of rows) {
        shap.shapInto(row, phi);
        const exact = bruteForce(forest, row);
        for (let j = 0; j < phi.length; j++)
          expect(Math.abs((phi[j] as number) - (exact[j] as number))).toBeLessThan(1e-12);
        predictor.predictInto(row, out);
        for (let c = 0; c < K; c++) {
          let sum = shap.expectedValue[c] as number;
          for (let f = 0; f < d; f++) sum += phi[f * K + c] as number;
          expect(Math.abs(sum - (out[c] as number))).toBeLessThan(1e-12);
          // One class alone is walked as in the every-class pass; the last class there is the others'
          // complement (class values sum to 0), equal to rounding error.
          shap.shapInto(row, one, c);
          for (let f = 0; f < d; f++) {
            if (c < K - 1 || K === 1) expect(one[f]).toBe(phi[f * K + c]);
            else expect(Math.abs((one[f] as number) - (phi[f * K + c] as number))).toBeLessThan(1e-15);
          }
        }
      }
    },
  );

  it('gives the root mean as the expected value and nothing to a feature no tree splits on', () => {
    // x0 ≤ 0.5 → [3 of class 0, 1 of class 1], else [0, 4]; feature 1 is never used.
    const stump: TreeArrays = {
      feature: Int32Array.from([0, -1, -1]),
      threshold: Float64Array.from([0.5, 0, 0]),
      left: Int32Array.from([1, 0, 0]),
      right: Int32Array.from([2, 0, 0]),
      value: Float64Array.from([3, 5, 3, 1, 0, 4]),
    };
    const predictor = new Predictor({
      features: ['x', 'unused'],
      classes: [0, 1],
      forest: { task: 'classification', nFeatures: 2, nClasses: 2, trees: [stump] },
    });
    const shap = new TreeShap(predictor);
    expect(Array.from(shap.expectedValue)).toEqual([3 / 8, 5 / 8]);
    const phi = new Float64Array(4);
    shap.shapInto([0, 7], phi);
    // One split: the whole move from the root's distribution to the leaf's goes to x.
    expect(phi[0]).toBeCloseTo(0.75 - 3 / 8, 15);
    expect(phi[1]).toBeCloseTo(0.25 - 5 / 8, 15);
    expect([phi[2], phi[3]]).toEqual([0, 0]);
  });

  it('walks a tree deeper than the call stack', () => {
    // A chain of 20,000 splits on x0 (x ≤ i goes left to a leaf), one leaf at the bottom.
    const depth = 20_000;
    const n = 2 * depth + 1;
    const tree: TreeArrays = {
      feature: new Int32Array(n).fill(-1),
      threshold: new Float64Array(n),
      left: new Int32Array(n),
      right: new Int32Array(n),
      value: new Float64Array(n),
      cover: new Float64Array(n),
    };
    for (let i = 0; i < depth; i++) {
      const node = 2 * i;
      tree.feature[node] = 0;
      tree.threshold[node] = i;
      tree.left[node] = node + 1;
      tree.right[node] = node + 2;
      (tree.cover as Float64Array)[node + 1] = 1;
      tree.value[node + 1] = i;
    }
    (tree.cover as Float64Array)[n - 1] = 1;
    tree.value[n - 1] = depth;
    deriveInnerValues(tree, { task: 'regression', K: 1 });
    const predictor = new Predictor({
      features: ['x'],
      classes: [],
      forest: { task: 'regression', nFeatures: 1, nClasses: 1, trees: [tree] },
    });
    const shap = new TreeShap(predictor);
    const phi = new Float64Array(1);
    shap.shapInto([12_345.5], phi);
    // One feature: its SHAP value is the prediction minus the expected value.
    expect(phi[0]).toBeCloseTo(12_346 - (shap.expectedValue[0] as number), 6);
    expect(leafOf(tree, [12_345.5], 0, { task: 'regression', K: 1 })).toBe(2 * 12_346 + 1);
  });
});

describe('gaussLegendre', () => {
  it('integrates every polynomial of degree up to 2m − 1 on [0, 1] exactly', () => {
    for (const m of [1, 2, 3, 7, 10, 32]) {
      const { nodes, weights } = gaussLegendre(m);
      for (let k = 0; k <= 2 * m - 1; k++) {
        let sum = 0;
        for (let q = 0; q < m; q++) sum += (weights[q] as number) * (nodes[q] as number) ** k;
        expect(Math.abs(sum - 1 / (k + 1))).toBeLessThan(1e-14);
      }
    }
  });
});

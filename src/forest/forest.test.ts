import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainForest } from './forest';
import type { ForestParams } from './forest';
import { encodeTrees } from '../artifact/trees-bin';
import type { ForestTraining } from './forest';
import { runTreeWorkers } from './worker-pool';
import { binFeatures } from './binning';
import { Predictor } from './predictor';
import { forestOutputs } from './batch';

const COMPILED_WORKER = join(__dirname, '..', '..', 'dist', 'forest', 'train-worker.js');

function dataset(n: number, seed: number): { columns: Float64Array[]; y: Uint16Array } {
  const columns = [0, 1, 2, 3, 4].map((f) =>
    Float64Array.from({ length: n }, (_, i) => Math.sin((i + seed) * (f + 1.1)) * 3),
  );
  const y = Uint16Array.from({ length: n }, (_, i) =>
    ((columns[0] as Float64Array)[i] as number) + ((columns[3] as Float64Array)[i] as number) > 0 ? 1 : 0,
  );
  return { columns, y };
}

/** Share of the out-of-bag rows whose out-of-bag prediction is their class. */
function oobAccuracy(r: ForestTraining, y: Uint16Array): number {
  let rows = 0;
  let right = 0;
  r.oobScored.forEach((scored, i) => {
    if (!scored) return;
    rows++;
    const p = r.oobPredictions.subarray(2 * i, 2 * i + 2);
    if (((p[1] as number) > (p[0] as number) ? 1 : 0) === y[i]) right++;
  });
  return right / rows;
}

const params: ForestParams = { nEstimators: 12, seed: 42, mtry: 2, minSamplesLeaf: 1, maxDepth: Infinity };

describe('trainForest', () => {
  it('is reproducible: the same seed gives the same trees, another seed other trees', async () => {
    const { columns, y } = dataset(300, 0);
    const a = await trainForest({ columns, target: { task: 'classification', y, K: 2 } }, params, {
      threads: 1,
    });
    const b = await trainForest({ columns, target: { task: 'classification', y, K: 2 } }, params, {
      threads: 1,
    });
    const c = await trainForest(
      { columns, target: { task: 'classification', y, K: 2 } },
      { ...params, seed: 43 },
      { threads: 1 },
    );
    expect(Buffer.from(encodeTrees(b.forest)).equals(Buffer.from(encodeTrees(a.forest)))).toBe(true);
    expect(Buffer.from(encodeTrees(c.forest)).equals(Buffer.from(encodeTrees(a.forest)))).toBe(false);
    expect(Array.from(a.oobPredictions)).toEqual(Array.from(b.oobPredictions));
  });

  it('grows the same forest on worker threads as on one thread (compiled worker from dist/)', async () => {
    // npm test builds dist/ first; without it this test must fail, not skip.
    expect(existsSync(COMPILED_WORKER)).toBe(true);
    const { columns, y } = dataset(400, 1);
    const one = await trainForest({ columns, target: { task: 'classification', y, K: 2 } }, params, {
      threads: 1,
    });
    const two = await trainForest({ columns, target: { task: 'classification', y, K: 2 } }, params, {
      threads: 2,
      workerScript: COMPILED_WORKER,
    });
    expect(two.threads).toBe(2);
    expect(Buffer.from(encodeTrees(two.forest)).equals(Buffer.from(encodeTrees(one.forest)))).toBe(true);
    expect(Array.from(two.oobPredictions)).toEqual(Array.from(one.oobPredictions));
  });

  it('scores out-of-bag rows: high on a learnable target', async () => {
    const { columns, y } = dataset(600, 2);
    const r = await trainForest(
      { columns, target: { task: 'classification', y, K: 2 } },
      { ...params, nEstimators: 30 },
      { threads: 1 },
    );
    expect(r.oobRows).toBe(600);
    expect(oobAccuracy(r, y)).toBeGreaterThan(0.85);
  });

  it('gives training-row probabilities equal to the predictor’s, to the last bit', async () => {
    // 3000 distinct values per feature: quantile bins, so nodes see gaps between bins.
    const { columns, y } = dataset(3000, 5);
    const r = await trainForest(
      { columns, target: { task: 'classification', y, K: 2 } },
      { ...params, nEstimators: 8 },
      { threads: 1 },
    );
    const predictor = new Predictor({
      features: ['a', 'b', 'c', 'd', 'e'],
      classes: [0, 1],
      forest: r.forest,
    });
    const rows = Int32Array.from({ length: 3000 }, (_, i) => i);
    expect(Array.from(r.trainPredictions)).toEqual(
      Array.from(predictor.predictRows(rowMajor(columns, rows), rows.length)),
    );
  });

  it('reports every tree to onTree', async () => {
    const { columns, y } = dataset(100, 3);
    const seen: number[] = [];
    await trainForest({ columns, target: { task: 'classification', y, K: 2 } }, params, {
      threads: 1,
      onTree: (done) => seen.push(done),
    });
    expect(seen).toEqual(Array.from({ length: params.nEstimators }, (_, i) => i + 1));
  });

  it('turns a crashing worker into WORKER_FAILED', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'mlctl-worker-')), 'crash.js');
    writeFileSync(script, "throw new Error('boom');\n");
    const { columns, y } = dataset(50, 4);
    const job = { data: binFeatures(columns), target: { task: 'classification' as const, y, K: 2 }, params };
    await expect(runTreeWorkers(script, job, 2, () => undefined)).rejects.toMatchObject({
      code: 'WORKER_FAILED',
    });
  });
});

describe('trainForest on categories, gaps and numbers to predict', () => {
  /** 4 features: two numeric with 15 % missing, a categorical one of 6 categories (some missing), noise. */
  function mixed(n: number): { columns: Float64Array[]; y: Uint16Array; value: Float64Array } {
    const columns = [0, 1, 2, 3].map(() => new Float64Array(n));
    const y = new Uint16Array(n);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = Math.sin(i * 1.7) * 3;
      const b = Math.cos(i * 0.9) * 2;
      const cat = (i * 7) % 6;
      (columns[0] as Float64Array)[i] = i % 7 === 0 ? NaN : a;
      (columns[1] as Float64Array)[i] = i % 5 === 0 ? NaN : b;
      (columns[2] as Float64Array)[i] = i % 11 === 0 ? NaN : cat;
      (columns[3] as Float64Array)[i] = Math.sin(i * 12.9898) * 5;
      y[i] = (a > 0 ? 1 : 0) ^ (cat % 3 === 0 ? 1 : 0);
      value[i] = a * 2 + (cat === 1 || cat === 4 ? 5 : 0) + b;
    }
    return { columns, y, value };
  }
  const categories = [0, 0, 6, 0];

  it('gives training-row outputs equal to the predictor’s, to the last bit (classification, regression)', async () => {
    const { columns, y, value } = mixed(2000);
    const rows = Int32Array.from({ length: 2000 }, (_, i) => i);
    for (const target of [
      { task: 'classification' as const, y, K: 2, classWeight: Float64Array.from([0.7, 1.9]) },
      { task: 'regression' as const, y: value },
    ]) {
      const r = await trainForest(
        { columns, categories, target },
        { ...params, nEstimators: 6 },
        { threads: 1 },
      );
      const predictor = new Predictor({
        features: ['a', 'b', 'c', 'd'],
        classes: target.task === 'classification' ? [0, 1] : [],
        forest: r.forest,
      });
      expect(Array.from(r.trainPredictions)).toEqual(
        Array.from(predictor.predictRows(rowMajor(columns, rows), rows.length)),
      );
      expect(Array.from(forestOutputs(r.forest, columns, rows))).toEqual(Array.from(r.trainPredictions));
    }
  });

  it('grows the same categorical and regression forests on worker threads (compiled worker)', async () => {
    expect(existsSync(COMPILED_WORKER)).toBe(true);
    const { columns, value } = mixed(600);
    const set = { columns, categories, target: { task: 'regression' as const, y: value } };
    const one = await trainForest(set, params, { threads: 1 });
    const two = await trainForest(set, params, { threads: 2, workerScript: COMPILED_WORKER });
    expect(Buffer.from(encodeTrees(two.forest)).equals(Buffer.from(encodeTrees(one.forest)))).toBe(true);
  });

  it('learns a categorical + numeric interaction with gaps; regression explains out-of-bag variance', async () => {
    const { columns, y, value } = mixed(3000);
    const c = await trainForest(
      { columns, categories, target: { task: 'classification', y, K: 2 } },
      { ...params, nEstimators: 30 },
      { threads: 1 },
    );
    expect(oobAccuracy(c, y)).toBeGreaterThan(0.85);
    const r = await trainForest(
      { columns, categories, target: { task: 'regression', y: value } },
      { ...params, mtry: 4, nEstimators: 30 },
      { threads: 1 },
    );
    let ssRes = 0;
    let ssTot = 0;
    const mean = value.reduce((a, b) => a + b, 0) / value.length;
    r.oobScored.forEach((s, i) => {
      if (!s) return;
      ssRes += ((value[i] as number) - (r.oobPredictions[i] as number)) ** 2;
      ssTot += ((value[i] as number) - mean) ** 2;
    });
    expect(1 - ssRes / ssTot).toBeGreaterThan(0.8);
  });

  it('weighs classes: balanced weights lift the recall of a rare class', async () => {
    const n = 3000;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 3.1) * 10);
    const noise = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 7.7) * 10);
    // The rare class (5 %) lives where x > 8, among as many rows of the common class.
    const y = Uint16Array.from({ length: n }, (_, i) => ((x[i] as number) > 8 && i % 4 === 0 ? 1 : 0));
    const recall = async (classWeight?: Float64Array): Promise<number> => {
      const r = await trainForest(
        {
          columns: [x, noise],
          target: { task: 'classification', y, K: 2, ...(classWeight ? { classWeight } : {}) },
        },
        { ...params, nEstimators: 20, minSamplesLeaf: 20 },
        { threads: 1 },
      );
      let hit = 0;
      let rare = 0;
      r.oobScored.forEach((s, i) => {
        if (!s || y[i] !== 1) return;
        rare++;
        if ((r.oobPredictions[2 * i + 1] as number) > (r.oobPredictions[2 * i] as number)) hit++;
      });
      return hit / rare;
    };
    const rareShare = y.reduce((a, b) => a + b, 0) / n;
    const balanced = Float64Array.from([1 / (2 * (1 - rareShare)), 1 / (2 * rareShare)]);
    expect(await recall(balanced)).toBeGreaterThan((await recall()) + 0.2);
  });
});

/** Rows `rows` of column-major `columns`, row after row (what `Predictor.predictRows` takes). */
function rowMajor(columns: readonly Float64Array[], rows: Int32Array): Float64Array {
  const d = columns.length;
  const block = new Float64Array(rows.length * d);
  rows.forEach((r, k) => columns.forEach((c, f) => (block[k * d + f] = c[r] as number)));
  return block;
}

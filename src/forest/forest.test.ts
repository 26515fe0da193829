import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainForest } from './forest';
import type { ForestParams } from './forest';
import { encodeTrees } from '../artifact/model-file';
import { runTreeWorkers } from './worker-pool';
import { binFeatures } from './binning';
import { Predictor } from './predictor';

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

const params: ForestParams = { nEstimators: 12, seed: 42, mtry: 2, minSamplesLeaf: 1, maxDepth: Infinity };

describe('trainForest', () => {
  it('is reproducible: the same seed gives the same trees, another seed other trees', async () => {
    const { columns, y } = dataset(300, 0);
    const a = await trainForest({ columns, y, nClasses: 2 }, params, { threads: 1 });
    const b = await trainForest({ columns, y, nClasses: 2 }, params, { threads: 1 });
    const c = await trainForest({ columns, y, nClasses: 2 }, { ...params, seed: 43 }, { threads: 1 });
    expect(
      Buffer.from(encodeTrees(b.forest.trees, 2)).equals(Buffer.from(encodeTrees(a.forest.trees, 2))),
    ).toBe(true);
    expect(
      Buffer.from(encodeTrees(c.forest.trees, 2)).equals(Buffer.from(encodeTrees(a.forest.trees, 2))),
    ).toBe(false);
    expect(a.oobAccuracy).toBe(b.oobAccuracy);
  });

  it('grows the same forest on worker threads as on one thread (compiled worker from dist/)', async () => {
    // npm test builds dist/ first; without it this test must fail, not skip.
    expect(existsSync(COMPILED_WORKER)).toBe(true);
    const { columns, y } = dataset(400, 1);
    const one = await trainForest({ columns, y, nClasses: 2 }, params, { threads: 1 });
    const two = await trainForest({ columns, y, nClasses: 2 }, params, {
      threads: 2,
      workerScript: COMPILED_WORKER,
    });
    expect(two.threads).toBe(2);
    expect(
      Buffer.from(encodeTrees(two.forest.trees, 2)).equals(Buffer.from(encodeTrees(one.forest.trees, 2))),
    ).toBe(true);
    expect(two.oobAccuracy).toBe(one.oobAccuracy);
  });

  it('scores out-of-bag rows: high on a learnable target', async () => {
    const { columns, y } = dataset(600, 2);
    const r = await trainForest({ columns, y, nClasses: 2 }, { ...params, nEstimators: 30 }, { threads: 1 });
    expect(r.oobRows).toBe(600);
    expect(r.oobAccuracy).toBeGreaterThan(0.85);
  });

  it('gives training-row probabilities equal to the predictor’s, to the last bit', async () => {
    // 3000 distinct values per feature: quantile bins, so nodes see gaps between bins.
    const { columns, y } = dataset(3000, 5);
    const r = await trainForest({ columns, y, nClasses: 2 }, { ...params, nEstimators: 8 }, { threads: 1 });
    const predictor = new Predictor({
      features: ['a', 'b', 'c', 'd', 'e'],
      classes: [0, 1],
      forest: r.forest,
    });
    const rows = Int32Array.from({ length: 3000 }, (_, i) => i);
    expect(Array.from(r.trainProba)).toEqual(Array.from(predictor.predictProbaColumns(columns, rows)));
  });

  it('reports every tree to onTree', async () => {
    const { columns, y } = dataset(100, 3);
    const seen: number[] = [];
    await trainForest({ columns, y, nClasses: 2 }, params, { threads: 1, onTree: (done) => seen.push(done) });
    expect(seen).toEqual(Array.from({ length: params.nEstimators }, (_, i) => i + 1));
  });

  it('turns a crashing worker into WORKER_FAILED', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'mlctl-worker-')), 'crash.js');
    writeFileSync(script, "throw new Error('boom');\n");
    const { columns, y } = dataset(50, 4);
    const job = { data: binFeatures(columns), y, nClasses: 2, params };
    await expect(runTreeWorkers(script, job, 2, () => undefined)).rejects.toMatchObject({
      code: 'WORKER_FAILED',
    });
  });
});

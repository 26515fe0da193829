import { join } from 'node:path';
import { readTrainingTable } from '../../src/data/training-table';
import { trainForest } from '../../src/forest/forest';
import { classificationMetrics } from '../../src/forest/metrics';
import { Predictor } from '../../src/forest/predictor';
import { stratifiedSplit } from '../../src/forest/split';

const IRIS = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');

async function heldOutAccuracy(seed: number): Promise<number> {
  const t = await readTrainingTable(IRIS, { target: 'target' });
  const { train, test } = stratifiedSplit(t.y, t.classes, 0.2, seed);
  const columns = t.columns.map((c) => Float64Array.from(train, (i) => c[i] as number));
  const { forest } = await trainForest(
    {
      columns,
      target: { task: 'classification', y: Uint16Array.from(train, (i) => t.y[i] as number), K: 3 },
    },
    { nEstimators: 100, seed, mtry: 2, minSamplesLeaf: 1, maxDepth: Infinity },
    { threads: 1 },
  );
  const p = new Predictor({ features: t.features, classes: t.classes, forest });
  const predicted = Array.from(test, (i) => p.predictIndex(t.columns.map((c) => c[i] as number)));
  return classificationMetrics(
    Array.from(test, (i) => t.y[i] as number),
    predicted,
    t.classes,
  ).accuracy;
}

describe('accuracy on iris (100 trees, 30 held-out rows, scikit-learn’s stratified split)', () => {
  it('is at least 0.9 for seed 42', async () => {
    expect(await heldOutAccuracy(42)).toBeGreaterThanOrEqual(0.9);
  });

  it('averages at least 0.93 over ten seeds, and no split drops under 0.9', async () => {
    const accuracies: number[] = [];
    for (let seed = 0; seed < 10; seed++) accuracies.push(await heldOutAccuracy(seed));
    expect(accuracies.reduce((a, b) => a + b, 0) / accuracies.length).toBeGreaterThanOrEqual(0.93);
    expect(Math.min(...accuracies)).toBeGreaterThanOrEqual(0.9);
  });
});

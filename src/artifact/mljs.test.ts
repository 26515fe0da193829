import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import { loadModel } from './load';
import { previousDouble } from './mljs';

function irisLike(): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    X.push([c * 2 + Math.sin(i), c + Math.cos(i * 1.7), Math.sin(i * 0.3) * 3]);
    y.push(c);
  }
  return { X, y };
}

describe('ml-random-forest models', () => {
  const { X, y } = irisLike();
  const rf = new RandomForestClassifier({ nEstimators: 15, seed: 3, maxFeatures: 0.67, noOOB: true });
  rf.train(X, y);
  const file = join(mkdtempSync(join(tmpdir(), 'mlctl-mljs-')), 'forest.json');
  writeFileSync(file, JSON.stringify(rf.toJSON()));

  it('load from toJSON() and predict what ml.js predicts, with vote shares that sum to 1', async () => {
    const model = await loadModel(file, { features: ['a', 'b', 'c'] });
    expect(model.format).toBe('ml-random-forest');
    expect(model.features).toEqual(['a', 'b', 'c']);
    expect(model.classes).toEqual([0, 1, 2]);
    const theirs = rf.predict(X) as number[];
    const proba = model.predictor.predictProba(X);
    X.forEach((row, i) => {
      const p = proba[i] as number[];
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // ml.js breaks ties by the order votes arrive; compare where the vote is not tied.
      const sorted = [...p].sort((a, b) => b - a);
      if ((sorted[0] as number) > (sorted[1] as number))
        expect(model.predictor.predict([row])[0]).toBe(theirs[i]);
    });
  });

  it('compute the share of votes that ml.js predictProbability gets wrong', async () => {
    const model = await loadModel(file, {});
    const votes = (rf.predictionValues(X) as unknown as { getRow(i: number): number[] }).getRow(0);
    const share = votes.filter((v) => v === 0).length / votes.length;
    expect(model.predictor.predictProba([X[0] as number[]])[0]?.[0]).toBeCloseTo(share, 12);
    expect(model.features).toEqual(['feature_0', 'feature_1', 'feature_2']);
  });

  it('refuse --features with fewer names than the model uses', async () => {
    await expect(loadModel(file, { features: ['a'] })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('refuse JSON that is not a model', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'mlctl-mljs-')), 'x.json');
    writeFileSync(other, '{"name":"something"}');
    await expect(loadModel(other)).rejects.toMatchObject({ code: 'MODEL_UNSUPPORTED' });
  });
});

describe('previousDouble', () => {
  it('turns x < v into x ≤ previousDouble(v) for every double', () => {
    for (const v of [1, 0.1, -3.5, 1e-300, -1e300, 2 ** 52]) {
      const p = previousDouble(v);
      expect(p).toBeLessThan(v);
      expect(p + 0).not.toBe(v);
      // Nothing lies between: the midpoint rounds to one of them.
      const mid = p / 2 + v / 2;
      expect(mid === p || mid === v).toBe(true);
    }
    expect(previousDouble(0)).toBe(-Number.MIN_VALUE);
  });
});

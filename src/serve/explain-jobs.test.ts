import { trainForest } from '../forest/forest';
import { Predictor } from '../forest/predictor';
import { RowExplainer, saabasExplanation } from '../forest/shap-rows';
import { ExplainRunner } from './explain-jobs';
import type { ExplainJob } from './explain-jobs';

const N = 200;
const D = 3;

/** A small forest, regression or 3 classes, on a deterministic table. */
async function predictorOf(task: 'classification' | 'regression', seed: number): Promise<Predictor> {
  const columns = Array.from({ length: D }, (_, f) =>
    Float64Array.from({ length: N }, (_, i) => Math.sin(i * (f + 1.3) + seed)),
  );
  const score = Float64Array.from(
    { length: N },
    (_, i) => (columns[0]![i] as number) + (columns[1]![i] as number) ** 2,
  );
  const target =
    task === 'regression'
      ? { task, y: score }
      : { task, K: 3, y: Uint16Array.from(score, (s) => (s < 0 ? 0 : s < 0.8 ? 1 : 2)) };
  const { forest } = await trainForest(
    { columns, categories: [0, 0, 0], target },
    { nEstimators: 3, seed, mtry: 2, minSamplesLeaf: 2, maxDepth: 6 },
    { threads: 1 },
  );
  const classes = task === 'regression' ? [] : ['a', 'b', 'c'];
  return new Predictor({ features: ['x', 'y', 'z'], classes, forest });
}

const ROWS = [
  [0.1, -0.5, 0.3],
  [0.9, 0.9, -0.2],
];

function job(id: number, model: number, p: Predictor, options: Partial<ExplainJob> = {}): ExplainJob {
  return {
    id,
    model,
    forest: p.shared(),
    rows: Float64Array.from(ROWS.flat()),
    n: ROWS.length,
    allClasses: false,
    method: 'tree_shap',
    ...options,
  };
}

describe('ExplainRunner (the explanation thread’s work)', () => {
  it('explains each row as RowExplainer and saabasExplanation do, laid out flat per row', async () => {
    const p = await predictorOf('classification', 1);
    const runner = new ExplainRunner();
    for (const allClasses of [false, true]) {
      const shap = runner.run(job(1, 0, p, { allClasses }));
      const saabas = runner.run(job(2, 0, p, { allClasses, method: 'saabas' }));
      const O = allClasses ? 3 : 1;
      ROWS.forEach((row, k) => {
        const want = new RowExplainer(p, allClasses).explain(row);
        expect(shap.predicted[k]).toBe(want.predicted);
        expect(shap.outputs.subarray(k * 3, k * 3 + 3)).toEqual(want.outputs);
        expect(shap.expected.subarray(k * O, k * O + O)).toEqual(want.expected);
        expect(shap.values.subarray(k * D * O, (k + 1) * D * O)).toEqual(want.shap);
        const path = saabasExplanation(p, row, allClasses);
        expect(saabas.values.subarray(k * D * O, (k + 1) * D * O)).toEqual(path.shap);
        expect(saabas.expected.subarray(k * O, k * O + O)).toEqual(path.expected);
      });
    }
  });

  it('explains a regression forest on its one output', async () => {
    const p = await predictorOf('regression', 2);
    const out = new ExplainRunner().run(job(1, 0, p));
    const want = new RowExplainer(p, false).explain(ROWS[1] as number[]);
    expect(out.outputs[1]).toBe(want.outputs[0]);
    expect(out.values.subarray(D, 2 * D)).toEqual(want.shap);
  });

  it('keeps the forests used last and drops older ones; a dropped forest is built again from its job', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map((seed) => predictorOf('classification', seed)));
    const runner = new ExplainRunner(2);
    const first = runner.run(job(1, 10, a as Predictor));
    runner.run(job(2, 11, b as Predictor));
    expect(runner.size).toBe(2);
    runner.run(job(3, 10, a as Predictor)); // a is now the most recent: b goes next
    runner.run(job(4, 12, c as Predictor));
    expect(runner.size).toBe(2);
    expect(runner.run(job(5, 10, a as Predictor)).values).toEqual(first.values);
    expect(runner.run(job(6, 11, b as Predictor)).values).toEqual(
      new ExplainRunner().run(job(7, 0, b as Predictor)).values,
    );
    expect(runner.size).toBe(2);
  });
});

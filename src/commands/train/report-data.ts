import type { Forest } from '../../forest/forest';
import { regressionMetrics } from '../../forest/metrics';
import { Predictor, argmax } from '../../forest/predictor';
import { createRng } from '../../forest/random';
import { RowExplainer } from '../../forest/shap-rows';
import { impurityImportance, permutationImportance } from '../../report/importance';
import type { TrainReportData } from '../../report/train-report';
import type { EvaluatedRows } from './evaluate';

export type { TrainReportData } from '../../report/train-report';

/** Node visits budgeted for the report's SHAP sample: SHAP visits every node of every tree per row. */
const SHAP_NODE_BUDGET = 30_000_000;
/** Rows × features × repeats budgeted for permutation importance. */
const PERMUTATION_BUDGET = 200_000;
const REPEATS = 5;

/**
 * The report's numbers: permutation importance and SHAP on a seeded sample of the evaluated rows (all of
 * them when few; budgets keep a large forest's report to seconds), impurity decrease from the trees.
 */
export function reportData(
  run: Omit<TrainReportData, 'truth' | 'outputs' | 'impurity' | 'permutation' | 'shap'>,
  forest: Forest,
  evaluated: EvaluatedRows,
): TrainReportData {
  const d = run.features.length;
  const K = forest.nClasses;
  const n = evaluated.truth.length;
  const nodes = forest.trees.reduce((a, t) => a + t.feature.length, 0);
  const permutationRows = Math.min(n, Math.max(100, Math.floor(PERMUTATION_BUDGET / (d * REPEATS))));
  const order = sampleOrder(n, run.seed);
  const pick = (m: number): Int32Array => Int32Array.from(order.slice(0, m)).sort();
  const columnsOf = (sample: Int32Array): Float64Array[] =>
    evaluated.features.columns.map((c) =>
      Float64Array.from(sample, (i) => c[evaluated.features.rows[i] as number] as number),
    );

  const permutationSample = pick(permutationRows);
  const truth = Float64Array.from(permutationSample, (i) => evaluated.truth[i] as number);
  const score = (outputs: Float64Array): number => {
    if (run.task === 'regression') return regressionMetrics(truth, outputs).r2;
    let right = 0;
    for (let k = 0; k < truth.length; k++)
      if (argmax(outputs.subarray(k * K, k * K + K)) === truth[k]) right++;
    return right / truth.length;
  };
  const permutation = permutationImportance(forest, columnsOf(permutationSample), score, REPEATS, run.seed);

  const shapRows = Math.min(n, 500, Math.max(30, Math.floor(SHAP_NODE_BUDGET / Math.max(1, nodes))));
  const shapSample = pick(shapRows);
  const columns = columnsOf(shapSample);
  const explainer = new RowExplainer(
    new Predictor({ features: run.features, classes: run.classes, forest }),
    false,
  );
  const values = new Float64Array(shapRows * d);
  const features = new Float64Array(shapRows * d);
  const row = new Float64Array(d);
  for (let k = 0; k < shapRows; k++) {
    for (let f = 0; f < d; f++) row[f] = (columns[f] as Float64Array)[k] as number;
    features.set(row, k * d);
    values.set(explainer.explain(row).shap, k * d);
  }
  const meanAbs = Array.from({ length: d }, (_, f) => {
    let sum = 0;
    for (let k = 0; k < shapRows; k++) sum += Math.abs(values[k * d + f] as number);
    return shapRows > 0 ? sum / shapRows : 0;
  });
  return {
    ...run,
    truth: Float64Array.from(evaluated.truth),
    outputs: evaluated.outputs,
    impurity: impurityImportance(forest),
    permutation: { rows: permutationRows, repeats: REPEATS, values: permutation },
    shap: { rows: shapRows, values, features, meanAbs },
  };
}

/** The row indexes 0 … n−1 in a seeded random order (a sample is a prefix of it). */
function sampleOrder(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const random = createRng(seed, 0x73686170);
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

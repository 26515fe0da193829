import { argmax } from './predictor';
import type { ClassLabel, Predictor } from './predictor';
import { TreeShap } from './tree-shap';

/** One row's explanation: `expected[o] + Σ_f shap[f·O + o] = outputs[o]` for each explained output o. */
export interface RowExplanation {
  /** The class (classification) or the number (regression). */
  prediction: ClassLabel | number;
  /** The predicted class's index (classification; 0 for regression). */
  predicted: number;
  /** Class probabilities, or the one regression value. */
  outputs: Float64Array;
  /** Per explained output, the model's expected value. */
  expected: Float64Array;
  /** SHAP values, feature-major: `shap[f * O + o]`, O the explained outputs (1, or every class). */
  shap: Float64Array;
}

/** How a row is explained: exact TreeSHAP (shap's values), or the tree-path decomposition (Saabas). */
export type ExplainMethod = 'tree_shap' | 'saabas';

/**
 * Explains rows of a model, whatever its kind: classification per class, on probabilities (the
 * predicted class's, or every class's), regression on its value. One per thread: TreeShap keeps scratch
 * space. Rows are encoded as the predictor takes them (numbers, category codes, NaN for missing).
 */
export class RowExplainer {
  readonly shap: TreeShap;

  constructor(
    readonly predictor: Predictor,
    readonly allClasses: boolean,
  ) {
    this.shap = new TreeShap(predictor);
  }

  /** The explanation of one row whose outputs are known (`outputs`, K numbers; else predicted here). */
  explain(row: ArrayLike<number>, outputs?: Float64Array): RowExplanation {
    const { predictor, shap } = this;
    const K = predictor.nOutputs;
    const out = outputs ?? new Float64Array(K);
    if (!outputs) predictor.predictInto(row, out);
    const regression = predictor.task === 'regression';
    const predicted = regression ? 0 : argmax(out);
    const every = this.allClasses && !regression;
    const values = new Float64Array(shap.d * (every ? K : 1));
    shap.shapInto(row, values, every ? -1 : predicted);
    return {
      prediction: regression ? (out[0] as number) : (predictor.classes[predicted] as ClassLabel),
      predicted,
      outputs: out,
      expected: every ? shap.expectedValue.slice() : shap.expectedValue.slice(predicted, predicted + 1),
      shap: values,
    };
  }
}

/**
 * The tree-path decomposition (Saabas): along each tree's path, each split's change of the node output
 * credited to its feature. Also exact (`expected + Σ values = outputs`, the same expected value), O(depth)
 * per tree instead of O(nodes) — for latency-bound callers of a large forest — but not Shapley values: a
 * feature the model relies on more can get less credit.
 */
export function saabasExplanation(
  predictor: Predictor,
  row: ArrayLike<number>,
  allClasses: boolean,
): RowExplanation {
  const e = predictor.explain(row);
  const K = predictor.nOutputs;
  const regression = predictor.task === 'regression';
  const predicted = regression ? 0 : argmax(e.outputs);
  const every = allClasses && !regression;
  const O = every ? K : 1;
  const shap = new Float64Array(e.contributions.length * O);
  e.contributions.forEach((c, f) => {
    for (let o = 0; o < O; o++) shap[f * O + o] = c[every ? o : predicted] as number;
  });
  return {
    prediction: e.prediction,
    predicted,
    outputs: Float64Array.from(e.outputs),
    expected: every ? Float64Array.from(e.bias) : Float64Array.of(e.bias[predicted] as number),
    shap,
  };
}

/** What `explanationDocument` needs to know of the model. */
export interface ExplanationShape {
  task: 'classification' | 'regression';
  classes: readonly ClassLabel[];
  features: readonly string[];
  /** Every class's values, not only the predicted class's. */
  allClasses: boolean;
}

/**
 * A row's explanation as JSON — each row of `POST /explain`, each line of `mlctl explain --format jsonl`:
 * `prediction`, then for the predicted class `probability`, `expected_value` and `<key>` {feature: value};
 * with every class `probabilities`, `expected_value` and `<key>` keyed by class; for regression
 * `expected_value` and `<key>`. The key is `shap_values`, or `contributions` for Saabas.
 */
export function explanationDocument(
  e: RowExplanation,
  shape: ExplanationShape,
  key = 'shap_values',
): Record<string, unknown> {
  const values = (o: number, O: number): Record<string, number> =>
    Object.fromEntries(shape.features.map((name, f) => [name, e.shap[f * O + o] as number]));
  if (shape.task === 'regression')
    return { prediction: e.prediction, expected_value: e.expected[0], [key]: values(0, 1) };
  if (!shape.allClasses)
    return {
      prediction: e.prediction,
      probability: e.outputs[e.predicted],
      expected_value: e.expected[0],
      [key]: values(0, 1),
    };
  const K = shape.classes.length;
  const byClass = <T>(fn: (c: number) => T): Record<string, T> =>
    Object.fromEntries(shape.classes.map((label, c) => [String(label), fn(c)]));
  return {
    prediction: e.prediction,
    probabilities: byClass((c) => e.outputs[c] as number),
    expected_value: byClass((c) => e.expected[c] as number),
    [key]: byClass((c) => values(c, K)),
  };
}

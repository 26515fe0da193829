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

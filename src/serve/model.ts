import type { ExplainMethod, RowExplanation } from '../forest/shap-rows';

/** What serving needs of a model, whatever format it was loaded from. */
export interface ServableModel {
  readonly featureNames: readonly string[];
  readonly classes: readonly (string | number)[];
  /** Class probabilities for one row of raw feature values, in `classes` order (a new array). */
  predictProba(row: ArrayLike<number>): number[];
  /**
   * One row's explanation (forest/shap-rows.ts): exact TreeSHAP values or the Saabas decomposition,
   * for the predicted class or every class (classification) or the value (regression), with
   * expected + Σ values = the model's output.
   */
  explain(row: ArrayLike<number>, options: { allClasses: boolean; method: ExplainMethod }): RowExplanation;
}

/** A model as served: the model and where it came from. Immutable: a reload makes a new one. */
export interface LoadedModel {
  readonly model: ServableModel;
  readonly name: string;
  readonly version: string;
  readonly uri: string;
  readonly loadedAt: string;
  /** metrics.json of the artifact (training metrics). */
  readonly metrics: Record<string, unknown>;
}

/** Index of the largest probability; the first on ties (as numpy's argmax). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

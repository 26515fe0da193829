/** What serving needs of a model, whatever format it was loaded from. */
export interface ServableModel {
  readonly featureNames: readonly string[];
  readonly classes: readonly (string | number)[];
  /** Class probabilities for one row of raw feature values, in `classes` order (a new array). */
  predictProba(row: ArrayLike<number>): number[];
  /**
   * Exact tree-path decomposition for one row: per class, the bias (the forest's mean prior) and one
   * contribution per feature; bias + Σ contributions = the predicted probability of that class.
   */
  explain(row: ArrayLike<number>): { bias: number[]; contributions: number[][] };
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

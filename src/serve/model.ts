import type { EncodedFeature } from '../data/row-encoder';
import type { ClassLabel } from '../forest/predictor';
import type { Task } from '../forest/tree-arrays';
import type { RowDecoder } from './input';

/** What serving needs of a model, whatever format it was loaded from. */
export interface ServableModel {
  /** Classification answers classes and probabilities; regression a number per row. */
  readonly task: Task;
  readonly featureNames: readonly string[];
  /** Each feature's type and, for a categorical one, its categories (in code order). */
  readonly features: readonly EncodedFeature[];
  /**
   * Per feature, a categorical one's categories by code (undefined for a numeric one), so the
   * prediction log writes a category's text; absent when every feature is numeric.
   */
  readonly categories?: ReadonlyArray<readonly ClassLabel[] | undefined>;
  /** Class labels (empty for regression). */
  readonly classes: readonly ClassLabel[];
  /** Request rows to the forest's numeric rows: the one decoder every route uses (./input.ts). */
  readonly decoder: RowDecoder;
  /**
   * One row's outputs (a new array): the class probabilities in `classes` order, or the regression
   * value alone. Rows are the decoder's: numbers, category codes, NaN for a missing value.
   */
  predict(row: ArrayLike<number>): number[];
  /**
   * Exact tree-path decomposition for one row: per output (class, or the one regression value), the
   * bias (the forest's mean prior) and one contribution per feature; bias + Σ contributions = output.
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

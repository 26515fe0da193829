import type { EncodedFeature } from '../data/row-encoder';
import type { ClassLabel, SharedPredictor } from '../forest/predictor';
import type { ExplainMethod, RowExplanation } from '../forest/shap-rows';
import type { Task } from '../forest/tree-arrays';
import type { RowDecoder } from './input';

/** What serving needs of a model, whatever format it was loaded from. */
export type ServableModel = ServableBase &
  (
    | {
        /**
         * The compiled forest on shared memory: /explain explains its rows on serve's explanation thread
         * (explain-thread.ts), off the event loop, with exact TreeSHAP or the Saabas decomposition.
         */
        readonly forest: SharedPredictor;
        readonly explain?: undefined;
      }
    | {
        readonly forest?: undefined;
        /**
         * For a model that is no compiled forest (the tests' hand-made ones): one row's explanation
         * (forest/shap-rows.ts), the row as `predict` takes it, made on the calling thread.
         */
        explain(
          row: ArrayLike<number>,
          options: { allClasses: boolean; method: ExplainMethod },
        ): RowExplanation;
      }
  );

/** What every servable model has. */
export interface ServableBase {
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

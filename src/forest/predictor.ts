import { CompiledForest } from './compiled-forest';
import type { CompiledParts } from './compiled-forest';
import type { Forest } from './forest';
import type { Task } from './tree-arrays';

/** A class label as it appears in the target column: numbers stay numbers. */
export type ClassLabel = string | number;

/** What a predictor is built from: a forest and the names that give it meaning. */
export interface ForestDefinition {
  /** Feature names, in the order the forest's feature indexes refer to. */
  readonly features: readonly string[];
  /** Class labels, in the order of the forest's class indexes (empty for regression). */
  readonly classes: readonly ClassLabel[];
  readonly forest: Forest;
}

/** A predictor as plain data on shared memory: posted to a worker thread, nothing is copied. */
export interface SharedPredictor {
  readonly task: Task;
  readonly features: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly nTrees: number;
  readonly compiled: CompiledParts;
}

/** Why the forest predicted what it did: `bias + Σ contributions[f] = outputs`, per output. */
export interface Explanation {
  /** The class (classification) or the number (regression). */
  prediction: ClassLabel | number;
  /** Class probabilities, or the one regression value. */
  outputs: number[];
  /** The outputs before any split (the roots', averaged over trees). */
  bias: number[];
  /** `contributions[f][c]`: how much the splits on feature f moved output c. */
  contributions: number[][];
}

/**
 * A forest ready to predict (compiled-forest.ts lays it out). Classification: probabilities are the mean
 * of the trees' normalised leaf distributions (scikit-learn's predict_proba), the prediction the most
 * probable class (the first, on a tie). Regression: the mean of the trees' leaf values. Rows are arrays
 * of numbers in `features` order — a categorical feature's category code — with NaN for a missing value
 * (row-encoder.ts turns raw values into such rows).
 */
export class Predictor {
  readonly task: Task;
  readonly features: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly nTrees: number;
  /** Outputs per row: the number of classes, or 1. */
  readonly nOutputs: number;
  /** The forest as laid out for prediction (explainers walk it too). */
  readonly compiled: CompiledForest;
  private readonly scratch: Float64Array;

  constructor(definition: ForestDefinition | SharedPredictor) {
    this.features = definition.features;
    this.classes = definition.classes;
    if ('compiled' in definition) {
      this.task = definition.task;
      this.nTrees = definition.nTrees;
      this.compiled = new CompiledForest(definition.compiled);
    } else {
      const { forest } = definition;
      this.task = forest.task;
      this.nTrees = forest.trees.length;
      this.compiled = new CompiledForest(forest);
    }
    this.nOutputs = this.compiled.K;
    this.scratch = new Float64Array(this.nOutputs);
  }

  /** This predictor on the same memory, for `new Predictor(shared)` in a worker thread. */
  shared(): SharedPredictor {
    const { task, features, classes, nTrees } = this;
    return { task, features, classes, nTrees, compiled: this.compiled.parts() };
  }

  /** Writes one row's outputs into `out` (class probabilities, or the regression value at out[0]). */
  predictInto(row: ArrayLike<number>, out: Float64Array): void {
    const { compiled } = this;
    const K = this.nOutputs;
    const { roots } = compiled;
    const values = compiled.out;
    for (let c = 0; c < K; c++) out[c] = 0;
    for (let t = 0; t < roots.length; t++) {
      const at = compiled.leaf(row, roots[t] as number) * K;
      for (let c = 0; c < K; c++) out[c] = (out[c] as number) + (values[at + c] as number);
    }
    const n = roots.length;
    for (let c = 0; c < K; c++) out[c] = (out[c] as number) / n;
  }

  /** Writes the class probabilities of one row into `out` (length = classes). */
  predictProbaInto(row: ArrayLike<number>, out: Float64Array): void {
    this.predictInto(row, out);
  }

  /**
   * The outputs of `n` rows held row after row in `block` (d numbers a row), `nOutputs` per row: the sums
   * of `predictInto`, tree after tree in the same order, so to the last bit. The rows go through one tree
   * at a time, several together (CompiledForest.leaves), which keeps the tree in cache and overlaps the
   * memory reads of a deep forest.
   */
  predictRows(block: Float64Array, n: number): Float64Array {
    const { compiled } = this;
    const { roots, out: values, K } = compiled;
    const out = new Float64Array(n * K);
    const leaves = new Int32Array(n);
    let complete = true;
    for (let j = 0; j < n * compiled.d && complete; j++) complete = block[j] === block[j];
    for (let t = 0; t < roots.length; t++) {
      compiled.leaves(block, roots[t] as number, n, leaves, complete);
      for (let k = 0; k < n; k++) {
        const leaf = (leaves[k] as number) * K;
        const at = k * K;
        for (let c = 0; c < K; c++) out[at + c] = (out[at + c] as number) + (values[leaf + c] as number);
      }
    }
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / roots.length;
    return out;
  }

  /** Index (into `classes`) of the predicted class of one row. */
  predictIndex(row: ArrayLike<number>): number {
    this.predictInto(row, this.scratch);
    return argmax(this.scratch);
  }

  /** The regression prediction of one row. */
  predictValue(row: ArrayLike<number>): number {
    this.predictInto(row, this.scratch);
    return this.scratch[0] as number;
  }

  /** Predicted classes (classification) or numbers (regression). */
  predict(rows: ReadonlyArray<ArrayLike<number>>): Array<ClassLabel | number> {
    return this.task === 'regression'
      ? rows.map((row) => this.predictValue(row))
      : rows.map((row) => this.classes[this.predictIndex(row)] as ClassLabel);
  }

  predictProba(rows: ReadonlyArray<ArrayLike<number>>): number[][] {
    return rows.map((row) => {
      const out = new Float64Array(this.nOutputs);
      this.predictInto(row, out);
      return Array.from(out);
    });
  }

  /** A row from a record of numbers keyed by feature name; undefined when a feature is missing. */
  toRow(record: Readonly<Record<string, number>>): Float64Array | undefined {
    const row = new Float64Array(this.features.length);
    for (let f = 0; f < this.features.length; f++) {
      const v = record[this.features[f] as string];
      if (typeof v !== 'number') return undefined;
      row[f] = v;
    }
    return row;
  }

  /**
   * The exact path decomposition (Saabas): along each tree's path, the change of the node output at a
   * split is credited to the split's feature; averaged over trees, the roots' output plus the credits
   * is the prediction.
   */
  explain(row: ArrayLike<number>): Explanation {
    const { compiled } = this;
    const { links, roots, d } = compiled;
    const values = compiled.out;
    const K = this.nOutputs;
    const bias = new Float64Array(K);
    const contributions = new Float64Array(d * K);
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      for (let c = 0; c < K; c++) bias[c] = (bias[c] as number) + (values[node * K + c] as number);
      let f = links[4 * node + 2] as number;
      while (f >= 0) {
        const feature = f < d ? f : f - d;
        const child = compiled.step(node, row);
        for (let c = 0; c < K; c++) {
          const at = feature * K + c;
          contributions[at] =
            (contributions[at] as number) +
            (values[child * K + c] as number) -
            (values[node * K + c] as number);
        }
        node = child;
        f = links[4 * node + 2] as number;
      }
    }
    const n = roots.length;
    const outputs = new Float64Array(K);
    this.predictInto(row, outputs);
    return {
      prediction:
        this.task === 'regression' ? (outputs[0] as number) : (this.classes[argmax(outputs)] as ClassLabel),
      outputs: Array.from(outputs),
      bias: Array.from(bias, (v) => v / n),
      contributions: Array.from({ length: d }, (_, f) =>
        Array.from(contributions.subarray(f * K, f * K + K), (v) => v / n),
      ),
    };
  }
}

export function createPredictor(definition: ForestDefinition): Predictor {
  return new Predictor(definition);
}

/** First index of the largest value. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

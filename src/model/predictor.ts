import type { Forest } from './forest';

/** A class label as it appears in the target column: numbers stay numbers. */
export type ClassLabel = string | number;

/** What a predictor is built from: a forest and the names that give it meaning. */
export interface ForestDefinition {
  /** Feature names, in the order the forest's feature indexes refer to. */
  readonly features: readonly string[];
  /** Class labels, in the order of the forest's class indexes. */
  readonly classes: readonly ClassLabel[];
  readonly forest: Forest;
}

/** Why the forest predicted what it did: `bias + Σ contributions[f] = probabilities`, per class. */
export interface Explanation {
  prediction: ClassLabel;
  probabilities: number[];
  /** The class distribution before any split (the roots', averaged over trees). */
  bias: number[];
  /** `contributions[f][c]`: how much the splits on feature f moved class c's probability. */
  contributions: number[][];
}

/**
 * A forest compiled for prediction: every tree's nodes in one set of flat typed arrays, each node's
 * class distribution normalised once. Probabilities are the mean of the trees' leaf distributions
 * (scikit-learn's predict_proba); the prediction is the most probable class (the first, on a tie).
 * Rows are arrays of numbers in `features` order; a missing (NaN) value goes right at every split.
 */
export class Predictor {
  readonly features: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly nTrees: number;
  private readonly K: number;
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** Normalised class distribution of every node, K per node. */
  private readonly dist: Float64Array;
  private readonly scratch: Float64Array;

  constructor(definition: ForestDefinition) {
    const { forest } = definition;
    this.features = definition.features;
    this.classes = definition.classes;
    this.nTrees = forest.trees.length;
    const K = (this.K = forest.nClasses);
    const total = forest.trees.reduce((sum, t) => sum + t.feature.length, 0);
    this.roots = new Int32Array(this.nTrees);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.dist = new Float64Array(total * K);
    this.scratch = new Float64Array(K);
    let base = 0;
    forest.trees.forEach((tree, t) => {
      const size = tree.feature.length;
      this.roots[t] = base;
      this.feature.set(tree.feature, base);
      this.threshold.set(tree.threshold, base);
      for (let i = 0; i < size; i++) {
        this.left[base + i] = (tree.left[i] as number) + base;
        this.right[base + i] = (tree.right[i] as number) + base;
        let sum = 0;
        for (let c = 0; c < K; c++) sum += tree.value[i * K + c] as number;
        for (let c = 0; c < K; c++) {
          this.dist[(base + i) * K + c] = sum > 0 ? (tree.value[i * K + c] as number) / sum : 1 / K;
        }
      }
      base += size;
    });
  }

  /** Writes the class probabilities of one row into `out` (length = classes). */
  predictProbaInto(row: ArrayLike<number>, out: Float64Array): void {
    const { K, feature, threshold, left, right, dist, roots } = this;
    out.fill(0);
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      let f = feature[node] as number;
      while (f >= 0) {
        node =
          (row[f] as number) <= (threshold[node] as number)
            ? (left[node] as number)
            : (right[node] as number);
        f = feature[node] as number;
      }
      const at = node * K;
      for (let c = 0; c < K; c++) out[c] = (out[c] as number) + (dist[at + c] as number);
    }
    const n = roots.length;
    for (let c = 0; c < K; c++) out[c] = (out[c] as number) / n;
  }

  /** Index (into `classes`) of the predicted class of one row. */
  predictIndex(row: ArrayLike<number>): number {
    this.predictProbaInto(row, this.scratch);
    return argmax(this.scratch);
  }

  predict(rows: ReadonlyArray<ArrayLike<number>>): ClassLabel[] {
    return rows.map((row) => this.classes[this.predictIndex(row)] as ClassLabel);
  }

  predictProba(rows: ReadonlyArray<ArrayLike<number>>): number[][] {
    return rows.map((row) => {
      const out = new Float64Array(this.K);
      this.predictProbaInto(row, out);
      return Array.from(out);
    });
  }

  /** A row from a record keyed by feature name; undefined when a feature is missing. */
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
   * The exact path decomposition (Saabas): along each tree's path, the change of the class distribution
   * at a split is credited to the split's feature; averaged over trees, the root distribution plus the
   * credits is the predicted probability.
   */
  explain(row: ArrayLike<number>): Explanation {
    const { K, feature, threshold, left, right, dist, roots } = this;
    const d = this.features.length;
    const bias = new Float64Array(K);
    const contributions = new Float64Array(d * K);
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      for (let c = 0; c < K; c++) bias[c] = (bias[c] as number) + (dist[node * K + c] as number);
      let f = feature[node] as number;
      while (f >= 0) {
        const child =
          (row[f] as number) <= (threshold[node] as number)
            ? (left[node] as number)
            : (right[node] as number);
        for (let c = 0; c < K; c++) {
          const at = f * K + c;
          contributions[at] =
            (contributions[at] as number) + (dist[child * K + c] as number) - (dist[node * K + c] as number);
        }
        node = child;
        f = feature[node] as number;
      }
    }
    const n = roots.length;
    const probabilities = new Float64Array(K);
    this.predictProbaInto(row, probabilities);
    return {
      prediction: this.classes[argmax(probabilities)] as ClassLabel,
      probabilities: Array.from(probabilities),
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

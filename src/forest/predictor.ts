import type { Forest } from './forest';
import type { TreeArrays } from './tree';

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

/** Rows per block of a batch prediction: a block of 20 features is 160 kB, beside one tree in cache. */
const BATCH_BLOCK = 1024;

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
 * A forest compiled for prediction. Every node is one 16-byte record — threshold (float64), feature and
 * first child (int32) — and a node's two children sit side by side, so a step down a tree touches one
 * cache line: what keeps a deep 100-tree forest fast when it no longer fits in cache. Class
 * distributions are normalised once. Probabilities are the mean of the trees' leaf distributions
 * (scikit-learn's predict_proba); the prediction is the most probable class (the first, on a tie).
 * Rows are arrays of numbers in `features` order; a missing (NaN) value goes right at every split.
 */
export class Predictor {
  readonly features: readonly string[];
  readonly classes: readonly ClassLabel[];
  readonly nTrees: number;
  private readonly K: number;
  private readonly roots: Int32Array;
  /** Threshold of node i at [2i]. */
  private readonly thresholds: Float64Array;
  /** Feature of node i at [4i+2] (-1: a leaf), its left child at [4i+3]; the right child is left + 1. */
  private readonly links: Int32Array;
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
    const records = new ArrayBuffer(16 * total);
    this.thresholds = new Float64Array(records);
    this.links = new Int32Array(records);
    this.roots = new Int32Array(this.nTrees);
    this.dist = new Float64Array(total * K);
    this.scratch = new Float64Array(K);
    let base = 0;
    forest.trees.forEach((tree, t) => {
      this.roots[t] = base;
      base = this.place(tree, base);
    });
  }

  /**
   * Copies one tree in breadth-first order, giving each split's children two adjacent slots (whatever
   * the source numbering). Returns the next free slot.
   */
  private place(tree: TreeArrays, base: number): number {
    const { K } = this;
    const order = [0];
    let next = base + 1;
    for (let k = 0; k < order.length; k++) {
      const src = order[k] as number;
      const at = base + k;
      const f = tree.feature[src] as number;
      this.thresholds[2 * at] = tree.threshold[src] as number;
      this.links[4 * at + 2] = f;
      if (f >= 0) {
        this.links[4 * at + 3] = next;
        next += 2;
        order.push(tree.left[src] as number, tree.right[src] as number);
      }
      let sum = 0;
      for (let c = 0; c < K; c++) sum += tree.value[src * K + c] as number;
      for (let c = 0; c < K; c++)
        this.dist[at * K + c] = sum > 0 ? (tree.value[src * K + c] as number) / sum : 1 / K;
    }
    return next;
  }

  /** The leaf one row reaches from `node`. */
  private leaf(row: ArrayLike<number>, node: number): number {
    const { thresholds, links } = this;
    let f = links[4 * node + 2] as number;
    while (f >= 0) {
      node =
        (links[4 * node + 3] as number) + ((row[f] as number) <= (thresholds[2 * node] as number) ? 0 : 1);
      f = links[4 * node + 2] as number;
    }
    return node;
  }

  /** Writes the class probabilities of one row into `out` (length = classes). */
  predictProbaInto(row: ArrayLike<number>, out: Float64Array): void {
    const { K, dist, roots } = this;
    for (let c = 0; c < K; c++) out[c] = 0;
    for (let t = 0; t < roots.length; t++) {
      const at = this.leaf(row, roots[t] as number) * K;
      for (let c = 0; c < K; c++) out[c] = (out[c] as number) + (dist[at + c] as number);
    }
    const n = roots.length;
    for (let c = 0; c < K; c++) out[c] = (out[c] as number) / n;
  }

  /**
   * Probabilities of many rows held column by column (`columns[f][row]`), `K` per row in `rows` order.
   * Blocks of rows are copied row-major and sent down one tree after another: the tree stays in cache
   * while the block goes through it, which is what a batch over a deep forest needs. Same sums in the
   * same order as `predictProbaInto`.
   */
  predictProbaColumns(columns: readonly Float64Array[], rows: Int32Array): Float64Array {
    const { K, thresholds, links, dist, roots } = this;
    const d = columns.length;
    const out = new Float64Array(rows.length * K);
    const block = new Float64Array(BATCH_BLOCK * d);
    for (let start = 0; start < rows.length; start += BATCH_BLOCK) {
      const size = Math.min(BATCH_BLOCK, rows.length - start);
      for (let f = 0; f < d; f++) {
        const column = columns[f] as Float64Array;
        for (let k = 0; k < size; k++) block[k * d + f] = column[rows[start + k] as number] as number;
      }
      for (let t = 0; t < roots.length; t++) {
        const root = roots[t] as number;
        for (let k = 0; k < size; k++) {
          let node = root;
          let f = links[4 * node + 2] as number;
          while (f >= 0) {
            node =
              (links[4 * node + 3] as number) +
              ((block[k * d + f] as number) <= (thresholds[2 * node] as number) ? 0 : 1);
            f = links[4 * node + 2] as number;
          }
          const at = (start + k) * K;
          for (let c = 0; c < K; c++) out[at + c] = (out[at + c] as number) + (dist[node * K + c] as number);
        }
      }
    }
    const n = roots.length;
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / n;
    return out;
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
    const { K, thresholds, links, dist, roots } = this;
    const d = this.features.length;
    const bias = new Float64Array(K);
    const contributions = new Float64Array(d * K);
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      for (let c = 0; c < K; c++) bias[c] = (bias[c] as number) + (dist[node * K + c] as number);
      let f = links[4 * node + 2] as number;
      while (f >= 0) {
        const child =
          (links[4 * node + 3] as number) + ((row[f] as number) <= (thresholds[2 * node] as number) ? 0 : 1);
        for (let c = 0; c < K; c++) {
          const at = f * K + c;
          contributions[at] =
            (contributions[at] as number) + (dist[child * K + c] as number) - (dist[node * K + c] as number);
        }
        node = child;
        f = links[4 * node + 2] as number;
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

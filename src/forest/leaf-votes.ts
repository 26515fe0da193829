import type { GrownTree } from './tree';
import type { ValueLayout } from './tree-arrays';

/**
 * Sums each tree's leaf output for every training row — over all trees (the training predictions) and
 * over the trees that did not draw the row (scikit-learn's oob_decision_function_ / oob_prediction_).
 * Trees are added in index order and each leaf's output is computed as the predictor computes it (a
 * classification leaf's class-weighted counts normalised in class order), so the sums are the
 * predictor's to the last bit.
 */
export class LeafVotes {
  private readonly all: Float64Array;
  private readonly oobSums: Float64Array;
  private readonly oobTrees: Uint32Array;
  private readonly out: Float64Array;
  private readonly K: number;

  constructor(
    private readonly n: number,
    private readonly layout: ValueLayout,
  ) {
    this.K = layout.K;
    this.all = new Float64Array(n * this.K);
    this.oobSums = new Float64Array(n * this.K);
    this.oobTrees = new Uint32Array(n);
    this.out = new Float64Array(this.K);
  }

  add(tree: GrownTree): void {
    const { K, all, oobSums, out } = this;
    for (let row = 0; row < this.n; row++) {
      this.leafOutput(tree, tree.rowLeaves[row] as number);
      for (let c = 0; c < K; c++) all[row * K + c] = (all[row * K + c] as number) + (out[c] as number);
    }
    for (let k = 0; k < tree.oobRows.length; k++) {
      const row = tree.oobRows[k] as number;
      this.leafOutput(tree, tree.rowLeaves[row] as number);
      for (let c = 0; c < K; c++)
        oobSums[row * K + c] = (oobSums[row * K + c] as number) + (out[c] as number);
      this.oobTrees[row] = (this.oobTrees[row] as number) + 1;
    }
  }

  /** A leaf's output into `out`: its normalised class distribution, or its value. */
  private leafOutput(tree: GrownTree, leaf: number): void {
    const { K, out } = this;
    if (this.layout.task === 'regression') {
      out[0] = tree.value[leaf] as number;
      return;
    }
    const w = this.layout.classWeight;
    let total = 0;
    for (let c = 0; c < K; c++) total += (tree.value[leaf * K + c] as number) * (w ? (w[c] as number) : 1);
    for (let c = 0; c < K; c++)
      out[c] =
        total > 0 ? ((tree.value[leaf * K + c] as number) * (w ? (w[c] as number) : 1)) / total : 1 / K;
  }

  trainPredictions(trees: number): Float64Array {
    return this.all.map((v) => v / trees);
  }

  /** Mean out-of-bag output of every row some tree did not draw (0 elsewhere), and which rows those are. */
  oob(): { predictions: Float64Array; scored: Uint8Array; rows: number } {
    const { K } = this;
    const predictions = new Float64Array(this.n * K);
    const scored = new Uint8Array(this.n);
    let rows = 0;
    for (let i = 0; i < this.n; i++) {
      const t = this.oobTrees[i] as number;
      if (t === 0) continue;
      scored[i] = 1;
      rows++;
      for (let c = 0; c < K; c++) predictions[i * K + c] = (this.oobSums[i * K + c] as number) / t;
    }
    return { predictions, scored, rows };
  }
}

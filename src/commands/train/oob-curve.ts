import type { GrownTree } from '../../forest/tree';
import type { ValueLayout } from '../../forest/tree-arrays';

/**
 * The out-of-bag score after each tree (did 100 trees suffice?): accuracy for classification, R² for
 * regression, over the training rows that at least one of the trees so far did not draw — what
 * scikit-learn's oob_score_ would be with that many trees. Trees arrive in index order (trainForest's
 * `onGrown`); each updates only its own out-of-bag rows.
 */
export class OobCurve {
  /** The score after trees 1, 2, … (null while no row has been out of bag). */
  readonly points: Array<number | null> = [];
  private readonly sums: Float64Array;
  private readonly counts: Uint32Array;
  private readonly right: Uint8Array;
  private readonly out: Float64Array;
  private scored = 0;
  private correct = 0;
  private sse = 0;
  private sumY = 0;
  private sumY2 = 0;

  constructor(
    private readonly layout: ValueLayout,
    /** Class indexes, or regression targets, of the training rows. */
    private readonly truth: ArrayLike<number>,
  ) {
    const n = truth.length;
    this.sums = new Float64Array(n * layout.K);
    this.counts = new Uint32Array(n);
    this.right = new Uint8Array(n);
    this.out = new Float64Array(layout.K);
  }

  add(tree: GrownTree): void {
    const { K, task } = this.layout;
    const { sums, counts, out } = this;
    for (let k = 0; k < tree.oobRows.length; k++) {
      const row = tree.oobRows[k] as number;
      this.leafOutput(tree, tree.rowLeaves[row] as number);
      const first = counts[row] === 0;
      if (first) this.scored++;
      if (task === 'regression') {
        const y = this.truth[row] as number;
        if (first) {
          this.sumY += y;
          this.sumY2 += y * y;
        } else this.sse -= (y - (sums[row] as number) / (counts[row] as number)) ** 2;
      }
      counts[row] = (counts[row] as number) + 1;
      for (let c = 0; c < K; c++) sums[row * K + c] = (sums[row * K + c] as number) + (out[c] as number);
      if (task === 'regression') {
        this.sse += ((this.truth[row] as number) - (sums[row] as number) / (counts[row] as number)) ** 2;
        continue;
      }
      let best = 0;
      for (let c = 1; c < K; c++)
        if ((sums[row * K + c] as number) > (sums[row * K + best] as number)) best = c;
      const now = best === this.truth[row] ? 1 : 0;
      this.correct += now - (this.right[row] as number);
      this.right[row] = now;
    }
    this.points.push(this.score());
  }

  private score(): number | null {
    if (this.scored === 0) return null;
    if (this.layout.task !== 'regression') return this.correct / this.scored;
    const sst = this.sumY2 - (this.sumY * this.sumY) / this.scored;
    return sst > 0 ? 1 - this.sse / sst : null;
  }

  /** A leaf's output, as the predictor computes it (class-weighted counts normalised in class order). */
  private leafOutput(tree: GrownTree, leaf: number): void {
    const { K, classWeight: w, task } = this.layout;
    if (task === 'regression') {
      this.out[0] = tree.value[leaf] as number;
      return;
    }
    let total = 0;
    for (let c = 0; c < K; c++) total += (tree.value[leaf * K + c] as number) * (w ? (w[c] as number) : 1);
    for (let c = 0; c < K; c++)
      this.out[c] =
        total > 0 ? ((tree.value[leaf * K + c] as number) * (w ? (w[c] as number) : 1)) / total : 1 / K;
  }
}

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { binFeatures } from './binning';
import type { BinnedFeatures } from './binning';
import { growTree } from './tree';
import type { GrownTree, TreeArrays, TreeParams } from './tree';
import { runTreeWorkers } from './worker-pool';

/** A trained forest: the trees and what they were trained on. */
export interface Forest {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly trees: TreeArrays[];
}

export interface ForestParams extends TreeParams {
  readonly nEstimators: number;
  readonly seed: number;
}

export interface TrainingSet {
  /** One array per feature, all of the same length. */
  readonly columns: readonly Float64Array[];
  /** Class index of every row, in [0, nClasses). */
  readonly y: Uint16Array;
  readonly nClasses: number;
}

export interface ForestTrainOptions {
  /** Worker threads; 1 grows every tree on the calling thread. Default: the machine's cores. */
  threads?: number;
  /** Compiled worker script; default `train-worker.js` beside this module (absent under ts-jest). */
  workerScript?: string;
  /** Called after each tree, in completion order. */
  onTree?: (done: number, total: number) => void;
}

export interface ForestTraining {
  forest: Forest;
  /**
   * Class probabilities of every training row (K per row), exactly what the predictor gives for them:
   * the leaf of each row is known from growing the tree, so the batch costs nothing to compute.
   */
  trainProba: Float64Array;
  /** Out-of-bag accuracy; null when no row was ever out of bag. */
  oobAccuracy: number | null;
  /** Rows that were out of bag for at least one tree. */
  oobRows: number;
  /** Threads actually used. */
  threads: number;
}

/**
 * Trains a random forest. Trees are grown on worker threads when `threads` > 1; each tree depends only
 * on (seed, tree index), and results are assembled in tree order, so the forest is identical for any
 * thread count.
 */
export async function trainForest(
  set: TrainingSet,
  params: ForestParams,
  options: ForestTrainOptions = {},
): Promise<ForestTraining> {
  const data = binFeatures(set.columns);
  const y = new Uint16Array(new SharedArrayBuffer(2 * set.y.length));
  y.set(set.y);
  const votes = new LeafVotes(data.n, set.nClasses, set.y);
  const trees: TreeArrays[] = new Array(params.nEstimators);
  const pending = new Map<number, GrownTree>();
  let next = 0;
  let done = 0;
  // OOB votes are summed in tree order whatever order trees finish in: float sums must not depend on it.
  const accept = (index: number, tree: GrownTree): void => {
    pending.set(index, tree);
    for (let t = pending.get(next); t !== undefined; t = pending.get(next)) {
      pending.delete(next);
      votes.add(t);
      trees[next++] = {
        feature: t.feature,
        threshold: t.threshold,
        left: t.left,
        right: t.right,
        value: t.value,
      };
    }
    options.onTree?.(++done, params.nEstimators);
  };

  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), params.nEstimators));
  const script = options.workerScript ?? defaultWorkerScript();
  const used = threads > 1 && script !== undefined ? threads : 1;
  if (used > 1) {
    await runTreeWorkers(script as string, { data, y, nClasses: set.nClasses, params }, used, accept);
  } else {
    for (let t = 0; t < params.nEstimators; t++) {
      accept(t, growTree(data, y, set.nClasses, params, params.seed, t));
      // Let progress output and signals through between trees.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return {
    forest: { nFeatures: data.d, nClasses: set.nClasses, trees },
    trainProba: votes.trainProba(params.nEstimators),
    oobAccuracy: votes.oobAccuracy(),
    oobRows: votes.oobScoredRows(),
    threads: used,
  };
}

/** The compiled worker beside this module; undefined when running from TypeScript sources. */
export function defaultWorkerScript(): string | undefined {
  const script = join(__dirname, 'train-worker.js');
  return existsSync(script) ? script : undefined;
}

/** What a worker needs to grow any tree: shared, read-only. */
export interface TreeJob {
  data: BinnedFeatures;
  y: Uint16Array;
  nClasses: number;
  params: ForestParams;
}

/**
 * Sums each tree's normalised leaf distribution for every training row — over all trees (the training
 * predictions) and over the trees that did not see the row (scikit-learn's oob_score_). Trees are added
 * in index order and each distribution is normalised as the predictor does, so the sums are the
 * predictor's to the last bit.
 */
class LeafVotes {
  private readonly all: Float64Array;
  private readonly oob: Float64Array;
  private readonly dist: Float64Array;

  constructor(
    private readonly n: number,
    private readonly K: number,
    private readonly y: Uint16Array,
  ) {
    this.all = new Float64Array(n * K);
    this.oob = new Float64Array(n * K);
    this.dist = new Float64Array(K);
  }

  add(tree: GrownTree): void {
    const { K, all, oob, dist } = this;
    const leafDist = (leaf: number): void => {
      let total = 0;
      for (let c = 0; c < K; c++) total += tree.value[leaf * K + c] as number;
      for (let c = 0; c < K; c++) dist[c] = total > 0 ? (tree.value[leaf * K + c] as number) / total : 1 / K;
    };
    for (let row = 0; row < this.n; row++) {
      leafDist(tree.rowLeaves[row] as number);
      for (let c = 0; c < K; c++) all[row * K + c] = (all[row * K + c] as number) + (dist[c] as number);
    }
    for (let k = 0; k < tree.oobRows.length; k++) {
      const row = tree.oobRows[k] as number;
      leafDist(tree.rowLeaves[row] as number);
      for (let c = 0; c < K; c++) oob[row * K + c] = (oob[row * K + c] as number) + (dist[c] as number);
    }
  }

  trainProba(trees: number): Float64Array {
    return this.all.map((v) => v / trees);
  }

  oobScoredRows(): number {
    let rows = 0;
    for (let i = 0; i < this.n; i++) if (this.oobArgmax(i) >= 0) rows++;
    return rows;
  }

  oobAccuracy(): number | null {
    let rows = 0;
    let right = 0;
    for (let i = 0; i < this.n; i++) {
      const best = this.oobArgmax(i);
      if (best < 0) continue;
      rows++;
      if (best === this.y[i]) right++;
    }
    return rows === 0 ? null : right / rows;
  }

  /** -1 when the row was in every tree's bag. */
  private oobArgmax(row: number): number {
    let best = -1;
    let bestValue = 0;
    for (let c = 0; c < this.K; c++) {
      const v = this.oob[row * this.K + c] as number;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    return best;
  }
}

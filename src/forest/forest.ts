import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { binFeatures } from './binning';
import type { BinnedFeatures } from './binning';
import { growTree, layoutOf } from './tree';
import type { GrownTree, TreeArrays, TreeParams, TreeTarget } from './tree';
import type { Task } from './tree-arrays';
import { LeafVotes } from './leaf-votes';
import { runTreeWorkers } from './worker-pool';

/** A trained forest: the trees and what they were trained on. */
export interface Forest {
  readonly task: Task;
  readonly nFeatures: number;
  /** Values per node: the number of classes, or 1 for regression. */
  readonly nClasses: number;
  /** Classification with class weights: one per class. */
  readonly classWeight?: Float64Array;
  readonly trees: TreeArrays[];
}

export interface ForestParams extends TreeParams {
  readonly nEstimators: number;
  readonly seed: number;
}

export interface TrainingSet {
  /** One array per feature, all of the same length: numbers, or category codes; NaN when missing. */
  readonly columns: readonly Float64Array[];
  /** Categories of each categorical feature (0 or absent: numeric). */
  readonly categories?: readonly number[];
  readonly target: TreeTarget;
}

export interface ForestTrainOptions {
  /** Worker threads; 1 grows every tree on the calling thread. Default: the machine's cores. */
  threads?: number;
  /** Compiled worker script; default `train-worker.js` beside this module (absent under ts-jest). */
  workerScript?: string;
  /** Called after each tree, in completion order. */
  onTree?: (done: number, total: number) => void;
  /** Called with each grown tree in index order (its leaf per training row, its out-of-bag rows). */
  onGrown?: (index: number, tree: GrownTree) => void;
}

export interface ForestTraining {
  forest: Forest;
  /**
   * Predictions for every training row (K class probabilities per row, or one number), exactly what
   * the predictor gives for them: the leaf of each row is known from growing the tree.
   */
  trainPredictions: Float64Array;
  /** Out-of-bag predictions (the mean over the trees that did not draw the row), same layout. */
  oobPredictions: Float64Array;
  /** 1 for the rows some tree did not draw (the others have no out-of-bag prediction). */
  oobScored: Uint8Array;
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
  const data = binFeatures(set.columns, undefined, undefined, set.categories);
  const target = sharedTarget(set.target);
  const layout = layoutOf(target);
  const votes = new LeafVotes(data.n, layout);
  const trees: TreeArrays[] = new Array(params.nEstimators);
  const pending = new Map<number, GrownTree>();
  let next = 0;
  let done = 0;
  // Votes are summed in tree order whatever order trees finish in: float sums must not depend on it.
  const accept = (index: number, tree: GrownTree): void => {
    pending.set(index, tree);
    for (let t = pending.get(next); t !== undefined; t = pending.get(next)) {
      pending.delete(next);
      votes.add(t);
      options.onGrown?.(next, t);
      const { rowLeaves: _leaves, oobRows: _oob, ...arrays } = t;
      trees[next++] = arrays;
    }
    options.onTree?.(++done, params.nEstimators);
  };

  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), params.nEstimators));
  const script = options.workerScript ?? defaultWorkerScript();
  const used = threads > 1 && script !== undefined ? threads : 1;
  if (used > 1) {
    await runTreeWorkers(script as string, { data, target, params }, used, accept);
  } else {
    const scratch = {};
    for (let t = 0; t < params.nEstimators; t++) {
      accept(t, growTree(data, target, params, params.seed, t, scratch));
      // Let progress output and signals through between trees.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const oob = votes.oob();
  return {
    forest: {
      task: layout.task,
      nFeatures: data.d,
      nClasses: layout.K,
      ...(layout.classWeight ? { classWeight: layout.classWeight } : {}),
      trees,
    },
    trainPredictions: votes.trainPredictions(params.nEstimators),
    oobPredictions: oob.predictions,
    oobScored: oob.scored,
    oobRows: oob.rows,
    threads: used,
  };
}

/** The target in SharedArrayBuffers, so worker threads read it without a copy. */
function sharedTarget(target: TreeTarget): TreeTarget {
  if (target.task === 'regression') {
    const y = new Float64Array(new SharedArrayBuffer(8 * target.y.length));
    y.set(target.y);
    return { task: 'regression', y };
  }
  const y = new Uint16Array(new SharedArrayBuffer(2 * target.y.length));
  y.set(target.y);
  return { ...target, y };
}

/** The compiled worker beside this module; undefined when running from TypeScript sources. */
export function defaultWorkerScript(): string | undefined {
  const script = join(__dirname, 'train-worker.js');
  return existsSync(script) ? script : undefined;
}

/** What a worker needs to grow any tree: shared, read-only. */
export interface TreeJob {
  data: BinnedFeatures;
  target: TreeTarget;
  params: ForestParams;
}

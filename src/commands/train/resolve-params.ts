import { MlctlError } from '../../errors';
import type { MaxFeatures } from '../../config/sections/train';
import { MAX_BINS } from '../../forest/binning';
import type { ModelParams } from '../../artifact/model-file';
import type { Task } from '../../forest/tree-arrays';

/** The hyper-parameters a training run was asked for. */
export interface HyperParameters {
  nEstimators: number;
  maxDepth?: number;
  /** Default: `sqrt` for classification, `all` for regression (scikit-learn's defaults). */
  maxFeatures?: MaxFeatures;
  minSamplesLeaf: number;
  seed: number;
  /** Default 0.2; 0 trains on every row. */
  testSize?: number;
  classWeight?: 'balanced';
}

/** scikit-learn's max_features default: sqrt(d) for a classifier, every feature (1.0) for a regressor. */
export function defaultMaxFeatures(task: Task): MaxFeatures {
  return task === 'regression' ? 'all' : 'sqrt';
}

/** Features drawn per split, scikit-learn's way; a count larger than the features is a usage error. */
export function resolveMaxFeatures(maxFeatures: MaxFeatures, nFeatures: number): number {
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (maxFeatures === 'all') return nFeatures;
  if (maxFeatures < 1) return Math.max(1, Math.floor(maxFeatures * nFeatures));
  if (maxFeatures > nFeatures) {
    throw new MlctlError(
      'USAGE',
      `--max-features ${maxFeatures} is more than the ${nFeatures} feature columns`,
      {
        hint: `Use at most ${nFeatures}, a fraction such as 0.5, or sqrt (the default).`,
      },
    );
  }
  return maxFeatures;
}

/**
 * The hyper-parameters as the artifact records them (scikit-learn's names); `testSize` is the share
 * actually held out. class_weight only when set, so a model without it reads as format 1 did.
 */
export function modelParams(
  hp: HyperParameters,
  nFeatures: number,
  task: Task,
  testSize: number,
): ModelParams {
  const maxFeatures = hp.maxFeatures ?? defaultMaxFeatures(task);
  return {
    n_estimators: hp.nEstimators,
    max_depth: hp.maxDepth ?? null,
    max_features: maxFeatures,
    max_features_count: resolveMaxFeatures(maxFeatures, nFeatures),
    min_samples_leaf: hp.minSamplesLeaf,
    bootstrap: true,
    criterion: task === 'regression' ? 'squared_error' : 'gini',
    ...(hp.classWeight ? { class_weight: hp.classWeight } : {}),
    max_bins: MAX_BINS,
    seed: hp.seed,
    test_size: testSize,
  };
}

/** scikit-learn's `balanced` class weights, n / (K · n_c), over the training rows. */
export function balancedClassWeights(y: Uint16Array, K: number): Float64Array {
  const counts = new Float64Array(K);
  for (let i = 0; i < y.length; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
  const present = counts.filter((n) => n > 0).length;
  return counts.map((n) => (n > 0 ? y.length / (present * n) : 0));
}

/** A leaf bound that forbids every split would train a forest of single leaves: say so instead. */
export function checkLeafBound(minSamplesLeaf: number, trainRows: number): void {
  if (2 * minSamplesLeaf > trainRows) {
    throw new MlctlError(
      'USAGE',
      `--min-samples-leaf ${minSamplesLeaf} leaves no split possible on ${trainRows} training rows`,
      {
        hint: `A split needs two leaves of ${minSamplesLeaf} rows each; use at most ${Math.floor(trainRows / 2)}.`,
      },
    );
  }
}

import { MlctlError } from '../../errors';
import type { MaxFeatures } from '../../config/sections/train';
import { MAX_BINS } from '../../forest/binning';
import type { ModelParams } from '../../artifact/model-file';

/** The hyper-parameters a training run was asked for. */
export interface HyperParameters {
  nEstimators: number;
  maxDepth?: number;
  maxFeatures: MaxFeatures;
  minSamplesLeaf: number;
  seed: number;
  testSize: number;
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

/** The hyper-parameters as the artifact records them (scikit-learn's names). */
export function modelParams(hp: HyperParameters, nFeatures: number): ModelParams {
  return {
    n_estimators: hp.nEstimators,
    max_depth: hp.maxDepth ?? null,
    max_features: hp.maxFeatures,
    max_features_count: resolveMaxFeatures(hp.maxFeatures, nFeatures),
    min_samples_leaf: hp.minSamplesLeaf,
    bootstrap: true,
    criterion: 'gini',
    max_bins: MAX_BINS,
    seed: hp.seed,
    test_size: hp.testSize,
  };
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

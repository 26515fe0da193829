import { distinctUnion, sampleSize } from './sample';
import type { Sample } from './sample';
import { chiSquareTest } from './stats/chisquare';
import { jensenShannonTest } from './stats/jensenshannon';
import { ks2Samp } from './stats/ks';
import { psiTest } from './stats/psi';
import { normedWasserstein } from './stats/wasserstein';
import { zTest } from './stats/ztest';

export const STAT_TEST_NAMES = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'] as const;
export type StatTestName = (typeof STAT_TEST_NAMES)[number];

export interface StatTestSpec {
  /** Evidently's display name. */
  readonly display: string;
  readonly defaultThreshold: number;
  /** p-values drift when small, distances when large. */
  readonly scoreKind: 'p_value' | 'distance';
  readonly drifted: (score: number, threshold: number) => boolean;
  /** Column types the test accepts. */
  readonly types: ReadonlyArray<Sample['kind']>;
}

/** Evidently's tests: names, display names, default thresholds and drift rules (anchors §C2). */
export const STAT_TESTS: Readonly<Record<StatTestName, StatTestSpec>> = {
  ks: {
    display: 'K-S p_value',
    defaultThreshold: 0.05,
    scoreKind: 'p_value',
    drifted: (s, t) => s <= t,
    types: ['numerical'],
  },
  chisquare: {
    display: 'chi-square p_value',
    defaultThreshold: 0.05,
    scoreKind: 'p_value',
    drifted: (s, t) => s < t,
    types: ['categorical', 'numerical'],
  },
  z: {
    display: 'Z-test p_value',
    defaultThreshold: 0.05,
    scoreKind: 'p_value',
    drifted: (s, t) => s < t,
    types: ['categorical', 'numerical'],
  },
  wasserstein: {
    display: 'Wasserstein distance (normed)',
    defaultThreshold: 0.1,
    scoreKind: 'distance',
    drifted: (s, t) => s >= t,
    types: ['numerical'],
  },
  jensenshannon: {
    display: 'Jensen-Shannon distance',
    defaultThreshold: 0.1,
    scoreKind: 'distance',
    drifted: (s, t) => s >= t,
    types: ['categorical', 'numerical'],
  },
  psi: {
    display: 'PSI',
    defaultThreshold: 0.1,
    scoreKind: 'distance',
    drifted: (s, t) => s >= t,
    types: ['categorical', 'numerical'],
  },
};

/**
 * Evidently's default test for a column (`_get_default_stattest`): with at most 1000 reference values,
 * K-S for numerical columns with more than 5 distinct values (reference and current together), else
 * chi-square, or the z-test for at most 2 distinct values; with more reference values, the normed
 * Wasserstein distance for numerical columns with more than 5 distinct values, else Jensen–Shannon.
 */
export function selectStatTest(reference: Sample, current: Sample): StatTestName {
  const distinct = distinctUnion(reference, current);
  const numerical = reference.kind === 'numerical';
  if (sampleSize(reference) <= 1000) {
    if (numerical && distinct > 5) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  return numerical && distinct > 5 ? 'wasserstein' : 'jensenshannon';
}

/** The test's score for two samples of the same kind; `bins` replaces Sturges for PSI and Jensen–Shannon. */
export function computeScore(test: StatTestName, reference: Sample, current: Sample, bins?: number): number {
  switch (test) {
    case 'ks':
      return ks2Samp(numerical(reference), numerical(current)).pvalue;
    case 'wasserstein':
      return normedWasserstein(numerical(reference), numerical(current));
    case 'chisquare':
      return chiSquareTest(reference, current).pvalue;
    case 'z':
      return zTest(reference, current).pvalue;
    case 'jensenshannon':
      return jensenShannonTest(reference, current, bins);
    case 'psi':
      return psiTest(reference, current, bins);
  }
}

function numerical(s: Sample): Float64Array {
  if (s.kind !== 'numerical') throw new TypeError('this test needs a numerical column');
  return s.sorted;
}

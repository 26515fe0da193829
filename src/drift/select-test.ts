/** The column types the tests apply to (text columns get none). */
export type ColumnKind = 'numerical' | 'categorical';

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
  readonly types: readonly ColumnKind[];
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
 * Evidently's default test for a column (`_get_default_stattest`), from its type, the number of reference
 * values and the number of distinct values in reference ∪ current: with at most 1000 reference values,
 * K-S for numerical columns with more than 5 distinct values, else chi-square, or the z-test for at most
 * 2 distinct values; with more reference values, the normed Wasserstein distance for numerical columns
 * with more than 5 distinct values, else Jensen–Shannon.
 */
export function selectStatTest(type: ColumnKind, nReference: number, distinct: number): StatTestName {
  const numerical = type === 'numerical';
  if (nReference <= 1000) {
    if (numerical && distinct > 5) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  return numerical && distinct > 5 ? 'wasserstein' : 'jensenshannon';
}

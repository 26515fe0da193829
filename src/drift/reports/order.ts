import type { ColumnDrift } from '../dataset-drift';
import { STAT_TESTS } from '../select-test';
import { formatPercent } from './format-number';

/**
 * How far a score is past (or short of) its threshold, comparable across tests: threshold / p-value for
 * p-values, distance / threshold for distances; > 1 means drift.
 */
export function severity(c: ColumnDrift): number {
  if (c.score === null || c.threshold === null || c.stattest === null) return Number.NEGATIVE_INFINITY;
  if (STAT_TESTS[c.stattest].scoreKind === 'p_value')
    return c.score > 0 ? c.threshold / c.score : Number.POSITIVE_INFINITY;
  return c.threshold > 0 ? c.score / c.threshold : c.score;
}

/** Drifted columns first, then by severity, columns not evaluated last; ties by name. */
export function reportOrder(columns: readonly ColumnDrift[]): ColumnDrift[] {
  const rank = (c: ColumnDrift): number => (c.status === 'drift' ? 0 : c.status === 'no_drift' ? 1 : 2);
  return [...columns].sort(
    (a, b) =>
      rank(a) - rank(b) || severity(b) - severity(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** "0% / 12.5%": the missing share of each side. */
export function missingText(c: ColumnDrift): string {
  return `${formatPercent(c.reference_missing_share)} / ${formatPercent(c.current_missing_share)}`;
}

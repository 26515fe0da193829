import type { Quantiles } from '../histogram';
import { pairsStandardDeviation } from '../stats/wasserstein';
import type { ColumnSide } from '../values/column-side';
import { mergeToMemory } from '../values/runs';

/** Bumped whenever what a profile holds, or how it is computed, changes: older cached profiles are ignored. */
export const PROFILE_FORMAT = 1;

/** What every comparison needs of the reference's numbers, computed once. */
export interface NumberStats {
  /** Distinct values (Evidently bins PSI / Jensen–Shannon when there are more than 20). */
  distinct: number;
  /** Population standard deviation (ddof = 0): the normed Wasserstein distance divides by it. */
  std: number;
  /** For the report's axis. */
  quantiles: Quantiles;
}

/** A reference column: its side, numbers merged into one in-memory run, plus its number statistics. */
export interface ReferenceColumn extends ColumnSide {
  readonly numberStats: NumberStats | null;
}

/**
 * The reference data set reduced to what drift needs — per column: cell, missing and text counts, the
 * sorted distinct numbers with their counts, and their statistics. Built once per reference file (keyed by
 * its sha256) and reused: `mlctl drift` caches it on disk, `mlctl drift serve` keeps it in memory.
 */
export interface ReferenceProfile {
  readonly format: number;
  /** sha256 of the reference CSV's bytes. */
  readonly sha256: string;
  /** Data rows (header excluded). */
  readonly rows: number;
  readonly header: readonly string[];
  readonly columns: ReadonlyMap<string, ReferenceColumn>;
}

/** Finishes reference sides into a profile: runs merged to memory, number statistics computed. */
export function createProfile(
  sides: readonly ColumnSide[],
  header: readonly string[],
  rows: number,
  sha256: string,
): ReferenceProfile {
  const columns = new Map<string, ReferenceColumn>();
  for (const side of sides) {
    const run = side.numbers.runs.length ? mergeToMemory(side.numbers.runs) : undefined;
    const pairs = run?.kind === 'memory' ? run.pairs : new Float64Array(0);
    columns.set(side.name, {
      ...side,
      numbers: { ...side.numbers, runs: run ? [run] : [] },
      numberStats: pairs.length ? numberStats(pairs, side.numbers.count) : null,
    });
  }
  return { format: PROFILE_FORMAT, sha256, rows, header, columns };
}

export function numberStats(pairs: Float64Array, count: number): NumberStats {
  const at = (p: number): number => valueAtRank(pairs, Math.floor(p * (count - 1)));
  return {
    distinct: pairs.length / 2,
    std: pairsStandardDeviation(pairs),
    quantiles: { q01: at(0.01), q25: at(0.25), q50: at(0.5), q75: at(0.75), q99: at(0.99) },
  };
}

/** The value of rank `k` (0-based) in the sorted values the pairs stand for. */
function valueAtRank(pairs: Float64Array, k: number): number {
  let seen = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    seen += pairs[i + 1]!;
    if (seen > k) return pairs[i]!;
  }
  return pairs[pairs.length - 2]!;
}

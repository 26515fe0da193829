import type { Quantiles } from '../histogram';
import { runStandardDeviation } from '../stats/wasserstein';
import type { ColumnSide } from '../values/column-side';
import { RunCursor, mergeToMemory } from '../values/runs';
import type { Run } from '../values/runs';

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
    columns.set(side.name, {
      ...side,
      numbers: { ...side.numbers, runs: run ? [run] : [] },
      numberStats: run && side.numbers.count ? numberStats(run, side.numbers.count) : null,
    });
  }
  return { format: PROFILE_FORMAT, sha256, rows, header, columns };
}

export function numberStats(run: Run, count: number): NumberStats {
  // Distinct values and the quantiles in one walk over the run.
  const ranks = [0.01, 0.25, 0.5, 0.75, 0.99].map((p) => Math.floor(p * (count - 1)));
  const at: number[] = [];
  let distinct = 0;
  let seen = 0;
  const cursor = new RunCursor(run);
  while (cursor.next()) {
    distinct++;
    seen += cursor.count;
    while (at.length < ranks.length && seen > ranks[at.length]!) at.push(cursor.value);
  }
  const [q01, q25, q50, q75, q99] = at as [number, number, number, number, number];
  return { distinct, std: runStandardDeviation(run), quantiles: { q01, q25, q50, q75, q99 } };
}

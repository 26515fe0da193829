import { compareColumn } from '../../../src/drift/compare/column';
import type { ColumnDrift, CompareOptions } from '../../../src/drift/compare/column';
import { createProfile } from '../../../src/drift/profile/profile';
import type { ReferenceProfile } from '../../../src/drift/profile/profile';
import { ColumnAccumulator } from '../../../src/drift/values/column-side';
import type { ColumnSide } from '../../../src/drift/values/column-side';

/** A cell as a test writes it: a number, a text (read as CSV text is), null for missing. */
export type Cell = number | string | null;

/**
 * One column of a data set from its cells. Numbers count as written with a fraction unless `integers`
 * (so a float column stays float, as pandas would read "1.0"); texts are classified as CSV text is.
 */
export function sideOf(
  name: string,
  cells: readonly Cell[],
  options: { integers?: boolean; capacity?: number } = {},
): ColumnSide {
  const a = new ColumnAccumulator(name, { capacity: options.capacity ?? 1 << 20 });
  for (const cell of cells) {
    if (cell === null) a.pushMissing();
    else if (typeof cell === 'number') a.pushNumber(cell, options.integers ?? false);
    else a.pushText(cell);
  }
  return a.finish();
}

/** A reference profile of columns. */
export function profileOf(sides: readonly ColumnSide[], rows = sides[0]?.rows ?? 0): ReferenceProfile {
  return createProfile(
    sides,
    sides.map((s) => s.name),
    rows,
    'test',
  );
}

export const COMPARE_DEFAULTS: CompareOptions = { typing: 'evidently', stattest: 'auto', minRows: 1 };

/** One column compared, reference cells against current cells. */
export function compareCells(
  reference: readonly Cell[],
  current: readonly Cell[],
  options: Partial<CompareOptions> & { integers?: boolean } = {},
): ColumnDrift {
  const ref = profileOf([sideOf('x', reference, options)]).columns.get('x')!;
  return compareColumn(ref, sideOf('x', current, options), { ...COMPARE_DEFAULTS, ...options });
}

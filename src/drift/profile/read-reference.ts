import { readCsvColumns } from '../sources/csv-columns';
import { ColumnAccumulator } from '../values/column-side';
import { SpillDir } from '../values/spill';
import { createProfile } from './profile';
import type { ReferenceProfile } from './profile';

/** Numbers buffered while a reference is read, all columns together; past it, sorted runs are spilled. */
export const REFERENCE_BUDGET_BYTES = 48 * 1024 * 1024;

/** Reads a reference CSV — every column — into a profile. */
export async function readReferenceProfile(
  path: string,
  shown: string,
  sha256: string,
): Promise<ReferenceProfile> {
  const spill = new SpillDir();
  try {
    let accumulators: ColumnAccumulator[] = [];
    const { rows, header } = await readCsvColumns(path, {
      what: 'reference',
      shown,
      onHeader(names) {
        const capacity = Math.max(65_536, Math.floor(REFERENCE_BUDGET_BYTES / 8 / Math.max(names.length, 1)));
        accumulators = names.map((name) => new ColumnAccumulator(name, { capacity, spill }));
        return accumulators;
      },
    });
    return createProfile(
      accumulators.map((a) => a.finish()),
      header,
      rows,
      sha256,
    );
  } finally {
    spill.dispose();
  }
}

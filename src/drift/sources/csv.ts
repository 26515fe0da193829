import { open } from 'node:fs/promises';
import { parse as parseSync } from 'csv-parse/sync';
import { readCsv } from '../../data/csv';
import { isFiniteNumberText } from '../../data/numeric-text';
import type { CsvDefect } from '../../data/csv';
import { MlctlError, fromFsError } from '../../errors';
import { ColumnBuilder, buildTable, isMissingText } from '../table';
import type { ColumnKind, DriftTable } from '../table';

export interface CsvTableOptions {
  /** Shown in errors: "reference", "current data". */
  what: string;
  /** Kinds of the columns to read; a column not listed is inferred (numerical unless a value is not a number). */
  kinds?: ReadonlyMap<string, ColumnKind>;
  /** Read only these columns (default: all). */
  columns?: readonly string[];
  /** Keep only the last N rows. */
  maxRows?: number;
}

export interface CsvTable {
  table: DriftTable;
  header: string[];
  /** Records the CSV reader had to skip (unparseable lines). */
  skippedRecords: number;
}

/**
 * Reads the columns of a CSV file (header on the first line) for drift. Columns of unknown kind are read
 * as numbers; when one turns out to hold text, the file is read once more with that column as categories.
 */
export async function readCsvTable(path: string, shown: string, options: CsvTableOptions): Promise<CsvTable> {
  const first = await readOnce(path, shown, options, options.kinds ?? new Map());
  const retyped = new Map(options.kinds ?? []);
  for (const b of first.builders) {
    if (!options.kinds?.has(b.name) && b.unparseable > 0) retyped.set(b.name, 'categorical');
  }
  const read =
    retyped.size === (options.kinds?.size ?? 0) ? first : await readOnce(path, shown, options, retyped);
  return { table: buildTable(read.builders), header: read.header, skippedRecords: read.skipped };
}

async function readOnce(
  path: string,
  shown: string,
  options: CsvTableOptions,
  kinds: ReadonlyMap<string, ColumnKind>,
): Promise<{ builders: ColumnBuilder[]; header: string[]; skipped: number }> {
  let header: string[] | undefined;
  let builders: ColumnBuilder[] = [];
  let indexes: number[] = [];
  let skipped = 0;
  let fatal: CsvDefect | undefined;
  try {
    await readCsv(path, {
      onDefect: (defect) => {
        skipped++;
        if (defect.fatal) fatal ??= defect;
      },
      onRecord: (fields) => {
        if (!header) {
          header = fields.map((f) => f.trim());
          const wanted = options.columns ?? header;
          indexes = wanted.map((name) => header!.indexOf(name)).filter((i) => i >= 0);
          builders = indexes.map(
            (i) => new ColumnBuilder(header![i]!, kinds.get(header![i]!) ?? 'numerical', options.maxRows),
          );
          return;
        }
        for (let c = 0; c < builders.length; c++)
          (builders[c] as ColumnBuilder).push(fields[indexes[c] as number]);
      },
    });
  } catch (err) {
    throw fromFsError(err, options.what, shown);
  }
  if (fatal) {
    throw new MlctlError('INPUT_INVALID', `${options.what} ${shown}:${fatal.line}: ${fatal.message}`, {
      location: { file: shown, line: fatal.line },
      hint: 'Check the file with `mlctl validate`.',
    });
  }
  if (!header) throw new MlctlError('INPUT_INVALID', `${options.what} ${shown} is empty (no header line)`);
  return { builders, header, skipped };
}

/**
 * The header and the column kinds suggested by the first `bytes` of a CSV (a guess: a later value may
 * still turn a column categorical). Undefined when that much is not readable as CSV.
 */
export async function peekCsv(
  path: string,
  bytes = 64 * 1024,
): Promise<{ header: string[]; kinds: Map<string, ColumnKind> } | undefined> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
      text = buffer.toString('utf8', 0, bytesRead);
      if (bytesRead === bytes) text = text.slice(0, text.lastIndexOf('\n') + 1);
    } finally {
      await handle.close();
    }
    const records = parseSync(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
    const header = (records[0] ?? []).map((f) => f.trim());
    if (header.length === 0) return undefined;
    const kinds = new Map<string, ColumnKind>();
    header.forEach((name, c) => {
      const numeric = records.slice(1).every((r) => {
        const v = (r[c] ?? '').trim();
        return isMissingText(v) || isFiniteNumberText(v) || /^[+-]?(inf|infinity)$/i.test(v);
      });
      kinds.set(name, numeric ? 'numerical' : 'categorical');
    });
    return { header, kinds };
  } catch {
    return undefined;
  }
}

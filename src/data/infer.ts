import { readCsv } from './csv';
import { plural } from '../format/plural';
import type { CsvDefect } from './csv';
import type { ColumnSpec, DatasetSchema } from './schema';
import { isFiniteNumberText } from './numeric-text';
import { identifierLike, inferTask } from './column-types';

/** A text column with at most this many distinct values becomes a category with an enumerated domain (as TFDV). */
export const MAX_CATEGORY_VALUES = 100;

export interface InferOptions {
  /** The target column; its distinct values become the classes. */
  target: string;
}

export type InferResult =
  | { schema: DatasetSchema; rows: number }
  | { defects: Array<{ line: number; message: string }>; rows: number };

export interface ColumnStats {
  name: string;
  nulls: number;
  numeric: boolean;
  integer: boolean;
  min: number;
  max: number;
  /** Distinct non-empty values while there are few; undefined once past the category limit. */
  distinct?: Set<string>;
  /** Non-empty values seen. */
  values?: number;
}

/**
 * Infers a dataset schema from a CSV in one streaming pass. The file must be structurally sound
 * (readable, unique header, no ragged rows); otherwise the defects are returned instead.
 */
export async function inferDatasetSchema(file: string, options: InferOptions): Promise<InferResult> {
  const defects: Array<{ line: number; message: string }> = [];
  const onDefect = (d: CsvDefect): void => {
    defects.push({ line: d.line, message: d.message });
  };
  let stats: ColumnStats[] | undefined;
  let rows = 0;

  const onRecord = (fields: string[], line: number): void => {
    if (stats === undefined) {
      const names = fields.map((f) => f.trim());
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) defects.push({ line: 1, message: `column "${dup}" appears more than once in the header` });
      stats = names.map(newColumnStats);
      return;
    }
    rows++;
    if (fields.length !== stats.length) {
      if (defects.length < 20) {
        defects.push({ line, message: `${plural(fields.length, 'field')}, the header has ${stats.length}` });
      }
      return;
    }
    for (let i = 0; i < fields.length; i++) observe(stats[i] as ColumnStats, (fields[i] as string).trim());
  };
  await readCsv(file, { onRecord, onDefect });

  if (stats === undefined) defects.push({ line: 1, message: 'the file is empty' });
  else if (rows === 0) defects.push({ line: 1, message: 'the file has a header but no rows' });
  if (defects.length > 0 || stats === undefined) return { defects, rows };

  const hasTarget = stats.some((s) => s.name === options.target);
  return {
    rows,
    schema: {
      version: 1,
      ...(hasTarget ? { target: options.target } : {}),
      columns: stats.map((s) => describeColumn(s, s.name === options.target)),
      // Bounds to tighten by hand: inferred data only proves that a non-empty file is expected.
      rows: { min: 1 },
      additionalColumns: false,
    },
  };
}

/** A column's statistics before its first value. */
export function newColumnStats(name: string): ColumnStats {
  return { name, nulls: 0, numeric: true, integer: true, min: Infinity, max: -Infinity, distinct: new Set() };
}

/** Adds one trimmed value ('' is missing). */
export function observe(s: ColumnStats, text: string): void {
  if (text === '') {
    s.nulls++;
    return;
  }
  s.values = (s.values ?? 0) + 1;
  if (s.distinct) {
    s.distinct.add(text);
    if (s.distinct.size > MAX_CATEGORY_VALUES) s.distinct = undefined;
  }
  if (!s.numeric) return;
  if (!isFiniteNumberText(text)) {
    s.numeric = false;
    s.integer = false;
    return;
  }
  const n = Number(text);
  if (s.integer && !Number.isInteger(n)) s.integer = false;
  if (n < s.min) s.min = n;
  if (n > s.max) s.max = n;
}

/**
 * The schema entry of a column from its statistics: the rule `validate --infer` writes and `train` types
 * its features by (docs/DATA.md). A text column is a category when it has at most 100 distinct values
 * and is not identifier-like; a numeric target is a class column unless it looks like a quantity
 * (column-types.ts, `inferTask`), when it gets a range instead of values.
 */
export function describeColumn(s: ColumnStats, isTarget: boolean): ColumnSpec {
  const seen = s.min <= s.max; // false when the column is entirely empty
  if (s.numeric && seen) {
    const spec: ColumnSpec = { name: s.name, type: s.integer ? 'integer' : 'number', nullable: s.nulls > 0 };
    if (isTarget && s.distinct && inferTask(s).task === 'classification') {
      spec.values = [...s.distinct].map(Number).sort((a, b) => a - b);
    } else {
      spec.min = s.min;
      spec.max = s.max;
    }
    return spec;
  }
  if (s.distinct && s.distinct.size > 0 && !identifierLike(s)) {
    return {
      name: s.name,
      type: 'category',
      nullable: s.nulls > 0,
      values: [...s.distinct].sort(),
    };
  }
  return { name: s.name, type: 'string', nullable: s.nulls > 0 };
}

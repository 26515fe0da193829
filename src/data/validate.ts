import { readCsv } from './csv';
import { plural } from '../format/plural';
import type { CsvDefect } from './csv';
import { isFiniteNumberText, normaliseValue } from './numeric-text';
import type { ColumnSpec, DatasetSchema } from './schema';

/**
 * What a validation can find. The codes are stable: they appear in JSON and JUnit output and CI may
 * match on them.
 */
export const PROBLEM_KINDS = {
  unparseable_csv: 'the file cannot be read as CSV',
  empty_file: 'the file is empty',
  header_only: 'the file has a header but no rows',
  row_count: 'the number of rows is outside the schema bounds',
  duplicate_header: 'a column name appears more than once in the header',
  missing_column: 'a column of the schema is not in the file',
  unexpected_column: 'a column of the file is not in the schema',
  ragged_row: 'a row has more or fewer fields than the header',
  wrong_type: 'a value is not of the column type',
  null_value: 'a value is empty in a column that is not nullable',
  out_of_range: 'a value is outside the column range',
  unknown_value: 'a value is not one of the allowed values (categories or classes)',
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface ProblemSample {
  line?: number;
  column?: string;
  value?: string;
  message: string;
}

/** One check of a file: passed when count is 0. Samples are capped; count is the total. */
export interface CheckResult {
  kind: ProblemKind;
  column?: string;
  count: number;
  samples: ProblemSample[];
}

export interface FileReport {
  file: string;
  valid: boolean;
  rows: number;
  columns: string[];
  checks: CheckResult[];
}

export interface ValidateOptions {
  /** Samples kept per check; the total count is always exact. */
  maxSamples: number;
  /** Texts that stand for an empty value (`train --na-values`). */
  naValues?: readonly string[];
}

/** Checks one CSV file against a schema, streaming: memory does not grow with the file. */
export async function validateCsvFile(
  file: string,
  schema: DatasetSchema,
  options: ValidateOptions,
): Promise<FileReport> {
  const checks = new CheckSet(options.maxSamples);
  const fileChecks: ProblemKind[] = ['unparseable_csv', 'empty_file', 'header_only', 'row_count'];
  fileChecks.forEach((kind) => checks.declare(kind));

  let header: string[] | undefined;
  let columnChecks: ColumnCheck[] = [];
  let rows = 0;

  const onDefect = (d: CsvDefect): void => checks.add('unparseable_csv', { line: d.line, message: d.message });

  const onRecord = (fields: string[], line: number): void => {
    if (header === undefined) {
      header = fields.map((f) => f.trim());
      columnChecks = checkHeader(header, schema, checks, new Set(options.naValues ?? []));
      return;
    }
    rows++;
    if (fields.length !== header.length) {
      checks.add('ragged_row', {
        line,
        value: String(fields.length),
        message: `${plural(fields.length, 'field')}, the header has ${header.length}`,
      });
      return;
    }
    for (const check of columnChecks) checkValue(check, fields[check.index] as string, line, checks);
  };
  await readCsv(file, { onRecord, onDefect });

  if (header === undefined) {
    if (checks.count('unparseable_csv') === 0) checks.add('empty_file', { message: 'no header and no rows' });
    schema.columns.forEach((c) => checks.declare('missing_column', c.name));
  } else if (rows === 0 && checks.count('unparseable_csv') === 0) {
    checks.add('header_only', { line: 1, message: 'a header and no data rows' });
  } else {
    const { min, max } = schema.rows ?? {};
    if ((min !== undefined && rows < min) || (max !== undefined && rows > max)) {
      checks.add('row_count', {
        value: String(rows),
        message: `${plural(rows, 'row')}, expected ${min ?? 0} to ${max ?? 'any number'}`,
      });
    }
  }

  const results = checks.results();
  return {
    file,
    valid: results.every((c) => c.count === 0),
    rows,
    columns: header ?? [],
    checks: results,
  };
}

interface ColumnCheck {
  index: number;
  spec: ColumnSpec;
  numeric: boolean;
  integer: boolean;
  allowed?: Set<string>;
  naValues: ReadonlySet<string>;
}

/** Header problems, and the per-value checks for the columns the schema knows. */
function checkHeader(
  header: string[],
  schema: DatasetSchema,
  checks: CheckSet,
  naValues: ReadonlySet<string>,
): ColumnCheck[] {
  checks.declare('duplicate_header');
  checks.declare('ragged_row');
  const firstIndex = new Map<string, number>();
  header.forEach((name, index) => {
    if (firstIndex.has(name)) {
      checks.add('duplicate_header', {
        line: 1,
        column: name,
        message: `column "${name}" appears again at position ${index + 1} (first at ${(firstIndex.get(name) ?? 0) + 1})`,
      });
    } else {
      firstIndex.set(name, index);
    }
  });

  const known = new Set(schema.columns.map((c) => c.name));
  if (!schema.additionalColumns) {
    checks.declare('unexpected_column');
    header.forEach((name, index) => {
      if (!known.has(name)) {
        checks.add('unexpected_column', {
          line: 1,
          column: name,
          message: `column "${name}" (position ${index + 1}) is not in the schema`,
        });
      }
    });
  }

  const result: ColumnCheck[] = [];
  for (const spec of schema.columns) {
    checks.declare('missing_column', spec.name);
    const index = firstIndex.get(spec.name);
    if (index === undefined) {
      checks.add('missing_column', { line: 1, column: spec.name, message: `column "${spec.name}" is missing` });
      continue;
    }
    const numeric = spec.type === 'number' || spec.type === 'integer';
    if (numeric) checks.declare('wrong_type', spec.name);
    if (!spec.nullable) checks.declare('null_value', spec.name);
    if (spec.min !== undefined || spec.max !== undefined) checks.declare('out_of_range', spec.name);
    if (spec.values) checks.declare('unknown_value', spec.name);
    result.push({
      index,
      spec,
      numeric,
      integer: spec.type === 'integer',
      allowed: spec.values ? new Set(spec.values.map((v) => normaliseValue(v, numeric))) : undefined,
      naValues,
    });
  }
  return result;
}

function checkValue(check: ColumnCheck, raw: string, line: number, checks: CheckSet): void {
  const { spec } = check;
  const text = raw.length > 0 && (raw.charCodeAt(0) === 32 || raw.charCodeAt(raw.length - 1) === 32) ? raw.trim() : raw;
  if (text === '' || (check.naValues.size > 0 && check.naValues.has(text))) {
    if (!spec.nullable) {
      checks.add('null_value', { line, column: spec.name, value: raw, message: 'empty value' });
    }
    return;
  }
  let key = text;
  if (check.numeric) {
    if (!isFiniteNumberText(text)) {
      checks.add('wrong_type', { line, column: spec.name, value: raw, message: 'not a finite number' });
      return;
    }
    const n = Number(text);
    if (check.integer && !Number.isInteger(n)) {
      checks.add('wrong_type', { line, column: spec.name, value: raw, message: 'not an integer' });
      return;
    }
    if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
      checks.add('out_of_range', {
        line,
        column: spec.name,
        value: raw,
        message: `outside [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`,
      });
    }
    if (check.allowed) key = String(n);
  }
  if (check.allowed && !check.allowed.has(key)) {
    const shown = [...check.allowed].slice(0, 10).join(', ');
    checks.add('unknown_value', {
      line,
      column: spec.name,
      value: raw,
      message: `not one of ${shown}${check.allowed.size > 10 ? ', …' : ''}`,
    });
  }
}

/** Counts problems per (kind, column), keeps the first few of each, and remembers which checks ran. */
class CheckSet {
  private readonly byKey = new Map<string, CheckResult>();

  constructor(private readonly maxSamples: number) {}

  declare(kind: ProblemKind, column?: string): CheckResult {
    const key = column === undefined ? kind : `${kind}\u0000${column}`;
    let check = this.byKey.get(key);
    if (!check) {
      check = column === undefined ? { kind, count: 0, samples: [] } : { kind, column, count: 0, samples: [] };
      this.byKey.set(key, check);
    }
    return check;
  }

  add(kind: ProblemKind, sample: ProblemSample): void {
    const check = this.declare(kind, kind === 'unexpected_column' || kind === 'duplicate_header' ? undefined : sample.column);
    check.count++;
    if (check.samples.length < this.maxSamples) check.samples.push(sample);
  }

  count(kind: ProblemKind): number {
    return this.byKey.get(kind)?.count ?? 0;
  }

  results(): CheckResult[] {
    return [...this.byKey.values()];
  }
}

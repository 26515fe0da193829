import { MlctlError } from '../errors';
import { badRequest } from './http/errors';

export interface RowLimits {
  maxBatch: number;
}

/**
 * Turns request rows into numeric rows in the model's feature order. Rows are arrays in that order,
 * or objects keyed by feature name. Every rejection names the row and, where it applies, the column.
 */
export function parseRows(
  value: unknown,
  featureNames: readonly string[],
  limits: RowLimits,
  field = 'features',
): number[][] {
  if (!Array.isArray(value)) {
    throw badRequest(`${field} must be an array of rows`, { field });
  }
  if (value.length === 0) throw badRequest(`${field} is empty; send at least one row`, { field });
  if (value.length > limits.maxBatch) {
    throw new MlctlError(
      'REQUEST_TOO_LARGE',
      `batch of ${value.length} rows exceeds the maximum of ${limits.maxBatch}`,
      { details: { field }, hint: 'Split the request into smaller batches (MAX_BATCH_SIZE)' },
    );
  }
  const rows = new Array<number[]>(value.length);
  for (let i = 0; i < value.length; i++) rows[i] = parseRow(value[i], i, featureNames, field);
  return rows;
}

export function parseRow(
  row: unknown,
  index: number,
  featureNames: readonly string[],
  field = 'features',
): number[] {
  const d = featureNames.length;
  if (Array.isArray(row)) {
    if (row.length !== d) {
      throw badRequest(
        `${field}[${index}] has ${row.length} values; the model expects ${d} (${featureNames.join(', ')})`,
        {
          row: index,
          expected: d,
          received: row.length,
        },
      );
    }
    // A row of finite numbers is used as it is (it came from the request body, which nothing else holds).
    for (let j = 0; j < d; j++) toNumber(row[j], index, featureNames[j] as string, field, j);
    return row as number[];
  }
  if (row !== null && typeof row === 'object') {
    const record = row as Record<string, unknown>;
    const missing = featureNames.filter((name) => !(name in record));
    const extra = Object.keys(record).filter((name) => !featureNames.includes(name));
    if (missing.length || extra.length) {
      const parts = [];
      if (missing.length) parts.push(`missing ${missing.join(', ')}`);
      if (extra.length) parts.push(`unknown ${extra.join(', ')}`);
      throw badRequest(
        `${field}[${index}]: ${parts.join('; ')} (the model expects ${featureNames.join(', ')})`,
        {
          row: index,
          missing,
          unknown: extra,
        },
      );
    }
    return featureNames.map((name, j) => toNumber(record[name], index, name, field, j));
  }
  throw badRequest(`${field}[${index}] must be an array of numbers or an object keyed by feature name`, {
    row: index,
  });
}

function toNumber(value: unknown, row: number, column: string, field: string, position: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const what =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'a nested array'
        : typeof value === 'number'
          ? String(value)
          : typeof value === 'string'
            ? `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`
            : typeof value;
  throw badRequest(`${field}[${row}].${column} is ${what}; expected a finite number`, {
    row,
    column,
    position,
  });
}

import { MlctlError } from '../errors';
import { RowEncoder } from '../data/row-encoder';
import type { EncodedFeature } from '../data/row-encoder';
import { badRequest } from './http/errors';

export interface RowLimits {
  maxBatch: number;
}

/**
 * How a numeric feature takes text. `strict`: JSON numbers only (and null); `decimal`: also a string
 * that is a decimal number, as MLflow's cast of a pandas column to `double` reads it; `csv`: every value
 * is a CSV cell, read as `mlctl predict` reads one (an empty cell or a text of the model's na_values is
 * missing).
 */
export type TextMode = 'strict' | 'decimal' | 'csv';

export interface RowOptions {
  /** The request field the rows came from, for error messages. */
  field?: string;
  text?: TextMode;
}

/** Rows ready for the forest, and the categories never seen in training that were read as missing. */
export interface DecodedRows {
  rows: number[][];
  /** Per feature name; undefined when there were none. */
  unknown?: Record<string, number>;
}

/**
 * Request rows to the rows a forest takes, in one place for every route: arrays in feature order, or
 * objects keyed by feature name; a numeric feature takes a number, a categorical one its text (or its
 * integer, compared by value); null is a missing value (NaN), and so is a category never seen in
 * training (counted). Values are encoded by `mlctl predict`'s RowEncoder; a value of the wrong kind is
 * a 400 naming the row and the column. A model of numeric features takes a row of finite numbers as it
 * is, with no copy (the hot path of /predict).
 */
export class RowDecoder {
  readonly names: readonly string[];
  /** Every feature numeric: a row of finite numbers needs no encoding. */
  private readonly plain: boolean;
  private readonly categorical: boolean[];
  private readonly encoder: RowEncoder;

  constructor(
    private readonly features: readonly EncodedFeature[],
    naValues: readonly string[],
  ) {
    this.names = features.map((f) => f.name);
    this.categorical = features.map((f) => f.type === 'categorical');
    this.plain = !this.categorical.includes(true);
    this.encoder = new RowEncoder(features, new Set(naValues));
  }

  /** A batch of rows (1 … maxBatch). */
  rows(value: unknown, limits: RowLimits, options: RowOptions = {}): DecodedRows {
    const field = options.field ?? 'features';
    if (!Array.isArray(value)) throw badRequest(`${field} must be an array of rows`, { field });
    if (value.length === 0) throw badRequest(`${field} is empty; send at least one row`, { field });
    if (value.length > limits.maxBatch) throw batchTooLarge(value.length, limits, field);
    const rows = new Array<number[]>(value.length);
    try {
      for (let i = 0; i < value.length; i++) rows[i] = this.row(value[i], i, options);
    } catch (err) {
      this.takeUnknown();
      throw err;
    }
    const unknown = this.takeUnknown();
    return unknown ? { rows, unknown } : { rows };
  }

  /** One row; unknown categories are counted until the next `takeUnknown`. */
  row(row: unknown, index: number, options: RowOptions = {}): number[] {
    const field = options.field ?? 'features';
    const names = this.names;
    const d = names.length;
    if (Array.isArray(row)) {
      if (row.length !== d) {
        throw badRequest(
          `${field}[${index}] has ${row.length} values; the model expects ${d} (${names.join(', ')})`,
          { row: index, expected: d, received: row.length },
        );
      }
      if (this.plain) {
        // A row of finite numbers is used as it is (it came from the request body, which nothing else holds).
        let j = 0;
        for (; j < d; j++) {
          const v = row[j] as unknown;
          if (typeof v !== 'number' || !Number.isFinite(v)) break;
        }
        if (j === d) return row as number[];
      }
      const out = new Array<number>(d);
      for (let j = 0; j < d; j++) out[j] = this.cell(row[j], index, j, field, options.text);
      return out;
    }
    if (row !== null && typeof row === 'object') {
      const record = row as Record<string, unknown>;
      const missing = names.filter((name) => !(name in record));
      const extra = Object.keys(record).filter((name) => !names.includes(name));
      if (missing.length || extra.length) {
        const parts = [];
        if (missing.length) parts.push(`missing ${missing.join(', ')}`);
        if (extra.length) parts.push(`unknown ${extra.join(', ')}`);
        throw badRequest(`${field}[${index}]: ${parts.join('; ')} (the model expects ${names.join(', ')})`, {
          row: index,
          missing,
          unknown: extra,
        });
      }
      const out = new Array<number>(d);
      for (let j = 0; j < d; j++)
        out[j] = this.cell(record[names[j] as string], index, j, field, options.text);
      return out;
    }
    throw badRequest(
      `${field}[${index}] must be an array of values in feature order or an object keyed by feature name`,
      { row: index },
    );
  }

  /**
   * A decoded row as values a person reads (/explain's feature_values): numbers, a category's text (or
   * integer), null for a missing value.
   */
  values(row: ArrayLike<number>): Array<number | string | null> {
    return this.features.map((f, j) => {
      const v = row[j] as number;
      if (v !== v) return null;
      return f.type === 'categorical' ? ((f.categories ?? [])[v] ?? null) : v;
    });
  }

  /** The unknown categories counted since the last call, per feature; undefined when none. */
  takeUnknown(): Record<string, number> | undefined {
    // Only a categorical feature meets an unknown category: a numeric model skips the walk.
    if (this.plain) return undefined;
    const counted = this.encoder.unknown;
    let out: Record<string, number> | undefined;
    for (const name of Object.keys(counted)) {
      (out ??= {})[name] = counted[name] as number;
      delete counted[name];
    }
    return out;
  }

  /** One value: a number, a category code, or NaN (missing); a value of the wrong kind is a 400. */
  private cell(value: unknown, row: number, j: number, field: string, text: TextMode = 'strict'): number {
    if (value === null) return NaN;
    const categorical = this.categorical[j] as boolean;
    // NaN arrives only in binary tensors, where it is how a missing value is written.
    if (typeof value === 'number' && (Number.isFinite(value) || value !== value)) {
      return categorical ? (this.encode(j, value, row, field) as number) : value;
    }
    if (typeof value === 'string') {
      if (categorical || text === 'csv') return this.encode(j, value, row, field);
      if (text === 'decimal' && DECIMAL.test(value)) return Number(value);
    }
    throw badRequest(
      `${field}[${row}].${this.names[j] as string} is ${describe(value)}; expected ${categorical ? 'a category (text or number)' : 'a finite number'} or null`,
      { row, column: this.names[j] as string, position: j },
    );
  }

  private encode(j: number, value: string | number, row: number, field: string): number {
    if (value !== value) return NaN;
    const out = this.encoder.encode(j, value);
    if (typeof out === 'number') return out;
    throw badRequest(`${field}[${row}].${out.feature} is ${describe(value)}; ${out.message}`, {
      row,
      column: out.feature,
      position: j,
    });
  }
}

/** A batch over MAX_BATCH_SIZE: 413. */
export function batchTooLarge(rows: number, limits: RowLimits, field: string): MlctlError {
  return new MlctlError(
    'REQUEST_TOO_LARGE',
    `batch of ${rows} rows exceeds the maximum of ${limits.maxBatch}`,
    {
      details: { field },
      hint: 'Split the request into smaller batches (MAX_BATCH_SIZE)',
    },
  );
}

/**
 * A decimal number as text, spaces around it at most: no hex, no `Infinity`, no empty string, and short
 * enough to be finite (the OpenAPI document states the same pattern).
 */
export const DECIMAL = /^\s*[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,2})?\s*$/;

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a nested array';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return typeof value;
}

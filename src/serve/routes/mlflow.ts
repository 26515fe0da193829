import { parse as parseCsv } from 'csv-parse/sync';
import { contentTypeParts, mediaType, parseJson } from '../http/body';
import { MlctlError } from '../../errors';
import { badRequest } from '../http/errors';
import type { DecodedRows, RowDecoder } from '../input';
import { requireModel, scoreRows } from '../predict-core';
import type { RouteDef } from '../context';

const INPUT_FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** GET /ping (MLflow scoring protocol): 200 with "\n" once a model is loaded, else 404 as MLflow does. */
export const pingRoute: RouteDef = {
  errorStyle: 'mlflow',
  handler(ctx) {
    return ctx.model
      ? { body: '\n', contentType: 'text/plain; charset=utf-8' }
      : { status: 404, body: '\n', contentType: 'text/plain; charset=utf-8' };
  },
};

/** GET /version (MLflow scoring protocol): the server's version as plain text (MLflow answers its own). */
export const versionRoute: RouteDef = {
  errorStyle: 'mlflow',
  handler: (_ctx, deps) => ({ body: deps.version, contentType: 'text/plain; charset=utf-8' }),
};

/**
 * POST /invocations, MLflow's scoring protocol, so clients of `mlflow models serve` work unchanged:
 * JSON with exactly one of dataframe_split, dataframe_records, instances, inputs; or text/csv with a
 * header. Other content types are 415.
 */
export const invocationsRoute: RouteDef = {
  errorStyle: 'mlflow',
  body: 'raw',
  accepts(req) {
    const [type = '', ...params] = contentTypeParts(req);
    for (const p of params) {
      if (p.startsWith('charset=') && p !== 'charset=utf-8') {
        throw new MlctlError('UNSUPPORTED_MEDIA_TYPE', 'The scoring server only supports UTF-8');
      }
    }
    if (type !== 'application/json' && type !== 'text/csv') {
      throw new MlctlError(
        'UNSUPPORTED_MEDIA_TYPE',
        "This predictor only supports the following content types: ['text/csv', 'application/json']",
      );
    }
  },
  handler(ctx, deps) {
    const type = mediaType(ctx.req);
    const body = ctx.body as Buffer;
    const model = requireModel(ctx);
    const { decoder } = model.model;
    const limits = { maxBatch: deps.settings.maxBatch };
    const decoded =
      type === 'text/csv'
        ? csvRows(body, decoder, limits.maxBatch)
        : jsonRows(parseJson(body), decoder, limits);
    return { body: { predictions: scoreRows(ctx, deps, model, decoded).predictions } };
  },
};

function jsonRows(doc: unknown, decoder: RowDecoder, limits: { maxBatch: number }): DecodedRows {
  const names = decoder.names;
  const present =
    doc !== null && typeof doc === 'object' && !Array.isArray(doc)
      ? INPUT_FIELDS.filter((f) => f in doc)
      : [];
  if (present.length !== 1) {
    throw badRequest(
      `The input must be a JSON dictionary with exactly one of the input fields {${INPUT_FIELDS.map((f) => `'${f}'`).join(', ')}}. ` +
        `Received ${present.length === 0 ? 'none of them' : present.join(', ')}.`,
    );
  }
  const field = present[0] as (typeof INPUT_FIELDS)[number];
  const value = (doc as Record<string, unknown>)[field];
  // MLflow casts the pandas forms to the signature's types before scoring, so a number given as a
  // string ("5.1") is read as that number in a numeric column (docs/API.md); the tensor forms take
  // numbers only. Categorical columns take their text (or integer) in every form, null is missing.
  const options = { field: 'input', text: 'decimal' as const };
  if (field === 'dataframe_split') return decoder.rows(splitRows(value, names), limits, options);
  if (field === 'dataframe_records') {
    if (!Array.isArray(value)) throw badRequest('dataframe_records must be a list of records');
    return decoder.rows(
      value.map((r) => onlyFeatures(r, names)),
      limits,
      options,
    );
  }
  const strict = { field: 'input' };
  // instances / inputs: a list of rows, or a dict of columns (TF-serving columnar form).
  if (Array.isArray(value))
    return decoder.rows(
      value.map((r) => onlyFeatures(r, names)),
      limits,
      strict,
    );
  if (value !== null && typeof value === 'object') {
    return decoder.rows(columnsToRecords(value as Record<string, unknown>, names), limits, strict);
  }
  throw badRequest(`${field} must be a list of rows or a mapping of columns`);
}

function splitRows(value: unknown, names: readonly string[]): unknown[] {
  const split = value as { columns?: unknown; data?: unknown } | null;
  if (!split || typeof split !== 'object' || !Array.isArray(split.data)) {
    throw badRequest('dataframe_split must be {"columns": [...], "data": [[...], ...]}');
  }
  if (split.columns === undefined) return split.data;
  if (!Array.isArray(split.columns))
    throw badRequest('dataframe_split.columns must be a list of column names');
  const columns = split.columns.map(String);
  return split.data.map((row, i) => {
    if (!Array.isArray(row) || row.length !== columns.length) {
      throw badRequest(`dataframe_split.data[${i}] must have ${columns.length} values, one per column`, {
        row: i,
      });
    }
    // Extra columns are ignored, as MLflow's schema enforcement does; missing ones are reported by the row decoder.
    return Object.fromEntries(
      columns.map((c, j) => [c, row[j]]).filter(([c]) => names.includes(c as string)),
    );
  });
}

/** MLflow's schema enforcement ignores columns the model does not take; so does this endpoint. */
function onlyFeatures(row: unknown, names: readonly string[]): unknown {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
  return Object.fromEntries(Object.entries(row).filter(([k]) => names.includes(k)));
}

/** The columnar form as records of the model's columns (others are ignored, as MLflow ignores them). */
function columnsToRecords(columns: Record<string, unknown>, names: readonly string[]): unknown[] {
  const entries = Object.entries(columns).filter(([name]) => names.includes(name));
  const length = Array.isArray(entries[0]?.[1]) ? (entries[0]?.[1] as unknown[]).length : 0;
  for (const [name, values] of entries) {
    if (!Array.isArray(values) || values.length !== length) {
      throw badRequest(
        `inputs as columns must be lists of one length: ${JSON.stringify(name)} has ${Array.isArray(values) ? values.length : 'no list of'} values, ${JSON.stringify(entries[0]?.[0])} ${length}`,
      );
    }
  }
  return Array.from({ length }, (_, i) =>
    Object.fromEntries(entries.map(([name, values]) => [name, (values as unknown[])[i]])),
  );
}

function csvRows(body: Buffer, decoder: RowDecoder, maxBatch: number): DecodedRows {
  const names = decoder.names;
  let records: string[][];
  try {
    records = parseCsv(body, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      // Lines may end in CRLF or LF, even both in one body.
      record_delimiter: ['\r\n', '\n'],
    }) as string[][];
  } catch (err) {
    throw badRequest(`invalid CSV: ${(err as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header || data.length === 0) throw badRequest('the CSV needs a header row and at least one data row');
  const columns = header.map((h) => h.trim());
  // A first row of values rather than names (a CSV without its header) is named as such.
  if (!names.some((n) => columns.includes(n))) {
    throw badRequest(
      `the CSV's first row (${columns.slice(0, 5).join(',')}${columns.length > 5 ? ',…' : ''}) names none of the model's features; it must be a header row: ${names.join(',')}`,
    );
  }
  // Cells are read as `mlctl predict` reads them: an empty cell (or a text of the model's na_values)
  // is a missing value, a categorical one takes its text.
  const rows = data.map((r) =>
    Object.fromEntries(columns.map((h, j) => [h, r[j]]).filter(([h]) => names.includes(h as string))),
  );
  return decoder.rows(rows, { maxBatch }, { field: 'input', text: 'csv' });
}

import type { EncodedFeature } from '../data/row-encoder';
import type { LoadedModel } from './model';
import { DECIMAL } from './input';
import { OIP_NUMERIC_TYPES, featureDatatype } from './routes/oip';

export type Schema = Record<string, unknown>;

/**
 * The schemas of a model's rows, value by value, as the row decoder (./input.ts) takes them: a numeric
 * feature a number, a categorical one text or a number (an unseen category is a missing value, not an
 * error), null a missing value; MLflow's pandas forms also take a number written as a string in a
 * numeric column. Without a model, any row of numbers.
 */
export function rowSchemas(model: LoadedModel | undefined, maxBatch: number) {
  const features: readonly EncodedFeature[] = model?.model.features ?? [];
  const names = features.map((f) => f.name);
  const d = names.length;
  const number: Schema = { type: 'number' };
  const strict = (f: EncodedFeature): Schema =>
    f.type === 'categorical' ? { type: ['string', 'number', 'null'] } : { type: ['number', 'null'] };
  const decimal = (f: EncodedFeature): Schema =>
    f.type === 'categorical'
      ? strict(f)
      : { oneOf: [{ type: ['number', 'null'] }, { type: 'string', pattern: DECIMAL.source }] };
  const rowArray = (cell: (f: EncodedFeature) => Schema): Schema =>
    d
      ? { type: 'array', prefixItems: features.map(cell), items: false, minItems: d }
      : { type: 'array', items: number, minItems: 1 };
  // Objects with exactly the features (/predict names unknown ones), or with any others besides (the
  // MLflow forms ignore columns the model does not take, as MLflow does).
  const rowObject = (extra: boolean, cell: (f: EncodedFeature) => Schema = strict): Schema =>
    d
      ? {
          type: 'object',
          properties: Object.fromEntries(features.map((f) => [f.name, cell(f)])),
          required: [...names],
          ...(extra ? {} : { additionalProperties: false }),
        }
      : { type: 'object', additionalProperties: number };
  const batch = (row: Schema): Schema => ({ type: 'array', items: row, minItems: 1, maxItems: maxBatch });
  const columns: Schema = d
    ? {
        type: 'object',
        properties: Object.fromEntries(features.map((f) => [f.name, batch(strict(f))])),
        required: [...names],
      }
    : { type: 'object' };
  return {
    names,
    row: { oneOf: [rowArray(strict), rowObject(false)] } as Schema,
    batch,
    /** dataframe_split's data and dataframe_records' records (numbers as text too). */
    splitRow: rowArray(decimal),
    record: rowObject(true, decimal),
    /** instances / inputs as rows (numbers only), or inputs as columns. */
    mlflowRows: batch({ oneOf: [rowArray(strict), rowObject(true)] }),
    columns,
    csvPattern: d ? csvPattern(features) : undefined,
    oipInputs: oipInputs(features, maxBatch),
  };
}

/** A CSV with the features' header and rows of plain decimal numbers (empty: missing) or category text. */
function csvPattern(features: readonly EncodedFeature[]): string {
  const number = '(-?[0-9]+(\\.[0-9]+)?)?';
  const text = '[^,\\r\\n"]*';
  const line = features.map((f) => (f.type === 'categorical' ? text : number)).join(',');
  return `^${features.map((f) => escapeRegex(f.name)).join(',')}(\\r?\\n${line})+(\\r?\\n)?$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * OIP's `inputs`: one tensor of shape [rows, features] of a numeric type; for a model with categorical
 * features, also one tensor per feature in order (text categories BYTES). Data as long as the shapes say,
 * and per-feature tensors of one length, are stated in words (JSON Schema cannot say it).
 */
function oipInputs(features: readonly EncodedFeature[], maxBatch: number): Schema {
  const d = features.length;
  const rows: Schema = { type: 'integer', minimum: 1, maximum: maxBatch };
  const nullableNumber: Schema = { type: ['number', 'null'] };
  const data = (item: Schema): Schema => ({
    oneOf: [
      { type: 'array', items: item, minItems: 1 },
      { type: 'array', items: { type: 'array', items: item, minItems: 1 }, minItems: 1 },
    ],
  });
  const numericTensor = (name: Schema, shape: Schema): Schema => ({
    type: 'object',
    properties: {
      name,
      shape,
      datatype: { enum: [...OIP_NUMERIC_TYPES] },
      // binary_data_size only with the binary extension (a body the JSON document cannot describe).
      parameters: { type: 'object', properties: { binary_data_size: false } },
      data: data({ type: ['number', 'boolean', 'null'] }),
    },
    required: ['name', 'shape', 'datatype', 'data'],
    // BOOL data are JSON booleans (or numbers); other datatypes take numbers only.
    if: { properties: { datatype: { not: { const: 'BOOL' } } } },
    then: { properties: { data: data(nullableNumber) } },
  });
  const single: Schema = {
    type: 'array',
    minItems: 1,
    maxItems: 1,
    items: numericTensor(
      { type: 'string' },
      {
        type: 'array',
        prefixItems: [rows, d ? { const: d } : { type: 'integer' }],
        items: false,
        minItems: 2,
      },
    ),
  };
  if (!features.some((f) => f.type === 'categorical')) return single;
  const column: Schema = { type: 'array', prefixItems: [rows, { const: 1 }], items: false, minItems: 1 };
  const perFeature: Schema = {
    type: 'array',
    minItems: d,
    items: false,
    prefixItems: features.map((f) =>
      featureDatatype(f) === 'BYTES'
        ? {
            type: 'object',
            properties: {
              name: { const: f.name },
              shape: column,
              datatype: { const: 'BYTES' },
              parameters: { type: 'object', properties: { binary_data_size: false } },
              data: data({ type: ['string', 'null'] }),
            },
            required: ['name', 'shape', 'datatype', 'data'],
          }
        : numericTensor({ const: f.name }, column),
    ),
  };
  return d === 1 ? perFeature : { oneOf: [single, perFeature] };
}

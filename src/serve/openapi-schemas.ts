import { ERROR_CATALOGUE } from '../errors';
import type { LoadedModel } from './model';
import { DECIMAL } from './routes/mlflow';
import { OIP_NUMERIC_TYPES } from './routes/oip';

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/**
 * The request and response schemas of the OpenAPI document, as tight as the server: a request the
 * document allows is one the server takes (schemathesis checks both ways), except where JSON Schema
 * cannot say it — a number of labels equal to the number of rows, a tensor's data as long as its shape
 * says, columns of one length — which the descriptions state.
 */
export function createSchemas(model: LoadedModel | undefined, maxBatch: number): Record<string, Schema> {
  const names = model?.model.featureNames ?? [];
  const d = names.length;
  const classes = model?.model.classes ?? [];
  const number: Schema = { type: 'number' };
  // MLflow's pandas forms also take a number written as a string (MLflow casts to the signature).
  const cell: Schema = { oneOf: [number, { type: 'string', pattern: DECIMAL.source }] };
  const rowArray = (item: Schema): Schema => ({
    type: 'array',
    items: item,
    ...(d ? { minItems: d, maxItems: d } : {}),
  });
  // Objects with exactly the features (/predict names unknown ones), or with any others besides (the
  // MLflow forms ignore columns the model does not take, as MLflow does).
  const rowObject = (extra: boolean, item: Schema = number): Schema =>
    d
      ? {
          type: 'object',
          properties: Object.fromEntries(names.map((n) => [n, item])),
          required: [...names],
          ...(extra ? {} : { additionalProperties: false }),
        }
      : { type: 'object', additionalProperties: item };
  const batch = (row: Schema): Schema => ({ type: 'array', items: row, minItems: 1, maxItems: maxBatch });
  const row: Schema = { oneOf: [rowArray(number), rowObject(false)] };
  const label: Schema = classes.length ? { enum: [...classes] } : { type: ['number', 'string'] };
  const labels = (max: number): Schema => ({ type: 'array', items: label, minItems: 1, maxItems: max });
  const nonEmptyId: Schema = { type: 'string', minLength: 1 };
  const mlflowRows: Schema = batch({ oneOf: [rowArray(number), rowObject(true)] });
  const mlflowForm = (field: string, value: Schema): Schema => ({
    type: 'object',
    properties: {
      ...Object.fromEntries(MLFLOW_FIELDS.filter((f) => f !== field).map((f) => [f, false])),
      [field]: value,
    },
    required: [field],
  });
  const tensorData = (item: Schema): Schema => ({
    oneOf: [
      { type: 'array', items: item, minItems: 1 },
      { type: 'array', items: rowArray(item), minItems: 1 },
    ],
  });
  return {
    Row: row,
    PredictRequest: { type: 'object', properties: { features: batch(ref('Row')) }, required: ['features'] },
    PredictResponse: {
      type: 'object',
      properties: {
        predictions: { type: 'array', items: label },
        probabilities: { type: 'array', items: { type: 'array', items: number } },
        classes: { type: 'array', items: label },
        model_version: { type: 'string' },
        request_id: { type: 'string' },
      },
      required: ['predictions', 'probabilities', 'classes', 'model_version', 'request_id'],
    },
    ExplainRequest: {
      type: 'object',
      properties: {
        features: { oneOf: [row, batch(row)] },
        all_classes: { type: 'boolean', default: false },
        method: { enum: ['tree_shap', 'saabas'], default: 'tree_shap' },
      },
      required: ['features'],
    },
    ExplainResponse: {
      type: 'object',
      properties: {
        method: { enum: ['tree_shap', 'saabas'] },
        classes: { type: 'array', items: label },
        explanations: {
          type: 'array',
          items: {
            type: 'object',
            description:
              'prediction; then probability, expected_value and shap_values {feature: value} for the predicted class; with all_classes probabilities, expected_value and shap_values keyed by class; for regression expected_value and shap_values. Saabas: contributions in place of shap_values.',
            properties: {
              prediction: {},
              probability: number,
              probabilities: { type: 'object', additionalProperties: number },
              expected_value: { oneOf: [number, { type: 'object', additionalProperties: number }] },
              shap_values: { type: 'object' },
              contributions: { type: 'object' },
            },
            required: ['prediction', 'expected_value'],
          },
        },
        model_version: { type: 'string' },
        request_id: { type: 'string' },
      },
      required: ['method', 'explanations', 'model_version', 'request_id'],
    },
    FeedbackRequest: {
      description:
        'Labels for an earlier request (request_id), or for rows sent again (features): as many labels as that request or those features have rows.',
      oneOf: [
        {
          type: 'object',
          properties: { request_id: nonEmptyId, labels: labels(maxBatch) },
          required: ['request_id', 'labels'],
        },
        {
          type: 'object',
          properties: {
            request_id: { not: nonEmptyId },
            features: batch(ref('Row')),
            labels: labels(maxBatch),
          },
          required: ['features', 'labels'],
        },
      ],
    },
    FeedbackResponse: {
      type: 'object',
      properties: {
        accepted: { type: 'integer' },
        correct: { type: 'integer' },
        model_version: { type: 'string' },
        live_accuracy: { type: ['number', 'null'] },
        window: { type: 'integer' },
        request_id: { type: 'string' },
      },
      required: ['accepted', 'correct', 'model_version', 'live_accuracy', 'window', 'request_id'],
    },
    Health: {
      type: 'object',
      properties: {
        status: { enum: ['ok', 'degraded', 'unavailable'] },
        ready: { type: 'boolean' },
        version: { type: 'string' },
        model: { type: ['object', 'null'] },
        metrics: { type: ['object', 'null'] },
        live_accuracy: { type: ['number', 'null'] },
        registry: {
          type: 'object',
          properties: {
            reachable: { type: ['boolean', 'null'] },
            server_version: { type: ['string', 'null'] },
            last_refresh: { type: ['string', 'null'] },
            last_error: { type: ['string', 'null'] },
          },
        },
      },
      required: ['status', 'ready', 'model', 'registry'],
    },
    MlflowRequest: {
      description:
        "MLflow's scoring protocol: exactly one of dataframe_split, dataframe_records, instances, inputs (columns of one length in the columnar form of inputs).",
      oneOf: [
        mlflowForm('dataframe_split', {
          type: 'object',
          properties: { columns: { const: [...names] }, data: batch(rowArray(cell)) },
          required: ['data'],
        }),
        mlflowForm('dataframe_records', batch(rowObject(true, cell))),
        mlflowForm('instances', mlflowRows),
        mlflowForm('inputs', {
          oneOf: [
            mlflowRows,
            d
              ? {
                  type: 'object',
                  properties: Object.fromEntries(names.map((n) => [n, batch(number)])),
                  required: [...names],
                }
              : { type: 'object' },
          ],
        }),
      ],
    },
    MlflowCsv: {
      description: 'A header row naming the features, then one row of numbers per prediction.',
      type: 'string',
      ...(d ? { pattern: csvPattern(names) } : { minLength: 1 }),
    },
    OipRequest: {
      description: 'One tensor of shape [rows, features]; its data holds rows × features numbers, row-major.',
      type: 'object',
      properties: {
        id: { type: 'string' },
        inputs: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              shape: {
                type: 'array',
                prefixItems: [
                  { type: 'integer', minimum: 1, maximum: maxBatch },
                  d ? { const: d } : { type: 'integer' },
                ],
                items: false,
                minItems: 2,
              },
              datatype: { enum: [...OIP_NUMERIC_TYPES] },
              // binary_data_size only with the binary extension (a body the JSON document cannot describe).
              parameters: { type: 'object', properties: { binary_data_size: false } },
              data: tensorData({ type: ['number', 'boolean'] }),
            },
            required: ['name', 'shape', 'datatype', 'data'],
            // BOOL data are JSON booleans (or numbers); other datatypes take numbers only.
            if: { properties: { datatype: { not: { const: 'BOOL' } } } },
            then: { properties: { data: tensorData(number) } },
          },
        },
        outputs: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              name: { enum: ['predict', 'predict_proba'] },
              parameters: {
                type: 'object',
                properties: { binary_data: { type: 'boolean' }, classification: false },
              },
            },
            required: ['name'],
          },
        },
        parameters: { type: 'object', properties: { binary_data_output: { type: 'boolean' } } },
      },
      required: ['inputs'],
    },
    OipResponse: {
      type: 'object',
      properties: {
        model_name: { type: 'string' },
        model_version: { type: 'string' },
        id: { type: 'string' },
        outputs: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              datatype: { type: 'string' },
              shape: { type: 'array', items: { type: 'integer' } },
              data: { type: 'array' },
              parameters: { type: 'object' },
            },
            required: ['name', 'datatype', 'shape'],
          },
        },
      },
      required: ['model_name', 'id', 'outputs'],
    },
    Error: {
      type: 'object',
      properties: {
        error: { type: 'string' },
        error_code: ERROR_CODE,
        status: { type: 'integer' },
        request_id: { type: 'string' },
        hint: { type: 'string' },
      },
      required: ['error', 'error_code', 'status', 'request_id'],
    },
    MlflowError: {
      type: 'object',
      properties: { error_code: ERROR_CODE, message: { type: 'string' } },
      required: ['error_code', 'message'],
    },
    OipError: {
      type: 'object',
      properties: { error: { type: 'string' }, error_code: ERROR_CODE },
      required: ['error', 'error_code'],
    },
  };
}

const MLFLOW_FIELDS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'];
const ERROR_CODE: Schema = { enum: Object.keys(ERROR_CATALOGUE) };

/** A CSV with the features' header and rows of plain decimal numbers. */
function csvPattern(names: readonly string[]): string {
  const value = '-?[0-9]+(\\.[0-9]+)?';
  const line = `${value}(,${value}){${names.length - 1}}`;
  return `^${names.map(escapeRegex).join(',')}(\\r?\\n${line})+(\\r?\\n)?$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { ERROR_CATALOGUE } from '../errors';
import type { LoadedModel } from './model';
import { rowSchemas } from './openapi-rows';
import type { Schema } from './openapi-rows';

export type { Schema };

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/**
 * The request and response schemas of the OpenAPI document, as tight as the server: a request the
 * document allows is one the server takes (schemathesis checks both ways), except where JSON Schema
 * cannot say it — a number of labels equal to the number of rows, a tensor's data as long as its shape
 * says, columns of one length — which the descriptions state.
 */
export function createSchemas(
  model: LoadedModel | undefined,
  maxBatch: number,
  explainMaxRows = maxBatch,
): Record<string, Schema> {
  const rows = rowSchemas(model, maxBatch);
  const { names, batch } = rows;
  const regression = model?.model.task === 'regression';
  const classes = model?.model.classes ?? [];
  const number: Schema = { type: 'number' };
  const label: Schema = regression
    ? number
    : classes.length
      ? { enum: [...classes] }
      : { type: ['number', 'string'] };
  const labels = (max: number): Schema => ({ type: 'array', items: label, minItems: 1, maxItems: max });
  const nonEmptyId: Schema = { type: 'string', minLength: 1 };
  const mlflowForm = (field: string, value: Schema): Schema => ({
    type: 'object',
    properties: {
      ...Object.fromEntries(MLFLOW_FIELDS.filter((f) => f !== field).map((f) => [f, false])),
      [field]: value,
    },
    required: [field],
  });
  return {
    Row: rows.row,
    PredictRequest: { type: 'object', properties: { features: batch(ref('Row')) }, required: ['features'] },
    PredictResponse: regression
      ? {
          description: 'A regression model answers a number per row, with no probabilities.',
          type: 'object',
          properties: {
            predictions: { type: 'array', items: number },
            model_version: { type: 'string' },
            request_id: { type: 'string' },
          },
          required: ['predictions', 'model_version', 'request_id'],
          additionalProperties: false,
        }
      : {
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
        // At most EXPLAIN_MAX_ROWS rows (and MAX_BATCH_SIZE).
        features: { oneOf: [rows.row, { ...batch(rows.row), maxItems: Math.min(maxBatch, explainMaxRows) }] },
        // A regression model has one output: all_classes true is a 400 there.
        all_classes: regression ? { enum: [false], default: false } : { type: 'boolean', default: false },
        method: { enum: ['tree_shap', 'saabas'], default: 'tree_shap' },
      },
      required: ['features'],
    },
    ExplainResponse: {
      type: 'object',
      properties: {
        method: { enum: ['tree_shap', 'saabas'] },
        classes: { type: 'array', items: regression ? number : label },
        explanations: {
          type: 'array',
          items: {
            type: 'object',
            description:
              'prediction; then probability, expected_value and shap_values {feature: value} for the predicted class; with all_classes probabilities, expected_value and shap_values keyed by class; for regression expected_value and shap_values. Saabas: contributions in place of shap_values.',
            properties: {
              prediction: label,
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
    FeedbackResponse: regression
      ? {
          type: 'object',
          properties: {
            accepted: { type: 'integer' },
            model_version: { type: 'string' },
            live_rmse: { type: ['number', 'null'] },
            live_mae: { type: ['number', 'null'] },
            window: { type: 'integer' },
            request_id: { type: 'string' },
          },
          required: ['accepted', 'model_version', 'live_rmse', 'live_mae', 'window', 'request_id'],
        }
      : {
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
        live_error: { type: ['object', 'null'] },
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
          properties: { columns: { const: [...names] }, data: batch(rows.splitRow) },
          required: ['data'],
        }),
        mlflowForm('dataframe_records', batch(rows.record)),
        mlflowForm('instances', rows.mlflowRows),
        mlflowForm('inputs', { oneOf: [rows.mlflowRows, rows.columns] }),
      ],
    },
    MlflowCsv: {
      description:
        'A header row naming the features, then one row per prediction: numbers, category text, an empty cell for a missing value.',
      type: 'string',
      ...(rows.csvPattern ? { pattern: rows.csvPattern } : { minLength: 1 }),
    },
    OipRequest: {
      description:
        'One tensor of shape [rows, features] whose data hold rows × features values, row-major; or (a model with categorical features) one tensor per feature, in order, each of shape [rows] or [rows, 1] and as many values.',
      type: 'object',
      properties: {
        id: { type: 'string' },
        inputs: rows.oipInputs,
        outputs: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            properties: {
              name: { enum: regression ? ['predict'] : ['predict', 'predict_proba'] },
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

import type { LoadedModel } from './model';

import { OIP_NUMERIC_TYPES } from './routes/oip';

type Schema = Record<string, unknown>;

const json = (schema: Schema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

const errorResponses = (codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), json(ref('Error'), ERROR_TEXT[code] ?? 'Error')]));

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the error names the row and column',
  403: 'Admin endpoints disabled (no token configured) or wrong token',
  404: 'Unknown request id or route',
  405: 'Method not allowed',
  413: 'Body or batch too large',
  415: 'Unsupported content type',
  502: 'Reload failed; the previous model keeps serving',
  503: 'No model loaded yet',
};

/**
 * The OpenAPI 3.1 document of what the server really accepts and returns. With a model loaded, the
 * object form of a row lists its feature names. A fuzz test (schemathesis) drives the server with it.
 */
export function createOpenApiDocument(version: string, model?: LoadedModel): Schema {
  const names = model?.model.featureNames ?? [];
  // With a model loaded, rows are exactly its features: unknown names are rejected, as the server does.
  const rowObject: Schema = names.length
    ? {
        type: 'object',
        properties: Object.fromEntries(names.map((n) => [n, { type: 'number' }])),
        required: [...names],
        additionalProperties: false,
      }
    : { type: 'object', additionalProperties: { type: 'number' } };
  const classes = model?.model.classes ?? [];
  const label: Schema = classes.length ? { enum: [...classes] } : { type: ['number', 'string'] };
  const row: Schema = {
    oneOf: [
      {
        type: 'array',
        items: { type: 'number' },
        ...(names.length ? { minItems: names.length, maxItems: names.length } : {}),
      },
      rowObject,
    ],
  };
  const jsonBody = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
  const post = (summary: string, body: Schema, ok: Schema, codes: number[]) => ({
    summary,
    requestBody: jsonBody(body),
    responses: { '200': json(ok, 'OK'), ...errorResponses(codes) },
  });
  const get = (summary: string, ok: Schema, codes: number[] = []) => ({
    summary,
    responses: { '200': json(ok, 'OK'), ...errorResponses(codes) },
  });
  const anyObject: Schema = { type: 'object' };
  const inputCodes = [400, 413, 415, 503];

  return {
    openapi: '3.1.0',
    info: {
      title: 'mlctl serve',
      version,
      description: 'Inference server: predictions, explanations, feedback, health, metrics.',
    },
    paths: {
      '/livez': {
        get: get('Process is alive', {
          type: 'object',
          properties: { status: { const: 'alive' } },
          required: ['status'],
        }),
      },
      '/readyz': { get: get('A model is loaded (503 otherwise)', anyObject, [503]) },
      '/health': {
        get: get(
          'Status, model, training metrics and registry diagnostics (503 when not ready)',
          ref('Health'),
          [503],
        ),
      },
      '/metrics': {
        get: {
          summary: 'Prometheus text exposition',
          responses: {
            '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } },
          },
        },
      },
      '/predict': {
        post: post(
          'Predict classes and probabilities',
          ref('PredictRequest'),
          ref('PredictResponse'),
          inputCodes,
        ),
      },
      '/explain': {
        post: post(
          'Explain predictions: exact TreeSHAP values (or Saabas contributions) per row',
          ref('ExplainRequest'),
          ref('ExplainResponse'),
          inputCodes,
        ),
      },
      '/feedback': {
        post: post('Ground truth for earlier predictions', ref('FeedbackRequest'), ref('FeedbackResponse'), [
          ...inputCodes,
          404,
        ]),
      },
      '/admin/reload': {
        post: {
          summary: 'Reload the model from its source now (header token)',
          responses: { '200': json(anyObject, 'Reloaded'), ...errorResponses([403, 502, 503]) },
        },
      },
      '/ping': {
        get: {
          summary: 'MLflow scoring protocol health',
          responses: {
            '200': { description: 'Model loaded', content: { 'text/plain': { schema: { type: 'string' } } } },
            '404': {
              description: 'No model loaded',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/invocations': {
        post: {
          summary: 'MLflow scoring protocol',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('MlflowRequest') },
              'text/csv': { schema: { type: 'string', minLength: 1 } },
            },
          },
          responses: {
            '200': json(
              { type: 'object', properties: { predictions: { type: 'array' } }, required: ['predictions'] },
              'OK',
            ),
            ...Object.fromEntries(
              [400, 413, 415, 503].map((c) => [String(c), json(ref('MlflowError'), ERROR_TEXT[c] ?? '')]),
            ),
          },
        },
      },
      '/v2': { get: get('Open Inference Protocol: server metadata', anyObject) },
      '/v2/health/live': { get: get('OIP: server live', anyObject) },
      '/v2/health/ready': { get: get('OIP: server ready', anyObject, [503]) },
      '/v2/models/{name}': {
        parameters: [pathParam('name', model ? [model.name] : undefined)],
        get: get('OIP: model metadata', anyObject, [404, 503]),
      },
      '/v2/models/{name}/ready': {
        parameters: [pathParam('name', model ? [model.name] : undefined)],
        get: get('OIP: model ready', anyObject, [404, 503]),
      },
      '/v2/models/{name}/infer': {
        parameters: [pathParam('name', model ? [model.name] : undefined)],
        post: post('OIP: inference', ref('OipRequest'), anyObject, [400, 404, 413, 415, 503]),
      },
      '/openapi.json': { get: get('This document', anyObject) },
    },
    components: {
      schemas: {
        Row: row,
        PredictRequest: {
          type: 'object',
          properties: { features: { type: 'array', items: ref('Row'), minItems: 1 } },
          required: ['features'],
        },
        PredictResponse: {
          type: 'object',
          properties: {
            predictions: { type: 'array' },
            probabilities: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
            classes: { type: 'array' },
            model_version: { type: 'string' },
            request_id: { type: 'string' },
          },
          required: ['predictions', 'probabilities', 'model_version', 'request_id'],
        },
        ExplainRequest: {
          type: 'object',
          properties: {
            features: { oneOf: [row, { type: 'array', items: row, minItems: 1 }] },
            all_classes: { type: 'boolean', default: false },
            method: { enum: ['tree_shap', 'saabas'], default: 'tree_shap' },
          },
          required: ['features'],
        },
        ExplainResponse: {
          type: 'object',
          properties: {
            method: { enum: ['tree_shap', 'saabas'] },
            classes: { type: 'array' },
            explanations: {
              type: 'array',
              items: {
                type: 'object',
                description:
                  'prediction; then probability, expected_value and shap_values {feature: value} for the predicted class; with all_classes probabilities, expected_value and shap_values keyed by class; for regression expected_value and shap_values. Saabas: contributions in place of shap_values.',
                properties: {
                  prediction: {},
                  probability: { type: 'number' },
                  probabilities: { type: 'object', additionalProperties: { type: 'number' } },
                  expected_value: {
                    oneOf: [{ type: 'number' }, { type: 'object', additionalProperties: { type: 'number' } }],
                  },
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
          type: 'object',
          properties: {
            request_id: { type: 'string' },
            features: { type: 'array', items: ref('Row') },
            labels: { type: 'array', minItems: 1, items: label },
          },
          required: ['labels'],
        },
        FeedbackResponse: {
          type: 'object',
          properties: {
            accepted: { type: 'integer' },
            correct: { type: 'integer' },
            live_accuracy: { type: ['number', 'null'] },
            window: { type: 'integer' },
          },
          required: ['accepted', 'correct', 'live_accuracy'],
        },
        Health: {
          type: 'object',
          properties: {
            status: { enum: ['ok', 'degraded', 'unavailable'] },
            ready: { type: 'boolean' },
            model: { type: ['object', 'null'] },
            metrics: { type: ['object', 'null'] },
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
          type: 'object',
          properties: {
            dataframe_split: {
              type: 'object',
              properties: { columns: { type: 'array', items: { type: 'string' } }, data: { type: 'array' } },
            },
            dataframe_records: { type: 'array', items: { type: 'object' } },
            instances: { type: 'array' },
            inputs: {},
          },
        },
        OipRequest: {
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
                  shape: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
                  datatype: { enum: [...OIP_NUMERIC_TYPES] },
                  data: { type: 'array' },
                },
                required: ['name', 'shape', 'datatype', 'data'],
              },
            },
          },
          required: ['inputs'],
        },
        Error: {
          type: 'object',
          properties: {
            error: { type: 'string' },
            status: { type: 'integer' },
            request_id: { type: 'string' },
          },
          required: ['error'],
        },
        MlflowError: {
          type: 'object',
          properties: { error_code: { type: 'string' }, message: { type: 'string' } },
          required: ['error_code', 'message'],
        },
      },
    },
  };
}

function pathParam(name: string, values?: string[]) {
  return {
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', ...(values ? { enum: values } : {}) },
  };
}

import type { LoadedModel } from './model';
import { createSchemas, ref } from './openapi-schemas';
import type { Schema } from './openapi-schemas';

const json = (schema: Schema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const text = (description: string) => ({
  description,
  content: { 'text/plain': { schema: { type: 'string' } } },
});

/** The statuses of errors, with what each means here. */
const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the error names the row and column',
  403: 'Admin endpoints disabled (no token configured), or a missing or wrong token',
  404: 'Unknown request id, model or version',
  413: 'Body (decompressed) or batch too large (/explain: more rows than EXPLAIN_MAX_ROWS)',
  415: 'Unsupported content type or content encoding',
  500: 'The explanation thread failed (WORKER_FAILED); the server goes on, and the next request starts a new one',
  502: 'Reload failed; the previous model keeps serving',
  503: 'No model loaded yet',
};

const errors = (codes: number[], schema = 'Error') =>
  Object.fromEntries(codes.map((code) => [String(code), json(ref(schema), ERROR_TEXT[code] ?? 'Error')]));

export interface OpenApiOptions {
  /** Largest batch the server takes (MAX_BATCH_SIZE). */
  maxBatch: number;
  /** Most rows of one /explain request (EXPLAIN_MAX_ROWS); default maxBatch. */
  explainMaxRows?: number;
  /** The admin token's header (ADMIN_TOKEN_HEADER). */
  adminTokenHeader: string;
}

/**
 * The OpenAPI 3.1 document of what the server really accepts and returns: every error body carries its
 * catalogue code (`error_code`). With a model loaded, rows, labels, columns and path names are the
 * model's. A fuzz test (schemathesis, every check) drives the server with it.
 */
export function createOpenApiDocument(
  version: string,
  model: LoadedModel | undefined,
  options: OpenApiOptions,
) {
  const jsonBody = (schema: Schema) => ({ required: true, content: { 'application/json': { schema } } });
  const post = (summary: string, body: string, ok: string, codes: number[]) => ({
    summary,
    requestBody: jsonBody(ref(body)),
    responses: { '200': json(ref(ok), 'OK'), ...errors(codes) },
  });
  const get = (summary: string, ok: Schema, codes: number[] = [], schema = 'Error') => ({
    summary,
    responses: { '200': json(ok, 'OK'), ...errors(codes, schema) },
  });
  const anyObject: Schema = { type: 'object' };
  const inputCodes = [400, 413, 415, 503];
  const name = pathParam('name', model ? [model.name] : undefined);
  const modelVersion = pathParam('version', model ? [model.version] : undefined);
  const oip = (summary: string, ok: Schema) => get(summary, ok, [404, 503], 'OipError');
  const infer = {
    summary: 'OIP: inference (JSON; the binary tensor extension with Inference-Header-Content-Length)',
    requestBody: jsonBody(ref('OipRequest')),
    responses: {
      '200': {
        description: 'OK: JSON, or a JSON header and binary outputs (binary_data)',
        content: {
          'application/json': { schema: ref('OipResponse') },
          'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        },
      },
      ...errors([400, 404, 413, 415, 503], 'OipError'),
    },
  };
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
      '/metrics': { get: { summary: 'Prometheus text exposition', responses: { '200': text('OK') } } },
      '/predict': {
        post: withLinks(
          post(
            'Predict: classes and probabilities, or a number per row (regression)',
            'PredictRequest',
            'PredictResponse',
            inputCodes,
          ),
          'predict',
          {
            // Ground truth for the prediction just made: its request id, one label per row.
            feedback: {
              operationId: 'feedback',
              requestBody: {
                request_id: '$response.body#/request_id',
                labels: '$response.body#/predictions',
              },
            },
          },
        ),
      },
      '/explain': {
        post: post(
          'Explain predictions: exact TreeSHAP values (or Saabas contributions) per row',
          'ExplainRequest',
          'ExplainResponse',
          [...inputCodes, 500],
        ),
      },
      '/feedback': {
        post: {
          operationId: 'feedback',
          ...post('Ground truth for earlier predictions', 'FeedbackRequest', 'FeedbackResponse', [
            ...inputCodes,
            404,
          ]),
        },
      },
      '/admin/reload': {
        post: {
          summary: 'Reload the model from its source now (admin token)',
          security: [{ adminToken: [] }],
          responses: { '200': json(anyObject, 'Reloaded'), ...errors([403, 502]) },
        },
      },
      '/ping': {
        get: {
          summary: 'MLflow scoring protocol: health',
          responses: { '200': text('Model loaded'), '404': text('No model loaded') },
        },
      },
      '/version': {
        get: { summary: "MLflow scoring protocol: the server's version", responses: { '200': text('OK') } },
      },
      '/invocations': {
        post: {
          summary: 'MLflow scoring protocol',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('MlflowRequest') },
              'text/csv': { schema: ref('MlflowCsv') },
            },
          },
          responses: {
            '200': json(
              { type: 'object', properties: { predictions: { type: 'array' } }, required: ['predictions'] },
              'OK',
            ),
            ...errors(inputCodes, 'MlflowError'),
          },
        },
      },
      '/v2': { get: get('Open Inference Protocol: server metadata', anyObject) },
      '/v2/health/live': { get: get('OIP: server live', anyObject) },
      '/v2/health/ready': { get: get('OIP: server ready', anyObject, [503], 'OipError') },
      '/v2/models/{name}': { parameters: [name], get: oip('OIP: model metadata', anyObject) },
      '/v2/models/{name}/ready': { parameters: [name], get: oip('OIP: model ready', anyObject) },
      '/v2/models/{name}/infer': { parameters: [name], post: infer },
      '/v2/models/{name}/versions/{version}': {
        parameters: [name, modelVersion],
        get: oip('OIP: model metadata', anyObject),
      },
      '/v2/models/{name}/versions/{version}/ready': {
        parameters: [name, modelVersion],
        get: oip('OIP: model ready', anyObject),
      },
      '/v2/models/{name}/versions/{version}/infer': { parameters: [name, modelVersion], post: infer },
      '/openapi.json': { get: get('This document', anyObject) },
    },
    components: {
      schemas: createSchemas(model, options.maxBatch, options.explainMaxRows),
      securitySchemes: { adminToken: { type: 'apiKey', in: 'header', name: options.adminTokenHeader } },
    },
  };
}

/** An operation with an id and OpenAPI links from its 200 response to the operations that follow it. */
function withLinks<T extends { responses: Record<string, object> }>(
  operation: T,
  operationId: string,
  links: Record<string, object>,
): T & { operationId: string } {
  const ok = { ...operation.responses['200'], links };
  return { ...operation, operationId, responses: { ...operation.responses, '200': ok } };
}

function pathParam(name: string, values?: string[]) {
  return {
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', ...(values ? { enum: values } : {}) },
  };
}

import { boolean, headerName, integer, oneOf, text } from '../fields';
import { defineSettings } from '../settings';

/**
 * `mlctl serve`. The seed's environment variables keep working: MODEL_SOURCE with MODEL_PATH or
 * MLFLOW_MODEL_NAME + MLFLOW_MODEL_STAGE / MLFLOW_MODEL_VERSION (and MLFLOW_MODEL_ALIAS), or simply
 * --model <dir | models:/… URI>, which wins.
 */
export const serveSettings = defineSettings(
  'serve',
  '`mlctl serve`',
  {
    model: {
      field: text(),
      placeholder: 'dir|uri',
      env: 'MODEL_URI',
      describe:
        'What to serve: a model directory or a models:/ URI (models:/iris@production, models:/iris/Production, models:/iris/3).',
    },
    modelSource: {
      field: oneOf(['local', 'mlflow'] as const, { lowercase: true }),
      env: 'MODEL_SOURCE',
      flag: false,
      describe:
        'Seed compatibility: `local` serves MODEL_PATH, `mlflow` serves MLFLOW_MODEL_NAME from the registry.',
    },
    modelPath: {
      field: text(),
      env: 'MODEL_PATH',
      flag: false,
      describe: 'Model directory when MODEL_SOURCE=local.',
    },
    modelName: {
      field: text(),
      placeholder: 'name',
      env: 'MLFLOW_MODEL_NAME',
      describe:
        'Registered model name (with MODEL_SOURCE=mlflow); for a directory, the name shown in health and metrics.',
    },
    modelStage: {
      field: text(),
      env: 'MLFLOW_MODEL_STAGE',
      default: 'Production',
      flag: false,
      describe:
        'Stage to follow when neither a version nor an alias is set (stages are deprecated in MLflow; prefer an alias).',
    },
    modelAlias: {
      field: text(),
      env: 'MLFLOW_MODEL_ALIAS',
      flag: false,
      describe: 'Alias to follow, e.g. `production`.',
    },
    modelVersion: {
      field: text(),
      env: 'MLFLOW_MODEL_VERSION',
      flag: false,
      describe: 'Pins a version; disables auto-refresh.',
    },
    host: {
      field: text(),
      placeholder: 'address',
      env: 'HOST',
      default: '127.0.0.1',
      describe:
        'Address to listen on: 127.0.0.1 (this machine only, as `mlflow models serve`), or 0.0.0.0 for every interface (containers set it).',
    },
    port: {
      field: integer({ min: 0, max: 65535 }),
      env: 'PORT',
      default: 8000,
      describe: 'Port to listen on (0 picks a free one).',
    },
    autoRefreshSeconds: {
      field: integer({ min: 0, max: 86400 }),
      env: 'MODEL_AUTO_REFRESH_SECONDS',
      default: 300,
      describe: 'Seconds between registry checks for a new version behind the URI (0 disables).',
    },
    maxBatchSize: {
      field: integer({ min: 1, max: 1_000_000 }),
      env: 'MAX_BATCH_SIZE',
      default: 1000,
      describe: 'Most rows accepted in one request.',
    },
    explainMaxRows: {
      field: integer({ min: 1, max: 1_000_000 }),
      env: 'EXPLAIN_MAX_ROWS',
      default: 100,
      describe:
        'Most rows one /explain request may carry (more: 413). Exact TreeSHAP of a deep forest takes a fraction of a second a row, on one explanation thread that /explain requests queue for; MAX_BATCH_SIZE still applies.',
    },
    maxBodyBytes: {
      field: integer({ min: 1024 }),
      env: 'MAX_BODY_BYTES',
      default: 10 * 1024 * 1024,
      describe: 'Largest request body accepted, in bytes.',
    },
    adminApiToken: {
      field: text(),
      env: 'ADMIN_API_TOKEN',
      flag: false,
      secret: true,
      describe: 'Token for /admin endpoints; when unset they are disabled (403), never open.',
    },
    adminTokenHeader: {
      field: headerName(),
      env: 'ADMIN_TOKEN_HEADER',
      default: 'X-Admin-Token',
      describe: 'Request header that carries the admin token.',
    },
    correlationIdHeader: {
      field: headerName(),
      env: 'CORRELATION_ID_HEADER',
      default: 'X-Correlation-ID',
      describe: 'Request/response header with the request id (generated when absent).',
    },
    predictionLogPath: {
      field: text(),
      placeholder: 'file',
      env: 'PREDICTION_LOG_PATH',
      describe: 'Also append prediction and feedback events to this JSONL file (input for `mlctl drift`).',
    },
    predictionLogStdout: {
      field: boolean(),
      env: 'PREDICTION_LOG_STDOUT',
      default: true,
      describe: 'Write prediction and feedback events to stdout (for Loki/Promtail).',
    },
    feedbackWindow: {
      field: integer({ min: 1, max: 10_000_000 }),
      env: 'FEEDBACK_WINDOW',
      default: 1000,
      describe:
        'Labelled rows the live accuracy (ml_model_accuracy{source="feedback"}), or a regression model\'s live error (ml_model_error{source="feedback"}), is computed over.',
    },
    shutdownTimeoutSeconds: {
      field: integer({ min: 0, max: 3600 }),
      env: 'SHUTDOWN_TIMEOUT_SECONDS',
      default: 10,
      describe: 'On SIGTERM/SIGINT, how long requests in flight may take to finish.',
    },
  },
  [
    (c) =>
      c.modelVersion !== undefined && c.modelAlias !== undefined
        ? ['MLFLOW_MODEL_VERSION and MLFLOW_MODEL_ALIAS: set one, not both']
        : [],
    (c) =>
      c.modelSource === 'local' && c.modelPath === undefined && c.model === undefined
        ? ['MODEL_PATH: required when MODEL_SOURCE=local']
        : [],
    (c) =>
      c.modelSource === 'mlflow' && c.modelName === undefined && c.model === undefined
        ? ['MLFLOW_MODEL_NAME: required when MODEL_SOURCE=mlflow']
        : [],
  ],
);

/** The model URI or directory to serve, from --model or the seed's variables; undefined when none is set. */
export function resolveServeTarget(c: {
  model?: string;
  modelSource?: 'local' | 'mlflow';
  modelPath?: string;
  modelName?: string;
  modelStage: string;
  modelAlias?: string;
  modelVersion?: string;
}): string | undefined {
  if (c.model !== undefined) return c.model;
  if (c.modelSource === 'local' || (c.modelSource === undefined && c.modelPath !== undefined))
    return c.modelPath;
  if (c.modelName === undefined) return undefined;
  if (c.modelVersion !== undefined) return `models:/${c.modelName}/${c.modelVersion}`;
  if (c.modelAlias !== undefined) return `models:/${c.modelName}@${c.modelAlias}`;
  return `models:/${c.modelName}/${c.modelStage}`;
}

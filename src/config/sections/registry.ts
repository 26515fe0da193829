import { integer, number, text } from '../fields';
import { defineSettings } from '../settings';

/** Where the model registry is and how to talk to it; every command that touches the registry reads these. */
export const registrySettings = defineSettings(
  'registry',
  'Model registry (register, models, serve)',
  {
    trackingUri: {
      field: text(),
      placeholder: 'uri',
      env: 'MLFLOW_TRACKING_URI',
      describe:
        'Registry to use: `http(s)://host:port` is an MLflow tracking server; a directory path or `file:` URI is the embedded local registry; unset means the local registry in MLCTL_REGISTRY_DIR.',
    },
    registryDir: {
      field: text(),
      env: 'MLCTL_REGISTRY_DIR',
      flag: false,
      default: '.mlctl/registry',
      describe:
        'Directory of the embedded local registry when MLFLOW_TRACKING_URI is unset (relative to the working directory).',
    },
    modelCacheDir: {
      field: text(),
      env: 'MODEL_CACHE_DIR',
      flag: false,
      default: '.mlctl/cache',
      describe:
        'Where models downloaded from the registry are kept (serve, drift); a copy that still verifies is reused.',
    },
    username: {
      field: text(),
      env: 'MLFLOW_TRACKING_USERNAME',
      flag: false,
      describe:
        'User for HTTP basic auth to the MLflow server; needs MLFLOW_TRACKING_PASSWORD, and wins over a token when both are set (as in MLflow).',
    },
    password: {
      field: text(),
      env: 'MLFLOW_TRACKING_PASSWORD',
      flag: false,
      secret: true,
      describe: 'Password for HTTP basic auth to the MLflow server. Never printed or logged.',
    },
    token: {
      field: text(),
      env: 'MLFLOW_TRACKING_TOKEN',
      flag: false,
      secret: true,
      describe:
        'Bearer token for the MLflow server (`Authorization: Bearer`), used when no username is set. Never printed or logged.',
    },
    requestTimeout: {
      field: number({ min: 0, exclusiveMin: true, max: 3600 }),
      env: 'MLFLOW_HTTP_REQUEST_TIMEOUT',
      flag: false,
      default: 120,
      describe:
        'Seconds to wait for the MLflow server to answer one request (connect, headers, each body chunk).',
    },
    maxRetries: {
      field: integer({ min: 0, max: 20 }),
      env: 'MLFLOW_HTTP_REQUEST_MAX_RETRIES',
      flag: false,
      default: 5,
      describe:
        'Retries of an MLflow request after a connection error, HTTP 429 or 5xx (other errors are never retried).',
    },
    backoffFactor: {
      field: number({ min: 0, max: 120 }),
      env: 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR',
      flag: false,
      default: 2,
      describe: 'Retry n waits backoff-factor × 2^(n-1) seconds (capped at 120 s), plus jitter.',
    },
    backoffJitter: {
      field: number({ min: 0, max: 60 }),
      env: 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER',
      flag: false,
      default: 1,
      describe: 'Up to this many random seconds added to each retry wait, so parallel clients spread out.',
    },
  },
  [
    (c) =>
      c.username !== undefined && c.password === undefined
        ? ['MLFLOW_TRACKING_PASSWORD: required when MLFLOW_TRACKING_USERNAME is set']
        : [],
    (c) =>
      c.password !== undefined && c.username === undefined
        ? ['MLFLOW_TRACKING_USERNAME: required when MLFLOW_TRACKING_PASSWORD is set']
        : [],
    (c) => trackingUriProblems(c.trackingUri),
  ],
);

/** Schemes mlctl can use; MLflow's database URIs (sqlite:, postgresql:, ...) need a tracking server in front. */
export function trackingUriProblems(uri: string | undefined): string[] {
  if (uri === undefined) return [];
  if (uri.trim().toLowerCase() === 'databricks') {
    return [
      'MLFLOW_TRACKING_URI: Databricks workspaces are not supported; use an MLflow tracking server URL (http(s)://…)',
    ];
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  // A Windows drive letter (C:\...) is a path, not a scheme.
  if (scheme === undefined || scheme.length === 1 || scheme === 'file') return [];
  if (scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return ['MLFLOW_TRACKING_URI: not a valid URL'];
    }
    if (url.username !== '' || url.password !== '') {
      return [
        'MLFLOW_TRACKING_URI: credentials in the URL are not used; set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) instead',
      ];
    }
    return [];
  }
  return [
    `MLFLOW_TRACKING_URI: scheme "${scheme}:" is not supported; use http(s):// for an MLflow tracking server (start one with \`mlflow server\` in front of a database), or a directory for the local registry`,
  ];
}

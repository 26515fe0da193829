import { stat } from 'node:fs/promises';

/**
 * One error type for every expected failure, and one catalogue that maps its code to the process exit
 * code (DESIGN.md: 0 ok · 1 operational · 2 usage/config · 3 a check failed) and to an HTTP status.
 * A test guards the catalogue; docs/ERRORS.md is generated from it.
 */

export type ExitCode = 0 | 1 | 2 | 3;

export interface ErrorSpec {
  /** Process exit code when this error ends a command. */
  readonly exit: ExitCode;
  /** HTTP status when this error ends a request. */
  readonly http: number;
  /** What the code means, for the generated error reference. */
  readonly summary: string;
}

export const ERROR_CATALOGUE = {
  USAGE: {
    exit: 2,
    http: 400,
    summary: 'The command line is wrong: unknown flag, missing argument, bad value.',
  },
  CONFIG_INVALID: {
    exit: 2,
    http: 500,
    summary: 'The configuration (flags, environment, mlctl.yaml) does not validate.',
  },
  INPUT_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'A file or directory named on the command line does not exist.',
  },
  SCHEMA_INVALID: {
    exit: 2,
    http: 400,
    summary: 'A dataset schema file is not valid JSON or not a valid schema.',
  },
  INPUT_INVALID: {
    exit: 2,
    http: 400,
    summary: 'An input is unusable for this command (wrong shape, unknown column, too few rows).',
  },
  ARTIFACT_INVALID: {
    exit: 1,
    http: 500,
    summary: 'A model artifact is incomplete, corrupt or tampered with (checksum mismatch).',
  },
  MODEL_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'The registry has no such registered model, version, alias or stage (or an unknown run).',
  },
  REGISTRY_REJECTED: {
    exit: 2,
    http: 400,
    summary: 'The registry refused a value as invalid (model or alias name, stage, tag, parameter).',
  },
  REGISTRY_UNAVAILABLE: {
    exit: 1,
    http: 503,
    summary: 'The model registry could not be reached or kept failing (connection, timeout, HTTP 429/5xx).',
  },
  REGISTRY_AUTH: {
    exit: 1,
    http: 502,
    summary: 'The MLflow server refused the credentials mlctl sent (HTTP 401/403).',
  },
  REGISTRY_CONFLICT: {
    exit: 1,
    http: 409,
    summary:
      'The registry is in a state that forbids the change (deleted experiment, a param already logged).',
  },
  REGISTRY_ERROR: {
    exit: 1,
    http: 502,
    summary: 'The registry answered something mlctl cannot use (not an MLflow server, artifact proxy off).',
  },
  VALIDATION_FAILED: { exit: 3, http: 422, summary: 'Data validation ran and found problems.' },
  // canary
  POLICY_INVALID: {
    exit: 2,
    http: 400,
    summary:
      'A canary policy file is not valid YAML, breaks the policy schema, or does not fit the chosen metrics source.',
  },
  METRICS_QUERY_FAILED: {
    exit: 1,
    http: 502,
    summary:
      'The metrics source (Prometheus or a /metrics page) could not be read, refused a query, or returned something a measurement cannot use.',
  },
  // train / predict
  OUTPUT_CONFLICT: {
    exit: 2,
    http: 409,
    summary:
      'The output path exists and is not something mlctl may replace (e.g. a non-empty non-model directory).',
  },
  MODEL_UNSUPPORTED: {
    exit: 2,
    http: 400,
    summary:
      'The model file is neither an mlctl artifact nor an ml-random-forest JSON, has an unknown format version, or is a kind of model the command does not take.',
  },
  WORKER_FAILED: {
    exit: 1,
    http: 500,
    summary:
      "A worker thread crashed (often: out of memory): training's, batch scoring's, or serve's explanation thread (a 500 for that /explain; the server goes on).",
  },
  REMOTE_ERROR: {
    exit: 1,
    http: 502,
    summary:
      'A remote service (Loki, a registry) could not be reached, refused the request or answered nonsense.',
  },
  IO_ERROR: { exit: 1, http: 500, summary: 'Reading or writing a file failed.' },
  // HTTP requests to `mlctl serve` and `mlctl drift serve` (named as MLflow names them where it has a name)
  BAD_REQUEST: {
    exit: 2,
    http: 400,
    summary:
      'A request is malformed: not JSON, a missing or empty field, a row of the wrong length, a value of the wrong kind (text in a numeric feature).',
  },
  PERMISSION_DENIED: {
    exit: 2,
    http: 403,
    summary:
      'An admin endpoint was called without the right token, or admin endpoints are disabled (no ADMIN_API_TOKEN).',
  },
  ENDPOINT_NOT_FOUND: {
    exit: 2,
    http: 404,
    summary: 'No endpoint has this path (GET /openapi.json lists them).',
  },
  RESOURCE_DOES_NOT_EXIST: {
    exit: 2,
    http: 404,
    summary:
      'A request names something the server does not have: an unknown request id, no drift report yet.',
  },
  METHOD_NOT_ALLOWED: {
    exit: 2,
    http: 405,
    summary: 'The endpoint exists, but not for this HTTP method (the Allow header lists those it takes).',
  },
  REQUEST_TIMEOUT: {
    exit: 1,
    http: 408,
    summary: "A request did not arrive in full within the server's request timeout (60 s).",
  },
  RUN_IN_PROGRESS: {
    exit: 1,
    http: 409,
    summary: 'A drift run is already in progress; ask again when it ends.',
  },
  REQUEST_TOO_LARGE: {
    exit: 2,
    http: 413,
    summary:
      'A request body (after decompression) is larger than MAX_BODY_BYTES, a batch has more rows than MAX_BATCH_SIZE, or an /explain more than EXPLAIN_MAX_ROWS.',
  },
  HEADERS_TOO_LARGE: {
    exit: 2,
    http: 431,
    summary: "A request's headers are larger than node:http takes (16 KiB).",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    exit: 2,
    http: 415,
    summary: 'A request body has a content type, charset or content encoding the endpoint does not take.',
  },
  MODEL_NOT_READY: {
    exit: 1,
    http: 503,
    summary: 'No model is loaded yet: the server is starting, or the registry is unreachable.',
  },
  RELOAD_FAILED: {
    exit: 1,
    http: 502,
    summary: 'An admin reload could not load the model; the previous model keeps serving.',
  },
  INTERNAL: {
    exit: 1,
    http: 500,
    summary: 'A bug in mlctl. Please report it with the log (LOG_LEVEL=debug).',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** Where it happened, for annotations (file and line). */
  location?: { file: string; line?: number };
  /** Several problems found at once (e.g. every invalid setting), each `path: message`. */
  problems?: string[];
  cause?: unknown;
  /** Extra fields of an HTTP error body: where the problem is (row, column), what was expected. */
  details?: Record<string, unknown>;
  /** HTTP response headers that go with the error (Allow on a 405). */
  headers?: Record<string, string>;
}

export class MlctlError extends Error {
  override readonly name = 'MlctlError';
  readonly hint?: string;
  readonly location?: { file: string; line?: number };
  readonly problems: string[];
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: ErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.location = options.location;
    this.problems = options.problems ?? [];
    this.details = options.details;
    this.headers = options.headers;
  }

  get exitCode(): ExitCode {
    return ERROR_CATALOGUE[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].http;
  }
}

export function isMlctlError(value: unknown): value is MlctlError {
  return value instanceof MlctlError;
}

/** Checks that a data file named by the user exists and is a regular file; `shown` is the path as given. */
export async function assertDataFile(path: string, shown: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw fromFsError(err, 'data file', shown);
  }
  if (!info.isFile()) throw new MlctlError('INPUT_INVALID', `data file is not a regular file: ${shown}`);
}

/** Node's fs errors carry a code; turn the common ones into messages a user can act on. */
export function fromFsError(err: unknown, what: string, file: string): MlctlError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new MlctlError('INPUT_NOT_FOUND', `${what} not found: ${file}`, {
      hint: 'Check the path (relative paths are resolved from the current directory).',
      cause: err,
    });
  }
  if (code === 'EISDIR') {
    return new MlctlError('INPUT_INVALID', `${what} is a directory, expected a file: ${file}`, {
      cause: err,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new MlctlError('IO_ERROR', `permission denied reading ${what}: ${file}`, {
      hint: 'Check the file permissions.',
      cause: err,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new MlctlError('IO_ERROR', `cannot read ${what} ${file}: ${detail}`, { cause: err });
}

import { MlctlError } from '../errors';
import type { ErrorCode } from '../errors';
import { NOBODY_THERE, errorCodeIn, nobodyThereHint } from '../io/network-errors';

/** How mlctl authenticates to MLflow, as MLflow's client decides it: basic auth wins over a token. */
export type MlflowAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'none' };

/** Which credentials were used, in words safe to print: the user name, never a password or token. */
export function describeAuth(auth: MlflowAuth): string {
  switch (auth.kind) {
    case 'basic':
      return `basic auth as user '${auth.username}' (MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD)`;
    case 'bearer':
      return 'a bearer token (MLFLOW_TRACKING_TOKEN)';
    case 'none':
      return 'no credentials (neither MLFLOW_TRACKING_USERNAME/PASSWORD nor MLFLOW_TRACKING_TOKEN is set)';
  }
}

/** An error answer of the MLflow server: MLflow's `error_code` and the HTTP status travel with it. */
export class MlflowRequestError extends MlctlError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly serverMessage: string,
    hint?: string,
  ) {
    super(code, message, { hint });
  }
}

export interface FailedResponse {
  method: string;
  path: string;
  status: number;
  body: string;
  location: string;
  auth: MlflowAuth;
  attempts: number;
}

/** MLflow's error JSON (`{"error_code", "message"}`) → the one error type, by MLflow's code and HTTP status. */
export function toRequestError(r: FailedResponse): MlflowRequestError {
  let errorCode: string | undefined;
  let serverMessage = r.body.trim();
  try {
    const parsed = JSON.parse(r.body) as { error_code?: unknown; message?: unknown };
    if (typeof parsed.error_code === 'string') errorCode = parsed.error_code;
    if (typeof parsed.message === 'string') serverMessage = parsed.message;
  } catch {
    // Not MLflow's JSON: a proxy's or another server's page. Keep the text.
  }
  serverMessage = serverMessage.length > 400 ? `${serverMessage.slice(0, 400)}…` : serverMessage;
  const what = `MLflow at ${r.location} answered ${r.method} ${r.path} with HTTP ${r.status}${errorCode ? ` ${errorCode}` : ''}`;
  const message = `${what}: ${serverMessage || '(empty body)'}`;
  const error = (code: ErrorCode, hint?: string) =>
    new MlflowRequestError(code, message, r.status, errorCode, serverMessage, hint);

  if (r.status === 401 || r.status === 403) {
    const verb = r.status === 401 ? 'refused the credentials' : 'denied permission';
    return new MlflowRequestError(
      'REGISTRY_AUTH',
      `MLflow at ${r.location} ${verb} (HTTP ${r.status} on ${r.method} ${r.path}); mlctl sent ${describeAuth(r.auth)}`,
      r.status,
      errorCode,
      serverMessage,
      r.status === 401
        ? 'Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) to credentials the server accepts.'
        : 'The user is known but lacks permission on this experiment or model; ask an MLflow admin to grant it.',
    );
  }
  if (r.status === 429 || r.status >= 500) {
    const after = r.attempts > 1 ? ` (after ${r.attempts} attempts)` : '';
    return error(
      'REGISTRY_UNAVAILABLE',
      `The server is failing or overloaded${after}; check its logs and retry.`,
    );
  }
  if (errorCode === 'RESOURCE_DOES_NOT_EXIST' || errorCode === 'NOT_FOUND') return error('MODEL_NOT_FOUND');
  if (errorCode === 'RESOURCE_ALREADY_EXISTS' || r.status === 409) return error('REGISTRY_CONFLICT');
  if (errorCode === 'INVALID_PARAMETER_VALUE' || errorCode === 'BAD_REQUEST')
    return error('REGISTRY_REJECTED');
  return error(
    'REGISTRY_ERROR',
    errorCode === undefined
      ? `Is ${r.location} an MLflow tracking server (2.x or 3.x)? \`curl ${r.location}/version\` should print its version.`
      : undefined,
  );
}

/** Connection-level failures undici reports, and whether a request certainly never reached the server. */
const CONNECT_PHASE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const IN_FLIGHT = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const NETWORK = new Set([...CONNECT_PHASE, ...IN_FLIGHT]);

export function networkErrorCode(err: unknown): string | undefined {
  return errorCodeIn(err, NETWORK);
}

/**
 * A request that may have been processed is retried only when repeating it is harmless. Nobody there
 * (connection refused, a name that does not resolve) is not retried at all: a wrong tracking URI fails
 * at once, not after a minute of backoff.
 */
export function isRetryableNetworkError(code: string | undefined, idempotent: boolean): boolean {
  if (code === undefined || NOBODY_THERE.has(code)) return false;
  return CONNECT_PHASE.has(code) || (idempotent && IN_FLIGHT.has(code));
}

export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true; // refused before doing anything
  return idempotent && (status === 500 || status === 502 || status === 504);
}

export function unreachable(
  location: string,
  method: string,
  path: string,
  code: string,
  attempts: number,
): MlctlError {
  return new MlctlError(
    'REGISTRY_UNAVAILABLE',
    `cannot reach the MLflow server at ${location} (${code} on ${method} ${path}, ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    {
      hint: NOBODY_THERE.has(code)
        ? nobodyThereHint(code, location, 'MLFLOW_TRACKING_URI (or --tracking-uri)')
        : `Check MLFLOW_TRACKING_URI and that the server is up (\`curl ${location}/health\` prints OK). Retries: MLFLOW_HTTP_REQUEST_MAX_RETRIES; timeout: MLFLOW_HTTP_REQUEST_TIMEOUT.`,
    },
  );
}

/**
 * The server has no such endpoint: an MLflow 2 server asked for MLflow 3's logged models answers an
 * HTML 404 (Flask's), and newer ones may say ENDPOINT_NOT_FOUND. A missing entity says
 * RESOURCE_DOES_NOT_EXIST instead.
 */
export function isMissingEndpoint(err: unknown): boolean {
  return (
    err instanceof MlflowRequestError &&
    err.status === 404 &&
    (err.errorCode === undefined || err.errorCode === 'ENDPOINT_NOT_FOUND')
  );
}

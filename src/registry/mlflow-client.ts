import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { Logger } from '../telemetry/logger';
import { MlctlError } from '../errors';
import { basicAuth } from '../io/http-auth';
import {
  isRetryableNetworkError,
  isRetryableStatus,
  networkErrorCode,
  toRequestError,
  unreachable,
} from './mlflow-errors';
import type { MlflowAuth } from './mlflow-errors';

export interface MlflowClientOptions {
  /** `http(s)://host[:port][/prefix]`, without credentials. */
  trackingUri: string;
  auth: MlflowAuth;
  /** Per-request limit for connecting, for the response headers, and between body chunks. */
  timeoutMs: number;
  maxRetries: number;
  /** Seconds: retry n waits backoffFactor × 2^(n-1) (at most 120 s) plus up to backoffJitter. */
  backoffFactor: number;
  backoffJitter: number;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** W3C trace context for each request (traceparent of the current span), when tracing is on. */
  traceHeaders?: () => Record<string, string>;
}

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /**
   * False for calls that create something (a run, a model version): those are retried only when the
   * server certainly did not act (connection refused, 429, 503), never after a reset or a 500.
   */
  idempotent?: boolean;
}

const MAX_BACKOFF_S = 120;

/**
 * MLflow's REST API over undici: JSON calls under `/api/2.0`, raw file transfers through the artifact
 * proxy, auth headers, timeouts, and retries with exponential backoff and jitter on connection errors,
 * HTTP 429 and 5xx only.
 */
export class MlflowClient {
  readonly location: string;
  private readonly agent: Agent;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: MlflowClientOptions) {
    this.location = options.trackingUri.replace(/\/+$/, '');
    // Shorter than uvicorn's 5 s keep-alive, so an idle socket is never reused just as the server closes it.
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 2_000,
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** A JSON call to `/api/2.0<path>`: GET sends the fields as a query string, other methods as a JSON body. */
  async call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options: CallOptions = {},
  ): Promise<T> {
    const url = `/api/2.0${path}${queryString(options.query)}`;
    const body = options.json === undefined ? undefined : JSON.stringify(options.json);
    const text = await this.send(method, url, options.idempotent ?? true, () => ({
      body,
      headers: body === undefined ? ({} as Record<string, string>) : { 'content-type': 'application/json' },
    }));
    if (text.trim() === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MlctlError(
        'REGISTRY_ERROR',
        `MLflow at ${this.location} answered ${method} ${url} with something that is not JSON`,
        {
          hint: `Is ${this.location} an MLflow tracking server? \`curl ${this.location}/version\` should print its version.`,
        },
      );
    }
  }

  /** A plain-text GET outside the API (`/version`, `/health`). */
  getText(path: string): Promise<string> {
    return this.send('GET', path, true, () => ({ headers: {} }));
  }

  /** PUT of a file's bytes (the artifact proxy's upload). */
  async putFile(path: string, file: string): Promise<void> {
    const { size } = await stat(file);
    await this.send('PUT', path, true, () => ({
      body: createReadStream(file),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    }));
  }

  /** GET of raw bytes into a file (the artifact proxy's download). */
  async getFile(path: string, file: string): Promise<void> {
    await this.send(
      'GET',
      path,
      true,
      () => ({ headers: {} }),
      async (body) => {
        await pipeline(body, createWriteStream(file));
      },
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(
    method: Dispatcher.HttpMethod,
    path: string,
    idempotent: boolean,
    makeBody: () => { body?: string | Readable; headers: Record<string, string> },
    consume?: (body: Readable) => Promise<void>,
  ): Promise<string> {
    const log = this.options.logger;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const { body, headers } = makeBody();
      let status: number;
      let waitS: number | undefined;
      try {
        const res = await request(`${this.location}${path}`, {
          method,
          body,
          headers: {
            ...headers,
            ...this.options.traceHeaders?.(),
            ...this.authHeader(),
            'user-agent': 'mlctl',
          },
          dispatcher: this.agent,
        });
        status = res.statusCode;
        log?.debug({ method, path, status, ms: Date.now() - started, attempt }, 'mlflow request');
        if (status < 300) {
          if (!consume) return await res.body.text();
          await consume(res.body);
          return '';
        }
        const text = await res.body.text();
        if (!isRetryableStatus(status, idempotent) || attempt > this.options.maxRetries) {
          throw toRequestError({
            method,
            path,
            status,
            body: text,
            location: this.location,
            auth: this.options.auth,
            attempts: attempt,
          });
        }
        waitS = retryAfterSeconds(res.headers['retry-after']);
      } catch (err) {
        if (err instanceof MlctlError) throw err;
        const code = networkErrorCode(err);
        if (code === undefined) throw err;
        if (!isRetryableNetworkError(code, idempotent) || attempt > this.options.maxRetries) {
          throw unreachable(this.location, method, path, code, attempt);
        }
        status = 0;
        log?.debug({ method, path, code, attempt }, 'mlflow request failed');
      }
      const waitMs = Math.max(this.backoffMs(attempt), (waitS ?? 0) * 1000);
      log?.warn(
        { method, path, status: status || undefined, attempt, waitMs: Math.round(waitMs) },
        'MLflow request failed; retrying',
      );
      await this.sleep(waitMs);
    }
  }

  private backoffMs(retry: number): number {
    const base = Math.min(MAX_BACKOFF_S, this.options.backoffFactor * 2 ** (retry - 1));
    return (base + this.random() * this.options.backoffJitter) * 1000;
  }

  private authHeader(): Record<string, string> {
    const auth = this.options.auth;
    if (auth.kind === 'basic') {
      return { authorization: basicAuth(auth.username, auth.password) };
    }
    if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
    return {};
  }
}

function queryString(query: CallOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, MAX_BACKOFF_S) : undefined;
}

import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptJson, parseJson, readBody } from './http/body';
import { HttpError } from './http/errors';
import { ReplyQueue } from './http/reply-queue';
import { requestIdFrom } from './http/request-id';
import { NO_PARAMS, Router } from './http/router';
import { feedbackRoute, explainRoute, predictRoute } from './routes/predict';
import { healthRoute, livezRoute, metricsRoute, readyzRoute, reloadRoute } from './routes/health';
import { invocationsRoute, pingRoute } from './routes/mlflow';
import {
  oipInfer,
  oipLive,
  oipModelMetadata,
  oipModelReady,
  oipReady,
  oipServerMetadata,
} from './routes/oip';
import { openapiRoute } from './routes/openapi';
import type { Reply, RequestContext, RouteDef, ServeDeps } from './context';
import type { LoadedModel } from './model';

/** Every endpoint. The templates are also the `path` label of the request metrics. */
export function createRouter(): Router<RouteDef> {
  return new Router<RouteDef>()
    .add('GET', '/livez', livezRoute)
    .add('GET', '/readyz', readyzRoute)
    .add('GET', '/health', healthRoute)
    .add('GET', '/metrics', metricsRoute)
    .add('POST', '/predict', predictRoute)
    .add('POST', '/explain', explainRoute)
    .add('POST', '/feedback', feedbackRoute)
    .add('POST', '/admin/reload', reloadRoute)
    .add('GET', '/openapi.json', openapiRoute)
    .add('GET', '/ping', pingRoute)
    .add('POST', '/invocations', invocationsRoute)
    .add('GET', '/v2', oipServerMetadata)
    .add('GET', '/v2/health/live', oipLive)
    .add('GET', '/v2/health/ready', oipReady)
    .add('GET', '/v2/models/:name', oipModelMetadata)
    .add('GET', '/v2/models/:name/ready', oipModelReady)
    .add('POST', '/v2/models/:name/infer', oipInfer)
    .add('GET', '/v2/models/:name/versions/:version', oipModelMetadata)
    .add('GET', '/v2/models/:name/versions/:version/ready', oipModelReady)
    .add('POST', '/v2/models/:name/versions/:version/infer', oipInfer);
}

// Unmatched requests share one label value, so scanners cannot grow the metrics without bound.
const UNMATCHED = '(unmatched)';
const JSON_TYPE = 'application/json; charset=utf-8';
const NO_HEADERS: string[] = [];
/** A reply waits at most this long for the replies made after it (src/serve/http/reply-queue.ts)… */
const MAX_REPLY_WAIT_MS = 1;
/** …and the replies waiting are written before a request with a body this large (a big batch) runs. */
const FLUSH_BEFORE_BODY_BYTES = 16 * 1024;

/**
 * The request handler of `mlctl serve`, on node:http directly (express capped throughput well below
 * the target; see docs/DECISIONS.md). Build the app, listen later: tests mount it on port 0.
 */
export function createApp(deps: ServeDeps, options: AppOptions = {}): AppHandler {
  const app = new ServeApp(deps, options.maxReplyWaitMs ?? MAX_REPLY_WAIT_MS);
  return Object.assign((req: IncomingMessage, res: ServerResponse) => app.handle(req, res), {
    inFlight: () => app.inFlight,
  });
}

export interface AppOptions {
  /**
   * How long a reply may wait for the others of its round of I/O (default 1 ms); 0 writes each reply as
   * soon as it is made (bench/serve-app-cost.js drives the app without I/O), tests lengthen it.
   */
  maxReplyWaitMs?: number;
}

/** The request handler, and how many requests it has started and not yet answered (for the drain). */
export type AppHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { inFlight(): number };

/**
 * One request from start to response: the context its route sees, and what the app needs to answer,
 * time, count and log it. One object per request rather than a closure for each step.
 */
class Exchange implements RequestContext {
  readonly started = performance.now();
  params = NO_PARAMS;
  body: unknown = undefined;
  template = UNMATCHED;
  route: RouteDef | undefined = undefined;
  /** The reply, ready to be written: status, the header list, the body (none for HEAD). */
  status = 200;
  headers: string[] = NO_HEADERS;
  payload: string | undefined = undefined;
  /** Why the request failed, for the log; undefined when it did not. */
  error: unknown = undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly method: string,
    readonly model: LoadedModel | undefined,
  ) {}
}

class ServeApp {
  /** Requests started and not yet finished (answered, or failed). */
  inFlight = 0;
  private readonly router = createRouter();
  /** The correlation header as node:http keys it (lower case), and as echoed. */
  private readonly header: string;
  private readonly echo: string;
  private readonly series: (method: string, template: string) => RouteSeries;
  /** Replies ready to be written, written together at the end of each round of I/O. */
  private readonly replies: ReplyQueue<Exchange>;

  constructor(
    private readonly deps: ServeDeps,
    maxReplyWaitMs: number,
  ) {
    this.replies = new ReplyQueue((ex) => this.transmit(ex), maxReplyWaitMs);
    this.header = deps.settings.correlationHeader.toLowerCase();
    this.echo = deps.settings.correlationHeader;
    this.series = createRouteSeries(deps.metrics);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    const requestId = requestIdFrom(req.headers[this.header]);
    const ex = new Exchange(req, res, requestId, req.method ?? 'GET', this.deps.holder.get());
    let route: RouteDef;
    try {
      const match = this.router.match(ex.method, req.url ?? '/');
      ex.template = match.template;
      ex.params = match.params;
      ex.route = route = match.handler;
      const accepts = route.accepts ?? (route.body === 'json' ? acceptJson : undefined);
      accepts?.(req);
    } catch (err) {
      req.resume();
      this.fail(ex, err);
      return;
    }
    if (route.body === undefined) {
      this.run(ex, route);
      return;
    }
    readBody(req, this.deps.settings.maxBodyBytes, (error, bytes) => {
      if (error) {
        this.fail(ex, error);
        return;
      }
      // Replies waiting for this round to end would also wait for a big batch to be scored.
      if (bytes.length >= FLUSH_BEFORE_BODY_BYTES) this.replies.flush();
      if (route.body === 'json') {
        try {
          ex.body = route.parseFast?.(bytes) ?? parseJson(bytes);
        } catch (err) {
          this.fail(ex, err);
          return;
        }
      } else {
        ex.body = bytes;
      }
      this.run(ex, route);
    });
  }

  /** Runs the route's handler; a synchronous reply is sent at once, without a promise turn. */
  private run(ex: Exchange, route: RouteDef): void {
    let outcome: Promise<Reply> | Reply;
    try {
      outcome = route.handler(ex, this.deps);
    } catch (err) {
      this.fail(ex, err);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (reply) => this.send(ex, reply),
        (err: unknown) => this.fail(ex, err),
      );
    } else {
      this.send(ex, outcome);
    }
  }

  private send(ex: Exchange, reply: Reply): void {
    try {
      this.prepare(ex, reply.status ?? 200, reply, undefined);
    } catch (err) {
      // A reply that cannot be written (a body JSON cannot represent, a bad header) is a bug: a 500.
      this.fail(ex, err);
      return;
    }
    this.replies.add(ex);
  }

  private fail(ex: Exchange, err: unknown): void {
    const known = err instanceof HttpError;
    const status = known ? err.status : 500;
    // An unexpected error is a bug: the client gets a generic message, the log gets the detail.
    const message = known ? err.message : 'internal error; the request id identifies it in the server log';
    const style = ex.route?.errorStyle ?? 'native';
    let body: unknown;
    if (style === 'mlflow') body = { error_code: mlflowCode(status), message };
    else if (style === 'oip') body = { error: message };
    else body = { error: message, status, request_id: ex.requestId, ...(known ? err.details : {}) };
    this.prepare(ex, status, { body, headers: known ? err.headers : undefined }, err);
    this.replies.add(ex);
  }

  /**
   * Makes the reply's text and its headers, as one flat list for writeHead (node:http then formats them
   * straight into the response head, without the per-header bookkeeping of setHeader). Throws for a
   * body JSON cannot represent or a header node:http would refuse, before anything is written.
   */
  private prepare(ex: Exchange, status: number, reply: Reply, error: unknown): void {
    const isText = typeof reply.body === 'string' && reply.contentType !== undefined;
    const payload = isText ? (reply.body as string) : JSON.stringify(reply.body);
    const headers = [
      'content-type',
      isText ? (reply.contentType as string) : JSON_TYPE,
      'content-length',
      String(Buffer.byteLength(payload)),
      this.echo,
      ex.requestId,
    ];
    if (reply.headers) {
      for (const name in reply.headers) {
        const value = reply.headers[name] as string;
        validateHeaderName(name);
        validateHeaderValue(name, value);
        headers.push(name, value);
      }
    }
    ex.status = status;
    ex.headers = headers;
    ex.payload = ex.method === 'HEAD' ? undefined : payload;
    ex.error = error;
  }

  /** Writes a prepared reply (from the queue, so it must not throw), then times, counts and logs it. */
  private transmit(ex: Exchange): void {
    try {
      ex.res.writeHead(ex.status, ex.headers);
      ex.res.end(ex.payload);
    } catch (err) {
      // prepare() checked what node:http checks; this is a bug. The client sees the connection close.
      ex.status = 500;
      ex.error = err;
      ex.res.destroy();
    }
    this.finish(ex);
  }

  /** Times, counts and (for failures, or at debug) logs a request once its response is written. */
  private finish(ex: Exchange): void {
    this.inFlight--;
    const { status, error } = ex;
    const seconds = (performance.now() - ex.started) / 1000;
    const method = ex.method;
    const template = ex.template;
    const labelMethod = method === 'GET' || method === 'POST' || method === 'HEAD' ? method : 'OTHER';
    const route = this.series(labelMethod, template);
    route.latency.observe(seconds);
    route.count(status).inc();
    const { deps } = this;
    if (status >= 500) deps.metrics.errors.labels(labelMethod, template).inc();
    // Successful requests are logged only at debug: the prediction event already records each one.
    if (status < 400 && !deps.logger.isLevelEnabled('debug')) return;
    // An allow-list of fields: headers, bodies and query strings (which may carry tokens) never reach a log.
    const entry = {
      request_id: ex.requestId,
      method,
      route: template,
      status,
      ms: Math.round(seconds * 1e4) / 10,
    };
    // A bug (not an HttpError) is logged with its stack; an expected rejection with its message only.
    // A 5xx the route chose to answer (readiness probes while no model is loaded) is a state, not a
    // failure: the reason is logged once by the model loader, not on every probe.
    if (status >= 500 && error === undefined) deps.logger.debug(entry, 'request answered: not ready');
    else if (status >= 500) deps.logger.error({ ...entry, ...errorFields(error) }, 'request failed');
    else if (status >= 400) deps.logger.info({ ...entry, ...errorFields(error) }, 'request rejected');
    else deps.logger.debug(entry, 'request');
  }
}

interface RouteSeries {
  latency: { observe(seconds: number): void };
  count(status: number): { inc(): void };
}

/**
 * The metric children of each method and route template, made once: label values are a closed set (route
 * templates, four methods, the statuses the app sends).
 */
function createRouteSeries(metrics: ServeDeps['metrics']): (method: string, template: string) => RouteSeries {
  const byTemplate = new Map<string, Map<string, RouteSeries>>();
  const make = (method: string, template: string): RouteSeries => {
    const counters = new Map<number, { inc(): void }>();
    return {
      latency: metrics.latency.labels(method, template),
      count(status) {
        const known = counters.get(status);
        if (known) return known;
        const counter = metrics.requestCounter(method, template, status);
        counters.set(status, counter);
        return counter;
      },
    };
  };
  return (method, template) => {
    let byMethod = byTemplate.get(template);
    if (byMethod === undefined) {
      byMethod = new Map();
      byTemplate.set(template, byMethod);
    }
    const known = byMethod.get(method);
    if (known) return known;
    const route = make(method, template);
    byMethod.set(method, route);
    return route;
  };
}

function errorFields(error: unknown): Record<string, unknown> {
  if (error === undefined) return {};
  if (error instanceof HttpError) return { error: error.message };
  return { err: error };
}

function mlflowCode(status: number): string {
  if (status === 404) return 'RESOURCE_DOES_NOT_EXIST';
  if (status === 413) return 'RESOURCE_EXHAUSTED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'BAD_REQUEST';
}

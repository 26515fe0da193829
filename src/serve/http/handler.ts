import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { MlctlError } from '../../errors';
import type { Span, Tracer } from '../../telemetry/tracing/types';
import { acceptJson, parseJson, readBody } from './body';
import { requestError } from './errors';
import { ReplyQueue } from './reply-queue';
import { requestIdFrom } from './request-id';
import { NO_PARAMS, UNMATCHED } from './router';
import type { Router } from './router';

/**
 * The HTTP layer of `mlctl serve` and `mlctl drift serve`, on node:http directly (express capped
 * throughput well below the target; docs/DECISIONS.md): routing, bodies, one error path (every error an
 * MlctlError whose catalogue code gives the status and the body's `error_code`), request logs, spans, the
 * drain. A server adds its routes and, through hooks, its metrics and span attributes.
 */

/** How errors look on the wire: ours, MLflow's scoring protocol, or the Open Inference Protocol. */
export type ErrorStyle = 'native' | 'mlflow' | 'oip';

export interface Reply {
  status?: number;
  /** JSON by default; a string or a Buffer with a `contentType` is sent as is. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteDef<E extends Exchange, D> {
  handler: (ctx: E, deps: D) => Promise<Reply> | Reply;
  errorStyle?: ErrorStyle;
  /**
   * The body the route takes, read (at most the body limit, else 413) before the handler runs: `json`
   * is parsed (400 when it is not JSON), `raw` is handed over as bytes.
   */
  body?: 'json' | 'raw';
  /**
   * Checks the request before its body is read, throwing an MlctlError (e.g. 415 for its content type).
   * For a `json` body the default takes JSON or no content type.
   */
  accepts?: (req: IncomingMessage) => void;
  /**
   * A cheaper parse of a `json` body tried first: the value JSON.parse would give, or undefined to
   * leave the body to JSON.parse (and its errors).
   */
  parseFast?: (bytes: Buffer) => unknown;
}

/**
 * One request from start to response: what its route sees, and what the handler needs to answer, time,
 * count, trace and log it. One object per request rather than a closure for each step.
 */
export class Exchange {
  readonly started = performance.now();
  params = NO_PARAMS;
  /** The body of a route that declares one (`RouteDef.body`): the parsed JSON, or the bytes. */
  body: unknown = undefined;
  /** The route template: the path label of metrics and the span's route. */
  template = UNMATCHED;
  /** The reply, ready to be written: status, the header list, the body (none for HEAD). */
  status = 200;
  headers: string[] = NO_HEADERS;
  payload: string | Buffer | undefined = undefined;
  /** Why the request failed, for the log; undefined when it did not. */
  error: MlctlError | undefined = undefined;
  errorStyle: ErrorStyle = 'native';
  /** The request's span, when traces are exported. */
  span: Span | undefined = undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly method: string,
  ) {}
}

export interface HttpHandlerOptions<E extends Exchange, D> {
  router: Router<RouteDef<E, D>>;
  /** Handed to every route's handler. */
  deps: D;
  logger: Logger;
  /** The request id header: adopted from the client when plausible, always echoed. */
  correlationHeader: string;
  maxBodyBytes: number;
  /** Makes a request's exchange (a server's subclass may take a snapshot of its state, e.g. the model). */
  exchange: (req: IncomingMessage, res: ServerResponse, requestId: string, method: string) => E;
  /** Called once the response is written: the server's request metrics. */
  observe?: (ex: E, seconds: number) => void;
  /** Adds the server's own attributes to a request's span before it ends (model, rows). */
  describe?: (ex: E, span: Span) => void;
  /** Exports a span per request when set (tracing is on). */
  tracer?: Tracer;
  /**
   * How long a reply may wait for the others of its round of I/O (default 1 ms); 0 writes each reply as
   * soon as it is made (bench/serve-app-cost.js drives the handler without I/O), tests lengthen it.
   */
  maxReplyWaitMs?: number;
}

/** The request handler; how many requests it has started and not yet answered; and the drain's switch. */
export type HttpHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  inFlight(): number;
  /** From now on every response says `Connection: close`: keep-alive ends with each connection's next reply. */
  drain(): void;
};

const JSON_TYPE = 'application/json; charset=utf-8';
const NO_HEADERS: string[] = [];
/** A reply waits at most this long for the replies made after it (./reply-queue.ts)… */
const MAX_REPLY_WAIT_MS = 1;
/** …and the replies waiting are written before a request with a body this large (a big batch) runs. */
const FLUSH_BEFORE_BODY_BYTES = 16 * 1024;

export function createHttpHandler<E extends Exchange, D>(options: HttpHandlerOptions<E, D>): HttpHandler {
  const handler = new RequestHandler(options);
  return Object.assign((req: IncomingMessage, res: ServerResponse) => handler.handle(req, res), {
    inFlight: () => handler.inFlight,
    drain: () => handler.drain(),
  });
}

class RequestHandler<E extends Exchange, D> {
  /** Requests started and not yet finished (answered, or failed). */
  inFlight = 0;
  private draining = false;
  /** The correlation header as node:http keys it (lower case), and as echoed. */
  private readonly header: string;
  private readonly echo: string;
  /** Replies ready to be written, written together at the end of each round of I/O. */
  private readonly replies: ReplyQueue<E>;

  constructor(private readonly o: HttpHandlerOptions<E, D>) {
    this.replies = new ReplyQueue((ex) => this.transmit(ex), o.maxReplyWaitMs ?? MAX_REPLY_WAIT_MS);
    this.header = o.correlationHeader.toLowerCase();
    this.echo = o.correlationHeader;
  }

  drain(): void {
    this.draining = true;
    // Replies already made are written now; the next ones carry Connection: close.
    this.replies.flush();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    const method = req.method ?? 'GET';
    const ex = this.o.exchange(req, res, requestIdFrom(req.headers[this.header]), method);
    const match = this.o.router.match(method, req.url ?? '/');
    ex.template = match.template;
    ex.params = match.params;
    const route = match.handler;
    if (this.o.tracer !== undefined) this.startSpan(ex, this.o.tracer, route !== undefined);
    if (route === undefined) {
      req.resume();
      this.fail(ex, match.error);
      return;
    }
    ex.errorStyle = route.errorStyle ?? 'native';
    try {
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
    readBody(req, this.o.maxBodyBytes, (error, bytes) => {
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

  private startSpan(ex: E, tracer: Tracer, matched: boolean): void {
    const { req } = ex;
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    // Semantic conventions for HTTP servers; never the query string, which may carry a token.
    ex.span = tracer.startSpan(matched ? `${ex.method} ${ex.template}` : ex.method, {
      kind: 'server',
      // The caller's trace, when its traceparent is valid; else a new one (never the current span).
      parent: { traceparent: req.headers.traceparent, tracestate: req.headers.tracestate },
      attributes: {
        'http.request.method': ex.method,
        'url.path': query === -1 ? url : url.slice(0, query),
        'url.scheme': 'http',
        'network.protocol.version': req.httpVersion,
        'mlctl.request_id': ex.requestId,
      },
    });
    if (matched) ex.span.setAttribute('http.route', ex.template);
  }

  /** Runs the route's handler; a synchronous reply is sent at once, without a promise turn. */
  private run(ex: E, route: RouteDef<E, D>): void {
    let outcome: Promise<Reply> | Reply;
    try {
      // With tracing on, the request's span is the current one for what the handler calls (a reload's
      // registry calls are its children).
      outcome =
        ex.span === undefined
          ? route.handler(ex, this.o.deps)
          : (this.o.tracer as Tracer).withSpan(ex.span, () => route.handler(ex, this.o.deps));
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

  private send(ex: E, reply: Reply): void {
    try {
      this.prepare(ex, reply.status ?? 200, reply);
    } catch (err) {
      // A reply that cannot be written (a body JSON cannot represent, a bad header) is a bug: a 500.
      this.fail(ex, err);
      return;
    }
    this.replies.add(ex);
  }

  private fail(ex: E, err: unknown): void {
    const error = requestError(err);
    const status = error.httpStatus;
    const message = error.message;
    let body: unknown;
    if (ex.errorStyle === 'mlflow') body = { error_code: error.code, message };
    else if (ex.errorStyle === 'oip') body = { error: message, error_code: error.code };
    else {
      body = {
        error: message,
        error_code: error.code,
        status,
        request_id: ex.requestId,
        ...(error.hint !== undefined ? { hint: error.hint } : {}),
        ...error.details,
      };
    }
    this.prepare(ex, status, { body, headers: error.headers });
    ex.error = error;
    this.replies.add(ex);
  }

  /**
   * Makes the reply's bytes and its headers, as one flat list for writeHead (node:http then formats them
   * straight into the response head, without the per-header bookkeeping of setHeader). Throws for a
   * body JSON cannot represent or a header node:http would refuse, before anything is written.
   */
  private prepare(ex: E, status: number, reply: Reply): void {
    const raw =
      reply.contentType !== undefined && (typeof reply.body === 'string' || Buffer.isBuffer(reply.body));
    const payload = raw ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
    const headers = [
      'content-type',
      raw ? (reply.contentType as string) : JSON_TYPE,
      'content-length',
      String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length),
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
  }

  /** Writes a prepared reply (from the queue, so it must not throw), then times, counts and logs it. */
  private transmit(ex: E): void {
    // Checked as the reply is written, so a reply prepared before the drain began says it too.
    if (this.draining) ex.headers.push('connection', 'close');
    try {
      ex.res.writeHead(ex.status, ex.headers);
      ex.res.end(ex.payload);
    } catch (err) {
      // prepare() checked what node:http checks; this is a bug. The client sees the connection close.
      ex.status = 500;
      ex.error = requestError(err);
      ex.res.destroy();
    }
    this.finish(ex);
  }

  /** Times, counts, traces and (for failures, or at debug) logs a request once its response is written. */
  private finish(ex: E): void {
    this.inFlight--;
    const { status, error } = ex;
    const seconds = (performance.now() - ex.started) / 1000;
    this.o.observe?.(ex, seconds);
    if (ex.span !== undefined) this.endSpan(ex, ex.span);
    const { logger } = this.o;
    // Successful requests are logged only at debug: a server's own records (the prediction log) say more.
    if (status < 400 && !logger.isLevelEnabled('debug')) return;
    // An allow-list of fields: headers, bodies and query strings (which may carry tokens) never reach a log.
    const entry = {
      request_id: ex.requestId,
      method: ex.method,
      route: ex.template,
      status,
      ms: Math.round(seconds * 1e4) / 10,
    };
    // A 5xx is logged at error with the error and its stack (for a bug, the original error); a 4xx, the
    // client's mistake, at info with its code and message. A 5xx the route chose to answer (readiness
    // probes while no model is loaded) is a state, not a failure: its reason is logged once elsewhere.
    if (error === undefined) logger.debug(entry, status >= 500 ? 'request answered: not ready' : 'request');
    else if (status >= 500) {
      const bug = error.code === 'INTERNAL' && error.cause !== undefined;
      logger.error({ ...entry, error_code: error.code, err: bug ? error.cause : error }, 'request failed');
    } else logger.info({ ...entry, error_code: error.code, error: error.message }, 'request rejected');
  }

  private endSpan(ex: E, span: Span): void {
    span.setAttribute('http.response.status_code', ex.status);
    this.o.describe?.(ex, span);
    // A server span fails on a 5xx only: a 4xx is the client's error (semantic conventions).
    if (ex.status >= 500)
      span.fail(ex.error?.message ?? `HTTP ${ex.status}`, ex.error?.code ?? String(ex.status));
    else if (ex.error !== undefined) span.setAttribute('error.type', ex.error.code);
    span.end();
  }
}

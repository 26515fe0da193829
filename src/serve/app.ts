import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http/errors';
import { Router } from './http/router';
import type { RouteMatch } from './http/router';
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
import type { ErrorStyle, Reply, RequestContext, RouteDef, ServeDeps } from './context';

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
const CORRELATION_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request handler of `mlctl serve`, on node:http directly (express capped throughput well below
 * the target; see docs/DECISIONS.md). Build the app, listen later: tests mount it on port 0.
 */
export function createApp(deps: ServeDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const router = createRouter();
  const header = deps.settings.correlationHeader.toLowerCase();
  const echo = deps.settings.correlationHeader;
  const series = createRouteSeries(deps.metrics);

  return function handleRequest(req, res) {
    const started = performance.now();
    const given = req.headers[header];
    const requestId = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    const method = req.method ?? 'GET';

    let match: RouteMatch<RouteDef> | undefined;
    let template = UNMATCHED;
    const finish = (status: number, error?: unknown): void => {
      const seconds = (performance.now() - started) / 1000;
      const labelMethod = method === 'GET' || method === 'POST' || method === 'HEAD' ? method : 'OTHER';
      const route = series(labelMethod, template);
      route.latency.observe(seconds);
      route.count(status).inc();
      if (status >= 500) deps.metrics.errors.labels(labelMethod, template).inc();
      // Successful requests are logged only at debug: the prediction event already records each one.
      if (status < 400 && !deps.logger.isLevelEnabled('debug')) return;
      // An allow-list of fields: headers, bodies and query strings (which may carry tokens) never reach a log.
      const entry = {
        request_id: requestId,
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
    };

    try {
      match = router.match(method, req.url ?? '/');
      template = match.template;
    } catch (err) {
      req.resume();
      sendError(res, err, 'native', echo, requestId, finish);
      return;
    }
    const route = match.handler;
    const ctx: RequestContext = { req, params: match.params, requestId, model: deps.holder.get() };
    let outcome: Promise<Reply> | Reply;
    try {
      outcome = route.handler(ctx, deps);
    } catch (err) {
      sendError(res, err, route.errorStyle ?? 'native', echo, requestId, finish);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (reply) => send(res, reply, method, echo, requestId, finish),
        (err: unknown) => sendError(res, err, route.errorStyle ?? 'native', echo, requestId, finish),
      );
    } else {
      send(res, outcome, method, echo, requestId, finish);
    }
  };
}

/**
 * Every header goes to one writeHead call as a flat list: node:http then formats them straight into the
 * response head, without the per-header bookkeeping of setHeader.
 */
function send(
  res: ServerResponse,
  reply: Reply,
  method: string,
  echo: string,
  requestId: string,
  finish: (status: number) => void,
): void {
  const status = reply.status ?? 200;
  const isText = typeof reply.body === 'string' && reply.contentType !== undefined;
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body);
  const headers = [
    'content-type',
    isText ? (reply.contentType as string) : 'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(payload)),
    echo,
    requestId,
  ];
  if (reply.headers) for (const name in reply.headers) headers.push(name, reply.headers[name] as string);
  res.writeHead(status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
  finish(status);
}

function sendError(
  res: ServerResponse,
  err: unknown,
  style: ErrorStyle,
  echo: string,
  requestId: string,
  finish: (status: number, error?: unknown) => void,
): void {
  const known = err instanceof HttpError;
  const status = known ? err.status : 500;
  // An unexpected error is a bug: the client gets a generic message, the log gets the detail.
  const message = known ? err.message : 'internal error; the request id identifies it in the server log';
  let body: unknown;
  if (style === 'mlflow') body = { error_code: mlflowCode(status), message };
  else if (style === 'oip') body = { error: message };
  else body = { error: message, status, request_id: requestId, ...(known ? err.details : {}) };
  if (res.headersSent) {
    res.destroy();
  } else {
    send(res, { status, body, headers: known ? err.headers : undefined }, 'GET', echo, requestId, () => {});
  }
  finish(status, err);
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '../telemetry/tracing/types';
import { createHttpHandler } from './http/handler';
import type { HttpHandler } from './http/handler';
import { Router } from './http/router';
import { feedbackRoute, explainRoute, predictRoute } from './routes/predict';
import { healthRoute, livezRoute, metricsRoute, readyzRoute, reloadRoute } from './routes/health';
import { invocationsRoute, pingRoute, versionRoute } from './routes/mlflow';
import {
  oipInfer,
  oipLive,
  oipModelMetadata,
  oipModelReady,
  oipReady,
  oipServerMetadata,
} from './routes/oip';
import { openapiRoute } from './routes/openapi';
import { ServeExchange } from './context';
import type { RouteDef, ServeDeps } from './context';

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
    .add('GET', '/version', versionRoute)
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

export interface AppOptions {
  /**
   * How long a reply may wait for the others of its round of I/O (default 1 ms); 0 writes each reply as
   * soon as it is made (bench/serve-app-cost.js drives the app without I/O), tests lengthen it.
   */
  maxReplyWaitMs?: number;
}

/**
 * The request handler of `mlctl serve`: its routes on the shared HTTP layer (./http/handler.ts), each
 * request counted and timed in the serve metrics, and its span (when tracing is on) told the model and
 * the rows. Build the app, listen later: tests mount it on port 0.
 */
export function createApp(deps: ServeDeps, options: AppOptions = {}): HttpHandler {
  const series = createRouteSeries(deps.metrics);
  const { holder } = deps;
  return createHttpHandler<ServeExchange, ServeDeps>({
    router: createRouter(),
    deps,
    logger: deps.logger,
    correlationHeader: deps.settings.correlationHeader,
    maxBodyBytes: deps.settings.maxBodyBytes,
    exchange: (req: IncomingMessage, res: ServerResponse, requestId: string, method: string) =>
      new ServeExchange(req, res, requestId, method, holder.get()),
    observe(ex, seconds) {
      const method = ex.method;
      const labelMethod = method === 'GET' || method === 'POST' || method === 'HEAD' ? method : 'OTHER';
      const route = series(labelMethod, ex.template);
      route.latency.observe(seconds);
      route.count(ex.status).inc();
      if (ex.status >= 500) deps.metrics.errors.labels(labelMethod, ex.template).inc();
    },
    describe(ex: ServeExchange, span: Span) {
      if (ex.model === undefined) return;
      span.setAttribute('mlctl.model.name', ex.model.name);
      span.setAttribute('mlctl.model.version', ex.model.version);
      if (ex.rows > 0) span.setAttribute('mlctl.rows', ex.rows);
      if (ex.synthetic) span.setAttribute('mlctl.synthetic', true);
    },
    tracer: deps.tracer,
    maxReplyWaitMs: options.maxReplyWaitMs,
  });
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

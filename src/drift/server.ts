import type { Logger } from 'pino';
import { MlctlError } from '../errors';
import { checkAdminToken } from '../serve/http/admin-token';
import { Exchange, createHttpHandler } from '../serve/http/handler';
import type { HttpHandler, RouteDef } from '../serve/http/handler';
import { Router } from '../serve/http/router';
import type { Tracer } from '../telemetry/tracing/types';
import type { DriftMonitor } from './monitor';
import { toDriftJson } from './reports/json';

export interface DriftServerOptions {
  monitor: DriftMonitor;
  /** POST /refresh needs it; without one, /refresh is refused. */
  adminToken?: string;
  /** Header carrying the token (case-insensitive). */
  tokenHeader: string;
  /** /healthz fails when the last successful run is older than this. */
  staleAfterMs: number;
  logger: Logger;
  now?: () => number;
  /** A span per request when tracing is on. */
  tracer?: Tracer;
  /** The request id header (default X-Correlation-ID, as serve's). */
  correlationHeader?: string;
}

type Route = RouteDef<Exchange, DriftServerOptions>;

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /metrics: the drift metrics of the last run. */
const metricsRoute: Route = {
  async handler(_ctx, o) {
    const registry = o.monitor.metrics.registry;
    return { body: await registry.metrics(), contentType: registry.contentType, headers: NO_STORE };
  },
};

/** GET /healthz: 200 while the last successful run is recent enough, 503 once it is stale. */
const healthRoute: Route = {
  handler(_ctx, o) {
    const s = o.monitor.state();
    const t = (o.now ?? Date.now)();
    const since = s.latest?.finishedAt ?? s.startedAt;
    const healthy = t - since <= o.staleAfterMs;
    return {
      status: healthy ? 200 : 503,
      headers: NO_STORE,
      body: {
        status: healthy ? (s.latest ? 'ok' : 'starting') : 'stale',
        running: s.running,
        last_success: s.latest ? new Date(s.latest.finishedAt).toISOString() : null,
        last_result: s.latest?.result.status ?? null,
        seconds_since_success: s.latest ? (t - since) / 1000 : null,
        stale_after_seconds: o.staleAfterMs / 1000,
        last_error: s.lastError
          ? { at: new Date(s.lastError.at).toISOString(), message: s.lastError.message }
          : null,
      },
    };
  },
};

/** POST /refresh (admin token, as serve's /admin/reload): starts a run now; 409 while one runs. */
const refreshRoute: Route = {
  handler(ctx, o) {
    checkAdminToken(ctx.req, { token: o.adminToken, header: o.tokenHeader });
    if (o.monitor.trigger() === 'busy') {
      throw new MlctlError('RUN_IN_PROGRESS', 'a drift run is in progress', {
        hint: 'GET /healthz shows when it ends (running: false).',
      });
    }
    return { status: 202, body: { status: 'accepted', request_id: ctx.requestId } };
  },
};

function latestOrNotFound(o: DriftServerOptions) {
  const latest = o.monitor.state().latest;
  if (!latest) {
    throw new MlctlError('RESOURCE_DOES_NOT_EXIST', 'no drift run has completed yet', {
      hint: 'GET /healthz shows the monitor state; POST /refresh starts a run.',
    });
  }
  return latest;
}

/** GET /report: the latest HTML report. */
const reportRoute: Route = {
  handler: (_ctx, o) => ({
    body: latestOrNotFound(o).html,
    contentType: 'text/html; charset=utf-8',
    headers: NO_STORE,
  }),
};

/** GET /report.json: the latest report as JSON. */
const reportJsonRoute: Route = {
  handler: (_ctx, o) => ({ body: toDriftJson(latestOrNotFound(o).result), headers: NO_STORE }),
};

/**
 * The monitor's HTTP face, on serve's HTTP layer (routing with trailing slashes and 405s, admin auth,
 * one error path with catalogue codes, request logs, spans, the drain): GET /metrics, GET /healthz,
 * POST /refresh (admin token), GET /report (latest HTML) and GET /report.json. Build it, then listen.
 */
export function createDriftHandler(options: DriftServerOptions): HttpHandler {
  const router = new Router<Route>()
    .add('GET', '/metrics', metricsRoute)
    .add('GET', '/healthz', healthRoute)
    .add('POST', '/refresh', refreshRoute)
    .add('GET', '/report', reportRoute)
    .add('GET', '/report.json', reportJsonRoute);
  return createHttpHandler<Exchange, DriftServerOptions>({
    router,
    deps: options,
    logger: options.logger,
    correlationHeader: options.correlationHeader ?? 'X-Correlation-ID',
    // No route takes a body.
    maxBodyBytes: 0,
    exchange: (req, res, requestId, method) => new Exchange(req, res, requestId, method),
    tracer: options.tracer,
  });
}

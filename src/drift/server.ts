import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
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
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * The monitor's HTTP face, on bare node:http (four routes do not need a framework): GET /metrics,
 * GET /healthz, POST /refresh (admin token), GET /report (latest HTML) and GET /report.json.
 * Build it, then listen: tests listen on port 0.
 */
export function createDriftServer(options: DriftServerOptions): Server {
  const now = options.now ?? Date.now;
  const { monitor } = options;
  const routes: Record<string, Record<string, Handler>> = {
    '/metrics': {
      GET: async (_req, res) => {
        const registry = monitor.metrics.registry;
        send(res, 200, await registry.metrics(), registry.contentType);
      },
    },
    '/healthz': { GET: (_req, res) => health(res) },
    '/refresh': { POST: (req, res) => refresh(req, res) },
    '/report': {
      GET: (_req, res) => {
        const latest = monitor.state().latest;
        if (!latest) return sendJson(res, 404, { error: 'no drift run has completed yet' });
        send(res, 200, latest.html, 'text/html; charset=utf-8');
      },
    },
    '/report.json': {
      GET: (_req, res) => {
        const latest = monitor.state().latest;
        if (!latest) return sendJson(res, 404, { error: 'no drift run has completed yet' });
        sendJson(res, 200, toDriftJson(latest.result));
      },
    },
  };

  function health(res: ServerResponse): void {
    const s = monitor.state();
    const t = now();
    const since = s.latest?.finishedAt ?? s.startedAt;
    const age = (t - since) / 1000;
    const healthy = t - since <= options.staleAfterMs;
    const status = healthy ? (s.latest ? 'ok' : 'starting') : 'stale';
    sendJson(res, healthy ? 200 : 503, {
      status,
      running: s.running,
      last_success: s.latest ? new Date(s.latest.finishedAt).toISOString() : null,
      last_result: s.latest?.result.status ?? null,
      seconds_since_success: s.latest ? age : null,
      stale_after_seconds: options.staleAfterMs / 1000,
      last_error: s.lastError
        ? { at: new Date(s.lastError.at).toISOString(), message: s.lastError.message }
        : null,
    });
  }

  function refresh(req: IncomingMessage, res: ServerResponse): void {
    if (!options.adminToken) {
      return sendJson(res, 403, {
        error: 'refresh is disabled: no admin token is configured (ADMIN_API_TOKEN)',
      });
    }
    const given = req.headers[options.tokenHeader.toLowerCase()];
    if (given === undefined) return sendJson(res, 401, { error: `missing ${options.tokenHeader} header` });
    if (!sameSecret(Array.isArray(given) ? (given[0] ?? '') : given, options.adminToken)) {
      return sendJson(res, 403, { error: 'wrong admin token' });
    }
    if (monitor.trigger() === 'busy')
      return sendJson(res, 409, { status: 'busy', error: 'a drift run is in progress' });
    sendJson(res, 202, { status: 'accepted' });
  }

  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const route = routes[path];
    const handler = route?.[req.method ?? 'GET'];
    req.resume(); // no route reads a body
    if (!route) return sendJson(res, 404, { error: `no route ${path}` });
    if (!handler) {
      res.setHeader('allow', Object.keys(route).join(', '));
      return sendJson(res, 405, { error: `${req.method} is not allowed on ${path}` });
    }
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      options.logger.error({ err: (err as Error).message, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
}

/** Compares digests, so neither the content nor the length of the token leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value)}\n`, 'application/json');
}

import type { Logger } from 'pino';
import { createDriftMetrics } from './metrics';
import { createDriftMonitor } from './monitor';
import type { DriftMonitor } from './monitor';
import { ProfileStore } from './profile/store';
import { renderHtmlReport } from './reports/html';
import { runDrift } from './run-drift';
import type { DriftRunOptions } from './run-drift';
import { listen } from '../serve/server';
import type { Tracer } from '../telemetry/tracing/types';
import { createDriftHandler } from './server';
import type { ModelUriResolver } from './sources/reference';

export interface DriftServiceOptions {
  run: DriftRunOptions;
  host: string;
  port: number;
  intervalMs: number;
  staleAfterMs: number;
  adminToken?: string;
  tokenHeader: string;
}

/** Requests in flight get this long to finish when the service stops. */
const DRAIN_MS = 10_000;

export interface DriftService {
  url: string;
  monitor: DriftMonitor;
  close(): Promise<void>;
}

/** `mlctl drift serve`: the monitor, its server listening, the first run already started. */
export async function startDriftService(
  options: DriftServiceOptions,
  deps: {
    logger: Logger;
    cwd: string;
    now?: () => number;
    resolveModelUri?: ModelUriResolver;
    tracer?: Tracer;
  },
): Promise<DriftService> {
  // The reference profile is computed once and reused every interval while the reference is unchanged.
  const profiles = new ProfileStore(options.run.profileCache, deps.logger);
  const monitor = createDriftMonitor({
    evaluate: () => runDrift(options.run, { ...deps, profiles }),
    render: async (result) => renderHtmlReport(result),
    metrics: createDriftMetrics(),
    logger: deps.logger,
    intervalMs: options.intervalMs,
    now: deps.now,
  });
  const handler = createDriftHandler({
    monitor,
    adminToken: options.adminToken,
    tokenHeader: options.tokenHeader,
    staleAfterMs: options.staleAfterMs,
    logger: deps.logger,
    now: deps.now,
    tracer: deps.tracer,
  });
  const server = await listen(handler, options.host, options.port);
  monitor.start();
  deps.logger.info({ url: server.url }, 'drift monitor listening');
  return {
    url: server.url,
    monitor,
    async close() {
      await monitor.stop();
      await server.close(DRAIN_MS);
    },
  };
}

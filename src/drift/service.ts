import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createDriftMetrics } from './metrics';
import { createDriftMonitor } from './monitor';
import type { DriftMonitor } from './monitor';
import { ProfileStore } from './profile/store';
import { renderHtmlReport } from './reports/html';
import { runDrift } from './run-drift';
import type { DriftRunOptions } from './run-drift';
import { createDriftServer } from './server';
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

export interface DriftService {
  url: string;
  monitor: DriftMonitor;
  close(): Promise<void>;
}

/** `mlctl drift serve`: the monitor, its server listening, the first run already started. */
export async function startDriftService(
  options: DriftServiceOptions,
  deps: { logger: Logger; cwd: string; now?: () => number; resolveModelUri?: ModelUriResolver },
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
  const server = createDriftServer({
    monitor,
    adminToken: options.adminToken,
    tokenHeader: options.tokenHeader,
    staleAfterMs: options.staleAfterMs,
    logger: deps.logger,
    now: deps.now,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  monitor.start();
  deps.logger.info({ host: address.address, port: address.port }, 'drift monitor listening');
  return {
    url: `http://${host}:${address.port}`,
    monitor,
    async close() {
      await monitor.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

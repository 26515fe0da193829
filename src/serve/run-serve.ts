import type { Logger } from 'pino';
import type { ModelRegistry } from '../registry/types';
import type { Tracer } from '../telemetry/tracing/types';
import { createServeMetrics } from '../telemetry/serve-metrics';
import { createApp } from './app';
import { FeedbackTracker } from './feedback';
import { ModelHolder } from './model-holder';
import { createPredictionLog } from './prediction-log';
import { Refresher } from './refresher';
import { listen } from './server';
import { createDirectorySource, createRegistrySource } from './sources';
import type { ServeSettings } from './context';
import type { RefreshResult } from './refresher';

export interface ServeOptions extends ServeSettings {
  /** A model directory or a models:/ URI. */
  target: string;
  /** Name shown for a directory model (default: the directory's name). */
  modelName?: string;
  host: string;
  port: number;
  autoRefreshSeconds: number;
  feedbackWindow: number;
  predictionLogPath?: string;
  predictionLogStdout: boolean | NodeJS.WritableStream;
  /** Where registry downloads are cached. */
  cacheDir: string;
}

export interface ServeDeps {
  logger: Logger;
  version: string;
  /** Opens the registry for models:/ targets (kept open while serving). */
  openRegistry: () => Promise<ModelRegistry>;
  /** A span per request when tracing is on. */
  tracer?: Tracer;
}

export interface RunningServe {
  url: string;
  /** The outcome of the first load (the server listens whatever it is). */
  firstLoad: Promise<RefreshResult>;
  /** Stops accepting, drains requests in flight (bounded), stops refreshing, flushes the prediction log. */
  stop(drainMs: number): Promise<{ cutOff: number }>;
}

/**
 * `mlctl serve`: listens at once (live, not yet ready), loads the model, then keeps it fresh. A registry
 * that is unreachable at start leaves the server up and not ready; it keeps trying.
 */
export async function runServe(options: ServeOptions, deps: ServeDeps): Promise<RunningServe> {
  const metrics = createServeMetrics();
  const holder = new ModelHolder(metrics);
  const predictionLog = createPredictionLog({
    path: options.predictionLogPath,
    stdout: options.predictionLogStdout,
  });
  const isUri = options.target.startsWith('models:');
  const registry = isUri ? await deps.openRegistry() : undefined;
  const source = registry
    ? createRegistrySource(options.target, registry, { cacheDir: options.cacheDir, logger: deps.logger })
    : createDirectorySource(options.target, options.modelName);
  const refresher = new Refresher(holder, source, metrics, deps.logger, {
    intervalSeconds: options.autoRefreshSeconds,
    retrySeconds: Math.min(5, options.autoRefreshSeconds || 5),
  });
  const app = createApp({
    holder,
    metrics,
    logger: deps.logger,
    predictionLog,
    feedback: new FeedbackTracker({ maxRequests: 100_000, window: options.feedbackWindow }),
    settings: options,
    reload: () => refresher.refresh(true),
    version: deps.version,
    tracer: deps.tracer,
  });
  const server = await listen(app, options.host, options.port);
  deps.logger.info({ url: server.url, model: options.target }, 'listening');
  const firstLoad = refresher.start();
  return {
    url: server.url,
    firstLoad,
    async stop(drainMs) {
      refresher.stop();
      const outcome = await server.close(drainMs);
      predictionLog.flush();
      await registry?.close();
      return outcome;
    },
  };
}

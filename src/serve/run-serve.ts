import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError } from '../errors';
import type { ModelRegistry } from '../registry/types';
import type { Tracer } from '../telemetry/tracing/types';
import { createServeMetrics } from '../telemetry/serve-metrics';
import { createApp } from './app';
import { createExplainThread } from './explain-thread';
import { FeedbackTracker } from './feedback';
import { ModelHolder } from './model-holder';
import { createPredictionLog } from './prediction-log';
import { Refresher, isHopeless } from './refresher';
import { listen } from './server';
import { createDirectorySource, createRegistrySource } from './sources';
import type { ServeSettings } from './context';
import type { ModelSource, RefreshResult } from './refresher';

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
  /**
   * Settles when the first model can never load (the registry says it does not exist): the caller stops
   * the server and reports the error. Never settles once a model has loaded.
   */
  hopeless: Promise<MlctlError>;
  /** Stops accepting, drains requests in flight (bounded), stops refreshing, flushes the prediction log. */
  stop(drainMs: number): Promise<{ cutOff: number }>;
}

/** How long serve waits at start for the registry's first answer before it listens anyway. */
const PREFLIGHT_MS = 2000;

/**
 * `mlctl serve`: listens at once (live, not yet ready), loads the model, then keeps it fresh. A model
 * that does not exist (no such directory; a registry that says no such model, version or alias) is an
 * error before listening. A registry that is unreachable at start leaves the server up and not ready;
 * it keeps trying with backoff.
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
  await preflight(source, options.target, registry === undefined);
  const refresher = new Refresher(holder, source, metrics, deps.logger, {
    intervalSeconds: options.autoRefreshSeconds,
    retrySeconds: 1,
    maxRetrySeconds: Math.min(30, options.autoRefreshSeconds || 30),
  });
  const explainer = createExplainThread();
  const app = createApp({
    holder,
    metrics,
    logger: deps.logger,
    predictionLog,
    feedback: new FeedbackTracker({ maxRequests: 100_000, window: options.feedbackWindow }),
    settings: options,
    explainer,
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
    hopeless: refresher.hopeless,
    async stop(drainMs) {
      refresher.stop();
      const outcome = await server.close(drainMs);
      await explainer.close();
      predictionLog.flush();
      await registry?.close();
      return outcome;
    },
  };
}

/**
 * Fails before listening when the model cannot exist: a directory that is not there, or a URI the
 * registry answers "no such model/version/alias" for within PREFLIGHT_MS. A registry that is slow or
 * down is left to the refresher's retries, so the server still comes up (live, not ready) at once.
 */
async function preflight(source: ModelSource, target: string, isDirectory: boolean): Promise<void> {
  if (isDirectory) {
    const found = await stat(resolve(target)).catch(() => undefined);
    if (found === undefined) {
      throw new MlctlError('INPUT_NOT_FOUND', `model directory ${target} does not exist`, {
        hint: `Pass a directory written by \`mlctl train\` (default .mlctl/model), or a registered model as models:/<name>@<alias> (\`mlctl models list\` shows them).`,
      });
    }
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const answered = source.resolve().then(
    () => undefined,
    (err: unknown) => err,
  );
  const waited = new Promise<undefined>((done) => {
    timer = setTimeout(done, PREFLIGHT_MS, undefined);
  });
  const early = await Promise.race([answered, waited]);
  clearTimeout(timer);
  if (isHopeless(early)) throw early;
}

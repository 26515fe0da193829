import type { Logger } from 'pino';
import { isMlctlError } from '../errors';
import type { MlctlError } from '../errors';
import type { ServeMetrics } from '../telemetry/serve-metrics';
import type { LoadedModel } from './model';
import type { ModelHolder } from './model-holder';

/** Where the served model comes from: a directory, or a registry URI that may move. */
export interface ModelSource {
  /** A directory or a models:/ URI, for logs and health. */
  readonly uri: string;
  /** False when what it points at cannot change by itself (a directory, a pinned version). */
  readonly refreshable: boolean;
  /** A cheap look at what the source points at now: an id that changes when the model does. */
  resolve(): Promise<string>;
  /** Downloads (if needed), verifies and loads the model `resolve` returned. */
  load(resolved: string): Promise<LoadedModel>;
  /** The registry server's version, for health diagnostics. */
  serverVersion?(): Promise<string | undefined>;
}

export type RefreshResult =
  | { result: 'loaded'; version: string; previous?: string }
  | { result: 'unchanged'; version: string }
  | { result: 'failed'; error: string };

export interface RefresherOptions {
  /** Seconds between refreshes once a model is loaded; 0 disables them. */
  intervalSeconds: number;
  /** Seconds before the first retry while no model could be loaded yet; doubled after each failure. */
  retrySeconds: number;
  /** The longest wait between those retries (default 30 s). */
  maxRetrySeconds?: number;
}

/**
 * A failure before any model was loaded that retrying cannot fix: the source says the model does not
 * exist (no such directory, registered model, version or alias — errors that exit 2). `mlctl serve`
 * then stops with that error instead of staying up, not ready, forever.
 */
export function isHopeless(err: unknown): err is MlctlError {
  return isMlctlError(err) && err.exitCode === 2;
}

/**
 * Keeps the holder on the model the source points at. One refresh runs at a time; callers during a
 * refresh share its outcome. A failure keeps the last good model serving and is visible in health
 * (status.last_error) and metrics (ml_model_reloads_total{result="failed"}).
 */
export class Refresher {
  /** Settles with the error when the first model can never load (see isHopeless); refreshing stops. */
  readonly hopeless: Promise<MlctlError>;
  private giveUp: (err: MlctlError) => void = () => undefined;
  private inFlight: Promise<RefreshResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resolvedId: string | undefined;
  private stopped = false;
  /** Failed attempts in a row while no model is loaded: the retry backoff's exponent. */
  private failures = 0;

  constructor(
    private readonly holder: ModelHolder,
    private readonly source: ModelSource,
    private readonly metrics: ServeMetrics,
    private readonly logger: Logger,
    private readonly options: RefresherOptions,
  ) {
    this.hopeless = new Promise((resolve) => {
      this.giveUp = resolve;
    });
  }

  refresh(force = false): Promise<RefreshResult> {
    this.inFlight ??= this.run(force).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Loads the first model (retrying while that fails), then refreshes on the interval. */
  start(): Promise<RefreshResult> {
    const first = this.refresh(true);
    void first.then(() => this.schedule());
    return first;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    const loaded = this.holder.get() !== undefined;
    const seconds = loaded
      ? this.source.refreshable
        ? this.options.intervalSeconds
        : 0
      : this.retryDelaySeconds();
    if (seconds <= 0) return;
    this.timer = setTimeout(() => {
      void this.refresh().then(() => this.schedule());
    }, seconds * 1000);
    this.timer.unref();
  }

  private retryDelaySeconds(): number {
    const exponent = Math.max(0, this.failures - 1);
    return Math.min(this.options.maxRetrySeconds ?? 30, this.options.retrySeconds * 2 ** exponent);
  }

  private async run(force: boolean): Promise<RefreshResult> {
    const status = this.holder.status;
    const started = new Date().toISOString();
    try {
      const id = await this.source.resolve();
      status.reachable = true;
      status.last_refresh = started;
      if (this.source.serverVersion)
        status.server_version = (await this.source.serverVersion().catch(() => undefined)) ?? null;
      const current = this.holder.get();
      if (current && id === this.resolvedId && !force) {
        status.last_error = null;
        this.metrics.reloads.inc({ result: 'unchanged' });
        return { result: 'unchanged', version: current.version };
      }
      const next = await this.source.load(id);
      this.holder.set(next);
      this.resolvedId = id;
      this.failures = 0;
      status.last_error = null;
      this.metrics.reloads.inc({ result: 'loaded' });
      this.logger.info(
        { model: next.name, version: next.version, uri: next.uri, previous: current?.version },
        'model loaded',
      );
      return { result: 'loaded', version: next.version, ...(current ? { previous: current.version } : {}) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = (err as { code?: string }).code;
      if (code === 'REGISTRY_UNAVAILABLE') status.reachable = false;
      status.last_refresh = started;
      status.last_error = message;
      this.metrics.reloads.inc({ result: 'failed' });
      const serving = this.holder.get()?.version ?? null;
      if (serving === null && isHopeless(err)) {
        this.stop();
        this.giveUp(err);
        return { result: 'failed', error: message };
      }
      // One line per attempt, the message and code only: an expected failure (a registry that is down)
      // needs no stack trace, and one every few seconds buries the log. LOG_LEVEL=debug shows it.
      this.logger.debug({ err }, 'model refresh failed: details');
      if (serving === null) {
        this.failures++;
        this.logger.warn(
          {
            uri: this.source.uri,
            error: message,
            code,
            attempt: this.failures,
            retry_in_s: this.retryDelaySeconds(),
          },
          'model not loaded yet; retrying',
        );
      } else {
        this.logger.error(
          { uri: this.source.uri, error: message, code, serving },
          'model refresh failed; still serving the last good model',
        );
      }
      return { result: 'failed', error: message };
    }
  }
}

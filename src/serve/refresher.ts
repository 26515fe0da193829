import type { Logger } from 'pino';
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
  | { result: 'failed'; error: string; cause?: unknown };

export interface RefresherOptions {
  /** Seconds between refreshes once a model is loaded; 0 disables them. */
  intervalSeconds: number;
  /** Seconds between attempts while no model could be loaded yet. */
  retrySeconds: number;
}

/**
 * Keeps the holder on the model the source points at. One refresh runs at a time; callers during a
 * refresh share its outcome. A failure keeps the last good model serving and is visible in health
 * (status.last_error) and metrics (ml_model_reloads_total{result="failed"}).
 */
export class Refresher {
  private inFlight: Promise<RefreshResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resolvedId: string | undefined;
  private stopped = false;

  constructor(
    private readonly holder: ModelHolder,
    private readonly source: ModelSource,
    private readonly metrics: ServeMetrics,
    private readonly logger: Logger,
    private readonly options: RefresherOptions,
  ) {}

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
      : this.options.retrySeconds;
    if (seconds <= 0) return;
    this.timer = setTimeout(() => {
      void this.refresh().then(() => this.schedule());
    }, seconds * 1000);
    this.timer.unref();
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
      status.last_error = null;
      this.metrics.reloads.inc({ result: 'loaded' });
      this.logger.info(
        { model: next.name, version: next.version, uri: next.uri, previous: current?.version },
        'model loaded',
      );
      return { result: 'loaded', version: next.version, ...(current ? { previous: current.version } : {}) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if ((err as { code?: string }).code === 'REGISTRY_UNAVAILABLE') status.reachable = false;
      status.last_refresh = started;
      status.last_error = message;
      this.metrics.reloads.inc({ result: 'failed' });
      this.logger.error(
        { err, uri: this.source.uri, serving: this.holder.get()?.version ?? null },
        'model refresh failed',
      );
      return { result: 'failed', error: message, cause: err };
    }
  }
}

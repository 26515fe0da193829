import type { ServeMetrics } from '../telemetry/serve-metrics';
import type { LoadedModel } from './model';

/** The registry side of health: what the last refresh saw. */
export interface RefreshStatus {
  reachable: boolean | null;
  server_version: string | null;
  last_refresh: string | null;
  last_error: string | null;
}

/**
 * Holds the model being served. A swap replaces one immutable reference: a request takes the model at
 * its start and finishes on it, so requests in flight during a hot swap never see a half-loaded model.
 */
export class ModelHolder {
  private current: LoadedModel | undefined;
  readonly status: RefreshStatus = {
    reachable: null,
    server_version: null,
    last_refresh: null,
    last_error: null,
  };

  constructor(private readonly metrics: ServeMetrics) {}

  get(): LoadedModel | undefined {
    return this.current;
  }

  set(next: LoadedModel): void {
    const previous = this.current;
    this.current = next;
    if (previous) this.metrics.modelInfo.remove(previous.name, previous.version, previous.uri);
    this.metrics.modelInfo.set({ name: next.name, version: next.version, uri: next.uri }, 1);
    this.metrics.modelReady.set(1);
    const accuracy = next.metrics.accuracy;
    if (typeof accuracy === 'number') this.metrics.accuracy.set({ source: 'training' }, accuracy);
    else this.metrics.accuracy.remove('training');
    // A regression model's training error (metrics.json: the test set's, or out-of-bag).
    for (const metric of ['rmse', 'mae'] as const) {
      const value = next.metrics[metric];
      if (typeof value === 'number') this.metrics.modelError.set({ source: 'training', metric }, value);
      else this.metrics.modelError.remove('training', metric);
      // Live error, like live accuracy, belongs to the model that earned it.
      this.metrics.modelError.remove('feedback', metric);
    }
    this.metrics.accuracy.remove('feedback');
  }
}

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FastHistogram, createDeferredCounts } from './fast-metrics';
import type { DeferredCount } from './fast-metrics';

/**
 * The serve metrics of DESIGN.md, on a registry of their own (no global state: every server and every
 * test has its own). Names are a contract with the Prometheus rules, dashboards and canary policies.
 */
export function createServeMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    requests: new Counter({
      name: 'ml_request_count_total',
      help: 'HTTP requests by method, route template and status code.',
      labelNames: ['method', 'path', 'status'] as const,
      registers: [registry],
      collect: (): void => requestCounts.settle(),
    }),
    latency: new FastHistogram(
      'ml_request_latency_seconds',
      'HTTP request latency by method and route template.',
      ['method', 'path'] as const,
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registry,
    ),
    errors: new Counter({
      name: 'ml_request_errors_total',
      help: 'HTTP responses with a 5xx status, by method and route template.',
      labelNames: ['method', 'path'] as const,
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'ml_predictions_total',
      help: 'Predicted rows by model version and predicted class (regression: by model version, no class).',
      labelNames: ['model_version', 'class'] as const,
      registers: [registry],
      collect: (): void => predictionCounts.settle(),
    }),
    modelInfo: new Gauge({
      name: 'ml_model_info',
      help: 'The model being served (value 1).',
      labelNames: ['name', 'version', 'uri'] as const,
      registers: [registry],
    }),
    modelReady: new Gauge({
      name: 'ml_model_ready',
      help: '1 when a model is loaded and requests are served, else 0.',
      registers: [registry],
    }),
    accuracy: new Gauge({
      name: 'ml_model_accuracy',
      help: 'Model accuracy: source="training" from the artifact, source="feedback" live over the recent feedback window.',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    modelError: new Gauge({
      name: 'ml_model_error',
      help: 'Regression model error: source="training" from the artifact (test set), source="feedback" live over the recent feedback window; metric="rmse" or "mae".',
      labelNames: ['source', 'metric'] as const,
      registers: [registry],
    }),
    unknownCategories: new Counter({
      name: 'ml_unknown_category_total',
      help: 'Values of a categorical feature never seen in training, read as missing values, by feature.',
      labelNames: ['feature'] as const,
      registers: [registry],
    }),
    feedback: new Counter({
      name: 'ml_feedback_labels_total',
      help: 'Ground-truth labels received on /feedback, by whether the prediction was correct (regression: no label).',
      labelNames: ['correct'] as const,
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'ml_model_reloads_total',
      help: 'Model (re)load attempts by result: loaded, unchanged, failed.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
  metrics.modelReady.set(0);
  // Increments on the request path are counted in plain numbers and handed to prom-client at each scrape.
  const requestCounts = createDeferredCounts(metrics.requests);
  const predictionCounts = createDeferredCounts(metrics.predictions);
  const predictionsByVersion = new Map<string, Map<string | number, DeferredCount>>();
  return {
    ...metrics,
    /** The ml_request_count_total child of a method, route template and status; keep it. */
    requestCounter(method: string, path: string, status: number): DeferredCount {
      const key = `${method} ${path} ${status}`;
      return requestCounts.get(key) ?? requestCounts.make(key, { method, path, status: String(status) });
    },
    /**
     * Counts a regression model's predicted rows: ml_predictions_total{model_version}, without a class
     * label (a label per predicted value would make a series per number).
     */
    countRows(version: string, rows: number): void {
      const key = `${version}\u0000`;
      (predictionCounts.get(key) ?? predictionCounts.make(key, { model_version: version })).inc(rows);
    },
    /** Counts one prediction per label: ml_predictions_total{model_version, class}. */
    countPredictions(version: string, labels: ReadonlyArray<string | number>): void {
      // By version, then by label as given: no key string is built per prediction.
      let byLabel = predictionsByVersion.get(version);
      if (byLabel === undefined) {
        byLabel = new Map();
        predictionsByVersion.set(version, byLabel);
      }
      for (const label of labels) {
        let child = byLabel.get(label);
        if (child === undefined) {
          const key = `${version}\u0000${label}`;
          child =
            predictionCounts.get(key) ??
            predictionCounts.make(key, { model_version: version, class: String(label) });
          byLabel.set(label, child);
        }
        child.inc();
      }
    },
  };
}

export type ServeMetrics = ReturnType<typeof createServeMetrics>;

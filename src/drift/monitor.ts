import type { Logger } from 'pino';
import type { DriftMetrics } from './metrics';
import type { DriftResult } from './run-drift';

/** The latest completed run, kept until a newer one completes. */
export interface LatestRun {
  result: DriftResult;
  html: string;
  /** Unix ms when it finished. */
  finishedAt: number;
}

export interface MonitorState {
  startedAt: number;
  running: boolean;
  latest?: LatestRun;
  lastError?: { at: number; message: string };
}

export interface DriftMonitor {
  readonly metrics: DriftMetrics;
  /** Runs now unless a run is in progress; resolves when it is done. Never rejects: failures are recorded. */
  runOnce(): Promise<'done' | 'busy'>;
  /** Starts a run in the background; `busy` when one is already running. */
  trigger(): 'started' | 'busy';
  /** Runs immediately, then `intervalMs` after each run finishes. */
  start(): void;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
  state(): MonitorState;
}

export interface MonitorDeps {
  evaluate: () => Promise<DriftResult>;
  render: (result: DriftResult) => Promise<string>;
  metrics: DriftMetrics;
  logger: Logger;
  intervalMs: number;
  now?: () => number;
}

/**
 * Runs drift on an interval, one run at a time. A failing run keeps the previous results (and their
 * metrics) and is counted in ml_drift_runs_total{result="error"}; only successes move the timestamp.
 */
export function createDriftMonitor(deps: MonitorDeps): DriftMonitor {
  const now = deps.now ?? Date.now;
  const state: MonitorState = { startedAt: now(), running: false };
  let current: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function execute(): Promise<void> {
    state.running = true;
    const started = now();
    try {
      const result = await deps.evaluate();
      const html = await deps.render(result);
      const finishedAt = now();
      state.latest = { result, html, finishedAt };
      deps.metrics.recordRun(result, finishedAt);
      deps.logger.info(
        {
          status: result.status,
          drift_share: result.drift_share,
          rows: result.current.rows,
          ms: finishedAt - started,
        },
        'drift run finished',
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      state.lastError = { at: now(), message };
      deps.metrics.recordFailure();
      deps.logger.error({ err: message }, 'drift run failed; keeping the previous results');
    } finally {
      state.running = false;
    }
  }

  function begin(): Promise<void> {
    current = execute().finally(() => {
      current = undefined;
    });
    return current;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      const run = current ?? begin();
      void run.then(() => schedule(deps.intervalMs));
    }, delay);
  }

  return {
    metrics: deps.metrics,
    async runOnce() {
      if (current) return 'busy';
      await begin();
      return 'done';
    },
    trigger() {
      if (current) return 'busy';
      void begin();
      return 'started';
    },
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current;
    },
    state: () => state,
  };
}

import pino from 'pino';
import type { Logger } from 'pino';

/**
 * Writes prediction and feedback events (docs/PREDICTION-LOG.md) as pino JSON lines: to stdout for the
 * log pipeline (Loki), and appended to a local JSONL file when asked. Writes are asynchronous and
 * buffered for at most `flushIntervalMs`; `flush()` at shutdown loses nothing.
 */
export interface PredictionLog {
  prediction(event: {
    requestId: string;
    model: { name: string; version: string; uri: string };
    featureNames: readonly string[];
    features: number[][];
    predictions: ReadonlyArray<string | number>;
  }): void;
  feedback(event: {
    requestId?: string;
    model: { name: string; version: string; uri: string };
    labels: ReadonlyArray<string | number>;
    correct: number;
  }): void;
  flush(): void;
}

export interface PredictionLogOptions {
  /** Also append to this JSONL file. */
  path?: string;
  /** Write to stdout (default true); tests and benchmarks may turn it off. */
  stdout?: boolean | NodeJS.WritableStream;
  /** Longest time an event may wait in the write buffer, in ms (default 1000). */
  flushIntervalMs?: number;
}

export function createPredictionLog(options: PredictionLogOptions): PredictionLog {
  // pino.DestinationStream covers both sonic-boom files and plain writable streams.
  const destinations: Array<{
    stream: pino.DestinationStream & { flushSync?: () => void; flush?: () => void };
  }> = [];
  if (options.stdout !== false) {
    destinations.push({
      stream:
        typeof options.stdout === 'object'
          ? options.stdout
          : pino.destination({ fd: 1, sync: false, minLength: 4096 }),
    });
  }
  if (options.path) {
    destinations.push({
      stream: pino.destination({
        dest: options.path,
        append: true,
        mkdir: true,
        sync: false,
        minLength: 4096,
      }),
    });
  }
  const logger: Logger = pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // One destination is written directly: multistream's fan-out costs on every line.
    destinations.length === 1
      ? (destinations[0] as { stream: pino.DestinationStream }).stream
      : pino.multistream(destinations),
  );
  // Writes are batched in 4 KB for throughput; without a timer a quiet server would hold its last
  // events until shutdown, where `mlctl drift` on the file (or Promtail on stdout) cannot see them.
  let pending = false;
  const timer = setInterval(() => {
    if (!pending) return;
    pending = false;
    for (const d of destinations) {
      try {
        d.stream.flush?.();
      } catch {
        // A destination that failed to open reports it on its own stream.
      }
    }
  }, options.flushIntervalMs ?? 1000);
  timer.unref();
  return {
    prediction(e) {
      pending = true;
      logger.info(
        {
          event: 'prediction',
          request_id: e.requestId,
          model: e.model,
          feature_names: e.featureNames,
          features: e.features,
          predictions: e.predictions,
        },
        'prediction',
      );
    },
    feedback(e) {
      pending = true;
      logger.info(
        { event: 'feedback', request_id: e.requestId, model: e.model, labels: e.labels, correct: e.correct },
        'feedback',
      );
    },
    flush() {
      clearInterval(timer);
      for (const d of destinations) {
        try {
          d.stream.flushSync?.();
        } catch {
          // A destination that never opened has nothing buffered.
        }
      }
    },
  };
}

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlctlError } from '../../errors';
import type { ErrorCode } from '../../errors';
import { mergeSides } from '../values/column-side';
import type { ColumnSide } from '../values/column-side';
import type { SpillDir } from '../values/spill';
import type { CurrentColumns } from './current';
import type { LogWorkerInput, LogWorkerOutput } from './log-worker';
import { emptyLogStats } from './prediction-log';
import type { LogStats } from './prediction-log';

/** Logs smaller than this are read on one thread: starting workers would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

/** Threads for a log of `size` bytes: the setting when given, else the CPUs (at most 4) for large logs. */
export function logThreads(size: number, setting: number | undefined): number {
  if (setting !== undefined) return setting;
  return size >= PARALLEL_MIN_BYTES ? Math.min(4, availableParallelism()) : 1;
}

type WorkerResult = Extract<LogWorkerOutput, { stats: LogStats }>;

/**
 * Reads a JSONL prediction log on several threads: each reads the lines that start in its byte range and
 * sorts its own runs (spilling into the shared directory past its share of the budget); the runs are
 * merged when the columns are compared. Same result as one thread. Not used with --max-rows, which needs
 * the rows in order. Undefined when the worker is not built (running from the TS sources).
 */
export async function readLogParallel(
  path: string,
  size: number,
  threads: number,
  columns: CurrentColumns,
  budget: { capacity: number; spill: SpillDir },
): Promise<{ sides: Map<string, ColumnSide>; stats: LogStats } | undefined> {
  const script = join(__dirname, 'log-worker.js');
  if (!existsSync(script)) return undefined;
  const step = Math.ceil(size / threads);
  const capacity = Math.max(4096, Math.floor(budget.capacity / threads));
  const spillDir = budget.spill.path();
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) =>
      runWorker(script, {
        path,
        start: i * step,
        end: Math.min(size, (i + 1) * step),
        columns,
        capacity,
        spillDir,
        prefix: `w${i}`,
      }),
    ),
  );
  const stats = emptyLogStats();
  for (const part of parts) {
    for (const key of Object.keys(stats) as Array<keyof LogStats>) stats[key] += part.stats[key];
  }
  const sides = new Map<string, ColumnSide>();
  (parts[0]?.sides ?? []).forEach((side, c) =>
    sides.set(side.name, mergeSides(parts.map((p) => p.sides[c]!))),
  );
  return { sides, stats };
}

function runWorker(script: string, input: LogWorkerInput): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    // A small young generation: the worker allocates little that lives, and each MB of it is RSS.
    const worker = new Worker(script, { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    worker.once('message', (out: LogWorkerOutput) => {
      void worker.terminate();
      if ('error' in out) {
        reject(
          new MlctlError((out.error.code ?? 'INTERNAL') as ErrorCode, out.error.message, {
            hint: out.error.hint,
          }),
        );
      } else resolve(out);
    });
    worker.once('error', reject);
  });
}

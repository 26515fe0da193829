import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlctlError } from '../errors';
import type { CsvChunk } from './csv-chunks';

/** Turns a chunk of CSV into output text and counts; built in each thread from the same job. */
export interface ChunkScorer<R> {
  score(chunk: CsvChunk): R;
}

/** What a thread needs to build a scorer: a compiled module exporting `createChunkScorer(job)`. */
export interface ScorerSpec {
  /** Absolute path of the scorer module (its compiled .js beside this file when running from dist/). */
  module: string;
  /** Plain data (structured-cloneable; SharedArrayBuffers are shared, not copied). */
  job: unknown;
}

/** The message a batch worker gets in `workerData`. */
export type BatchWorkerData = ScorerSpec;

export interface RunChunksOptions<R> {
  threads: number;
  /** Asked for when the first chunk is ready (the job may depend on the file's header). */
  scorer: () => ScorerSpec;
  /** The same scorer on this thread (one thread, or when the worker script is not built). */
  inline: () => ChunkScorer<R>;
  /** Worker script; default batch-worker.js beside this module. */
  workerScript?: string;
}

/**
 * Scores CSV chunks on `threads` worker threads and hands the results to `deliver` in chunk order, one
 * at a time (it may await: a slow output slows the reading). Each worker takes the next chunk as soon as
 * it is free; results that finish early wait for their turn, and no more than two per thread are kept
 * waiting. `deliver` returning false stops everything (a fatal defect). With one thread the chunks are
 * scored here, by the same code, so the output does not depend on the thread count. Returns the
 * threads used.
 */
export async function runChunks<R>(
  chunks: AsyncIterable<CsvChunk>,
  options: RunChunksOptions<R>,
  deliver: (result: R) => Promise<boolean>,
): Promise<number> {
  const script = options.workerScript ?? join(__dirname, 'batch-worker.js');
  if (options.threads <= 1 || !existsSync(script)) {
    let scorer: ChunkScorer<R> | undefined;
    for await (const chunk of chunks) {
      scorer ??= options.inline();
      if (!(await deliver(scorer.score(chunk)))) break;
    }
    return 1;
  }
  const workers: Worker[] = [];
  try {
    await runOnWorkers(chunks, options, script, workers, deliver);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return options.threads;
}

async function runOnWorkers<R>(
  chunks: AsyncIterable<CsvChunk>,
  options: RunChunksOptions<R>,
  script: string,
  workers: Worker[],
  deliver: (result: R) => Promise<boolean>,
): Promise<void> {
  const idle: Worker[] = [];
  const finished = new Map<number, R>();
  let nextToDeliver = 0;
  let sent = 0;
  let failure: unknown;
  let stopped = false;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const start = (): void => {
    const spec: BatchWorkerData = options.scorer();
    for (let i = 0; i < options.threads; i++) startWorker(spec);
  };
  const startWorker = (spec: BatchWorkerData): void => {
    const worker = new Worker(script, { workerData: spec });
    worker.on('message', (reply: { seq: number; result: R }) => {
      finished.set(reply.seq, reply.result);
      idle.push(worker);
      signal();
    });
    const fail = (err: unknown): void => {
      failure ??= err;
      signal();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0 && !stopped) fail(new Error(`worker exited with code ${code}`));
    });
    workers.push(worker);
    idle.push(worker);
  };
  const flush = async (): Promise<void> => {
    for (let r = finished.get(nextToDeliver); r !== undefined; r = finished.get(nextToDeliver)) {
      finished.delete(nextToDeliver++);
      if (!(await deliver(r))) {
        stopped = true;
        return;
      }
    }
  };
  const waitFor = async (ready: () => boolean): Promise<void> => {
    for (;;) {
      await flush();
      if (stopped || ready()) return;
      if (failure !== undefined) throw workerFailure(failure);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  for await (const chunk of chunks) {
    if (workers.length === 0) start();
    await waitFor(() => idle.length > 0 && finished.size < 2 * options.threads);
    if (stopped) return;
    const worker = idle.shift() as Worker;
    const buffer = chunk.bytes.buffer as ArrayBuffer;
    worker.postMessage(chunk, [buffer]);
    sent++;
  }
  await waitFor(() => nextToDeliver === sent);
}

function workerFailure(err: unknown): MlctlError {
  return new MlctlError(
    'WORKER_FAILED',
    `a scoring worker failed: ${err instanceof Error ? err.message : String(err)}`,
    {
      hint: 'If memory ran out, score with fewer --threads; otherwise rerun with LOG_LEVEL=debug and report it.',
      cause: err,
    },
  );
}

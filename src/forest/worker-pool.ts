import { Worker } from 'node:worker_threads';
import { MlctlError } from '../errors';
import type { TreeJob } from './forest';
import type { GrownTree } from './tree';

/** Messages between the pool and `train-worker.js`. */
export type WorkerRequest = { tree: number } | { stop: true };
export interface WorkerReply {
  tree: number;
  result: GrownTree;
}

/**
 * Grows trees 0..nEstimators-1 on `threads` workers, handing each worker the next tree as soon as it
 * returns one (trees differ in size, so static shares would leave threads idle). The features and
 * labels live in SharedArrayBuffers: every worker reads the same memory.
 */
export async function runTreeWorkers(
  script: string,
  job: TreeJob,
  threads: number,
  accept: (tree: number, result: GrownTree) => void,
): Promise<void> {
  const total = job.params.nEstimators;
  let next = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        reject(
          new MlctlError(
            'WORKER_FAILED',
            `a training worker failed: ${err instanceof Error ? err.message : String(err)}`,
            {
              hint: 'If memory ran out, train with fewer --threads or on fewer rows; otherwise rerun with LOG_LEVEL=debug and report it.',
              cause: err,
            },
          ),
        );
      };
      const feed = (worker: Worker): void => {
        if (next < total) {
          worker.postMessage({ tree: next++ } satisfies WorkerRequest);
          return;
        }
        worker.postMessage({ stop: true } satisfies WorkerRequest);
        if (--running === 0) resolve();
      };
      for (let w = 0; w < threads; w++) {
        const worker = new Worker(script, { workerData: job });
        workers.push(worker);
        running++;
        worker.on('message', (reply: WorkerReply) => {
          if (failed) return;
          try {
            accept(reply.tree, reply.result);
          } catch (err) {
            fail(err);
            return;
          }
          feed(worker);
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`worker exited with code ${code}`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { BatchWorkerData, BatchWorkerMessage, ChunkScorer } from './pool';

// Entry point of a batch scoring thread (pool.ts starts it from the compiled dist/ file): loads the
// scorer module at once (it may start before its job is known), builds the scorer from the first
// message, the job, then scores each chunk it is sent and replies with the result.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const { module } = workerData as BatchWorkerData;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createChunkScorer } = require(module) as {
    createChunkScorer: (job: unknown) => ChunkScorer<unknown>;
  };
  let scorer: ChunkScorer<unknown> | undefined;
  port.on('message', (message: BatchWorkerMessage) => {
    if ('job' in message) scorer = createChunkScorer(message.job);
    else port.postMessage({ seq: message.seq, result: (scorer as ChunkScorer<unknown>).score(message) });
  });
}

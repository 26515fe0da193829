import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { CsvChunk } from './csv-chunks';
import type { BatchWorkerData, ChunkScorer } from './pool';

// Entry point of a batch scoring thread (pool.ts starts it from the compiled dist/ file): builds the
// scorer its job names once, then scores each chunk it is sent and replies with the result.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const { module, job } = workerData as BatchWorkerData;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createChunkScorer } = require(module) as {
    createChunkScorer: (job: unknown) => ChunkScorer<unknown>;
  };
  const scorer = createChunkScorer(job);
  port.on('message', (chunk: CsvChunk) => {
    port.postMessage({ seq: chunk.seq, result: scorer.score(chunk) });
  });
}

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { growTree } from './tree';
import type { TreeScratch } from './tree';
import type { TreeJob } from './forest';
import type { WorkerReply, WorkerRequest } from './worker-pool';

// Entry point of a training thread (worker-pool.ts starts it from the compiled dist/ file).
if (!isMainThread && parentPort) {
  const port = parentPort;
  const job = workerData as TreeJob;
  const scratch: TreeScratch = {};
  port.on('message', (request: WorkerRequest) => {
    if ('stop' in request) {
      port.close();
      return;
    }
    const result = growTree(job.data, job.target, job.params, job.params.seed, request.tree, scratch);
    const transfer = [
      result.feature,
      result.threshold,
      result.left,
      result.right,
      result.value,
      result.cover,
      result.flags,
      result.categoryBits,
      result.oobRows,
      result.rowLeaves,
    ].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
    port.postMessage({ tree: request.tree, result } satisfies WorkerReply, transfer);
  });
}

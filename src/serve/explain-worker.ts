import { isMainThread, parentPort } from 'node:worker_threads';
import { ExplainRunner } from './explain-jobs';
import type { ExplainJob, ExplainReply } from './explain-jobs';

// Entry point of serve's explanation thread (explain-thread.ts starts it from the compiled dist/ file):
// explains each job in the order it arrives and sends its arrays back (transferred, not copied). A job
// that throws is answered with its error; the thread goes on with the next one.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const runner = new ExplainRunner();
  port.on('message', (job: ExplainJob) => {
    let result;
    try {
      result = runner.run(job);
    } catch (err) {
      port.postMessage({
        id: job.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies ExplainReply);
      return;
    }
    const { predicted, outputs, expected, values } = result;
    port.postMessage({ id: job.id, result } satisfies ExplainReply, [
      predicted.buffer as ArrayBuffer,
      outputs.buffer as ArrayBuffer,
      expected.buffer as ArrayBuffer,
      values.buffer as ArrayBuffer,
    ]);
  });
}

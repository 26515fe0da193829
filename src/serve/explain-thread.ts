import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlctlError } from '../errors';
import type { ClassLabel, SharedPredictor } from '../forest/predictor';
import type { ExplainMethod, RowExplanation } from '../forest/shap-rows';
import type { ExplainJob, ExplainReply, ExplainedRows } from './explain-jobs';
import type { ServableModel } from './model';

export interface ExplainOptions {
  allClasses: boolean;
  method: ExplainMethod;
}

/** Explains the rows of /explain requests away from the event loop that answers every other request. */
export interface Explainer {
  /**
   * The explanations of decoded rows by this model (the request's: a hot swap meanwhile changes nothing).
   * Rejects with WORKER_FAILED (500) when the thread fails; the next call starts a new one.
   */
  explain(
    model: ServableModel,
    rows: ReadonlyArray<ArrayLike<number>>,
    options: ExplainOptions,
  ): Promise<RowExplanation[]>;
  /** Stops the thread; requests still queued fail. */
  close(): Promise<void>;
}

export interface ExplainThreadOptions {
  /** The compiled thread script; default explain-worker.js beside this module (dist/). */
  workerScript?: string;
}

/**
 * One explanation thread for the server, started at the first /explain (a server that never explains
 * never starts it). Requests queue on it in arrival order: TreeSHAP of a deep forest is CPU-bound, so a
 * second thread would only share the same cores with the event loop. The model's forest is posted with
 * each request on shared memory (nothing is copied); the thread keeps its explainers per forest.
 */
export function createExplainThread(options: ExplainThreadOptions = {}): Explainer {
  return new ExplainThread(options.workerScript ?? join(__dirname, 'explain-worker.js'));
}

interface Pending {
  resolve: (result: ExplainedRows) => void;
  reject: (error: MlctlError) => void;
}

class ExplainThread implements Explainer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** A number per forest for the thread's cache (a WeakMap: a swapped-out model is not kept alive). */
  private readonly keys = new WeakMap<SharedPredictor, number>();
  private nextKey = 0;
  private closed = false;

  constructor(private readonly script: string) {}

  async explain(
    model: ServableModel,
    rows: ReadonlyArray<ArrayLike<number>>,
    options: ExplainOptions,
  ): Promise<RowExplanation[]> {
    // A model that is no compiled forest (the tests' hand-made ones) explains itself, here.
    if (model.forest === undefined) return rows.map((row) => model.explain(row, options));
    const { forest } = model;
    const d = forest.features.length;
    const block = new Float64Array(rows.length * d);
    rows.forEach((row, k) => block.set(row, k * d));
    let key = this.keys.get(forest);
    if (key === undefined) this.keys.set(forest, (key = this.nextKey++));
    const job: ExplainJob = {
      id: this.nextId++,
      model: key,
      forest,
      rows: block,
      n: rows.length,
      ...options,
    };
    const result = await new Promise<ExplainedRows>((resolve, reject) => {
      if (this.closed) {
        reject(stopping());
        return;
      }
      let worker: Worker;
      try {
        worker = this.start();
      } catch (err) {
        reject(failed(`the explanation thread could not start: ${(err as Error).message}`));
        return;
      }
      this.pending.set(job.id, { resolve, reject });
      // Referenced only while it has work: an idle thread never keeps the process alive.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage(job, [block.buffer]);
    });
    return unpack(forest, result, rows.length);
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll(stopping());
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (reply: ExplainReply) => {
      const job = this.pending.get(reply.id);
      if (job === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) job.reject(failed(`explaining the rows failed: ${reply.error}`));
      else job.resolve(reply.result);
    });
    // A thread that dies (out of memory, a crash) fails what it had queued; the next request starts anew.
    const fail = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.rejectAll(failed(`the explanation thread stopped: ${why}`));
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('messageerror', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`it exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private rejectAll(error: MlctlError): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(error);
  }
}

/** A job's flat arrays as one RowExplanation per row (views, not copies). */
function unpack(forest: SharedPredictor, r: ExplainedRows, n: number): RowExplanation[] {
  const K = r.outputs.length / n;
  const O = r.expected.length / n;
  const dO = r.values.length / n;
  const explanations: RowExplanation[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const predicted = r.predicted[k] as number;
    const outputs = r.outputs.subarray(k * K, k * K + K);
    explanations[k] = {
      prediction:
        forest.task === 'regression' ? (outputs[0] as number) : (forest.classes[predicted] as ClassLabel),
      predicted,
      outputs,
      expected: r.expected.subarray(k * O, k * O + O),
      shap: r.values.subarray(k * dO, k * dO + dO),
    };
  }
  return explanations;
}

function failed(message: string): MlctlError {
  return new MlctlError(
    'WORKER_FAILED',
    `${message}; the server goes on, and the next /explain starts a new thread`,
    {
      hint: 'If memory ran out, send fewer rows per /explain (EXPLAIN_MAX_ROWS) or give the server more memory; otherwise report it with the request id.',
    },
  );
}

function stopping(): MlctlError {
  return new MlctlError('MODEL_NOT_READY', 'the server is stopping; explanations are no longer taken', {
    hint: 'Send the request again to a running server',
  });
}

import { parentPort, workerData } from 'node:worker_threads';
import { isMlctlError } from '../../errors';
import { ColumnAccumulator } from '../values/column-side';
import type { ColumnSide } from '../values/column-side';
import { SpillDir } from '../values/spill';
import type { CurrentColumns } from './current';
import { PredictionRows } from './prediction-log';
import { readLines } from './read-lines';
import type { LogStats } from './prediction-log';

/** One byte range of a prediction log for a worker thread to read. */
export interface LogWorkerInput {
  path: string;
  start: number;
  end: number;
  columns: CurrentColumns;
  /** Numbers buffered per column before a sorted run is spilled into `spillDir`. */
  capacity: number;
  spillDir: string;
  /** File name prefix in the shared spill directory. */
  prefix: string;
}

export type LogWorkerOutput =
  { stats: LogStats; sides: ColumnSide[] } | { error: { code?: string; message: string; hint?: string } };

async function main(input: LogWorkerInput): Promise<void> {
  const budget = {
    capacity: input.capacity,
    spill: new SpillDir({ existing: input.spillDir, prefix: input.prefix }),
  };
  const features = input.columns.features.map((name) => new ColumnAccumulator(name, budget));
  const prediction = input.columns.prediction
    ? new ColumnAccumulator(input.columns.prediction, budget)
    : undefined;
  const reader = new PredictionRows(features, input.columns.featureOrder, prediction);
  await readLines(input.path, 'current data', (buf, s, e) => reader.bytes(buf, s, e), input);
  // Sorting happens here, in parallel; the main thread only merges sorted runs.
  const sides = [...features, ...(prediction ? [prediction] : [])].map((a) => a.finish());
  const transfer = sides.flatMap((side) =>
    side.numbers.runs.flatMap((run) => (run.kind === 'memory' ? [run.data.buffer as ArrayBuffer] : [])),
  );
  const output: LogWorkerOutput = { stats: reader.stats, sides };
  parentPort!.postMessage(output, transfer);
}

main(workerData as LogWorkerInput).catch((err: unknown) => {
  const output: LogWorkerOutput = {
    error: isMlctlError(err)
      ? { code: err.code, message: err.message, hint: err.hint }
      : { message: err instanceof Error ? err.message : String(err) },
  };
  parentPort!.postMessage(output);
});

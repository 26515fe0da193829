import { parentPort, workerData } from 'node:worker_threads';
import { isMlctlError } from '../../errors';
import { ColumnBuilder, buildTable } from '../table';
import type { TableColumn } from '../table';
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
}

export type LogWorkerOutput =
  | { stats: LogStats; rows: number; columns: TableColumn[] }
  | { error: { code?: string; message: string; hint?: string } };

async function main(input: LogWorkerInput): Promise<void> {
  const features = input.columns.features.map((c) => new ColumnBuilder(c.name, c.kind));
  const prediction = input.columns.prediction
    ? new ColumnBuilder(input.columns.prediction.name, input.columns.prediction.kind)
    : undefined;
  const reader = new PredictionRows(features, input.columns.featureOrder, prediction);
  await readLines(input.path, 'current data', (buf, s, e) => reader.bytes(buf, s, e), input);
  // Sorting happens here too, in parallel; the main thread only merges sorted runs.
  const table = buildTable(prediction ? [...features, prediction] : features);
  const columns = [...table.columns.values()];
  const transfer = columns.flatMap((c) => (c.sample.kind === 'numerical' ? [c.sample.sorted.buffer] : []));
  const output: LogWorkerOutput = { stats: reader.stats, rows: table.rows, columns };
  parentPort!.postMessage(output, transfer as ArrayBuffer[]);
}

main(workerData as LogWorkerInput).catch((err: unknown) => {
  const output: LogWorkerOutput = {
    error: isMlctlError(err)
      ? { code: err.code, message: err.message, hint: err.hint }
      : { message: err instanceof Error ? err.message : String(err) },
  };
  parentPort!.postMessage(output);
});

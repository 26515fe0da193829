import { stat } from 'node:fs/promises';
import { MlctlError, fromFsError } from '../errors';
import type { TextSink } from '../commands/predict/sink';
import { readCsvChunks } from './csv-chunks';
import { runChunks } from './pool';
import type { ChunkScorer } from './pool';
import type { RowsSpec } from './rows-block';
import { batchThreads, createProblems, withHeader } from './run-helpers';

/** What every chunk result of a batch carries besides its own counts. */
export interface BatchChunkResult {
  text: string;
  rows: number;
  unknown: Record<string, number>;
  problems: string[];
  problemCount: number;
  fatal: boolean;
}

export interface BatchOptions<J extends RowsSpec, R extends BatchChunkResult> {
  /** The CSV's path, and its name as the user gave it (for messages). */
  dataPath: string;
  data: string;
  sink: TextSink;
  /** Feature f is the header field at `index[f]`; throws when columns are missing. */
  matchColumns: (header: string[]) => number[];
  /** The job of every thread, from the columns and encoding. */
  job: (rows: Omit<RowsSpec, never>) => J;
  /** The scorer module (compiled) and the same scorer for this thread. */
  scorerModule: string;
  createScorer: (job: J) => ChunkScorer<R>;
  /** The output's first line, from the input's header fields (CSV output), if any. */
  headerLine?: (fields: string[]) => string;
  rowsSpec: Omit<RowsSpec, 'layout' | 'headerLength' | 'index'>;
  threads?: number;
  /** The chunk size for a file of `size` bytes read by `threads` threads. */
  chunkBytes: (size: number, threads: number) => number;
  /** Below this file size one thread (default: batchThreads'). */
  parallelFromBytes?: number;
  /** Each result in file order, before its text is written (not called once a problem is found). */
  onResult: (result: R) => void;
  /** The hint of the INPUT_INVALID error. */
  hint: string;
  /** What stopped, for the error: e.g. "predictions stopped". */
  stopped: string;
}

/**
 * One pass of a batch command over a CSV (`mlctl predict`, `mlctl explain`): chunks scored on worker
 * threads, their text written in file order, every problem collected. A bad row stops the output and
 * the run fails with every problem found (INPUT_INVALID); the sink leaves nothing behind then.
 */
export async function runBatch<J extends RowsSpec, R extends BatchChunkResult>(
  options: BatchOptions<J, R>,
): Promise<{ rows: number; threads: number; unknown: Record<string, number> }> {
  const { sink } = options;
  const problems = createProblems();
  const unknown: Record<string, number> = {};
  let rows = 0;
  try {
    const size = (await stat(options.dataPath)).size;
    const threads = batchThreads(options.threads, size, options.parallelFromBytes);
    let job: J | undefined;
    const chunks = readCsvChunks(options.dataPath, options.chunkBytes(size, threads), (layout) => {
      if (layout.header === undefined) return;
      const header = layout.header.map((f) => f.trim());
      job = options.job({
        ...options.rowsSpec,
        layout,
        headerLength: header.length,
        index: options.matchColumns(header),
      });
    });
    const used = await runChunks<R>(
      withHeader(chunks, async () => {
        if (options.headerLine && job)
          await sink.write(`${options.headerLine(job.layout.header as string[])}\n`);
      }),
      {
        threads,
        scorer: () => ({ module: options.scorerModule, job }),
        inline: () => options.createScorer(job as J),
      },
      async (r) => {
        for (const [feature, n] of Object.entries(r.unknown)) unknown[feature] = (unknown[feature] ?? 0) + n;
        problems.add(r.problems, r.problemCount);
        if (problems.count > 0) return !r.fatal;
        rows += r.rows;
        options.onResult(r);
        if (r.text !== '') await sink.write(r.text);
        return true;
      },
    );
    if (job === undefined && problems.count === 0) problems.add(['the file is empty: no header'], 1);
    if (problems.count > 0) {
      throw new MlctlError(
        'INPUT_INVALID',
        `${options.data}: ${problems.count} problem${problems.count === 1 ? '' : 's'}; ${options.stopped}`,
        { problems: problems.list(), hint: options.hint, location: { file: options.data } },
      );
    }
    await sink.commit();
    return { rows, threads: used, unknown };
  } catch (err) {
    await sink.abort();
    const fsError = !(err instanceof MlctlError) && typeof (err as NodeJS.ErrnoException).code === 'string';
    throw fsError ? fromFsError(err, 'data file', options.data) : err;
  }
}

import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { MAX_PROBLEMS } from './rows-block';
import type { CsvChunk } from './csv-chunks';

/**
 * Threads for a batch over a file of `size` bytes: the setting when given; else every core once the
 * file holds at least `minBytes` (below that, starting workers costs more than they save), else one.
 */
export function batchThreads(setting: number | undefined, size: number, minBytes = 4 << 20): number {
  if (setting !== undefined) return setting;
  return size >= minBytes ? availableParallelism() : 1;
}

/** The problems of a batch, in file order: every one counted, the first ten kept. */
export function createProblems(): {
  add(texts: readonly string[], count: number): void;
  readonly count: number;
  list(): string[];
} {
  const kept: string[] = [];
  let count = 0;
  return {
    add(texts, n) {
      for (const t of texts) if (kept.length < MAX_PROBLEMS) kept.push(t);
      count += n;
    },
    get count() {
      return count;
    },
    list() {
      return count > kept.length ? [...kept, `… and ${count - kept.length} more`] : [...kept];
    },
  };
}

/** The chunks, after `first` has run (the header is known by then: write it before any row). */
export async function* withHeader(
  chunks: AsyncIterable<CsvChunk>,
  first: () => Promise<void>,
): AsyncGenerator<CsvChunk> {
  let started = false;
  for await (const chunk of chunks) {
    if (!started) {
      started = true;
      await first();
    }
    yield chunk;
  }
}

/** The hint of a batch's INPUT_INVALID error: how predict and explain read a row. */
export const ROW_HINT =
  'Numeric features take decimal numbers, categorical ones their text; an empty cell is a missing value.';

/** One warning per feature whose categories were not seen in training (read as missing values). */
export function warnUnknownCategories(logger: Logger, unknown: Record<string, number>): void {
  for (const [feature, count] of Object.entries(unknown))
    logger.warn({ feature, count }, 'categories not seen in training, read as missing values');
}

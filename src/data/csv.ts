import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import type { CsvError } from 'csv-parse';

/** One parsed record and the (1-based) line it ends on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Something that made part of the file unreadable as CSV. */
export interface CsvDefect {
  kind: 'unparseable' | 'binary';
  /** First line of the defect (1-based). */
  line: number;
  message: string;
  /** True when nothing after the defect could be read. */
  fatal: boolean;
}

export interface CsvReadOptions {
  /** Called for every defect, as it is found. */
  onDefect: (defect: CsvDefect) => void;
  /** A record longer than this (characters) is a defect: an unterminated quote would otherwise buffer the whole file. */
  maxRecordSize?: number;
}

export const DEFAULT_MAX_RECORD_SIZE = 1 << 20;

const CSV_ERROR_TEXT: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated quoted field (a `"` is never closed)',
  CSV_INVALID_CLOSING_QUOTE: 'characters after a closing quote',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'characters after a closing quote',
  CSV_MAX_RECORD_SIZE: 'a record longer than the limit, most likely an unterminated quote',
};

/** What a csv-parse error code means, in the words mlctl reports it with. */
export function csvErrorText(code: string): string | undefined {
  return CSV_ERROR_TEXT[code];
}

export interface CsvReadHandlers extends CsvReadOptions {
  /** Called synchronously for every record, in file order. `fields` is not reused after the call. */
  onRecord: (fields: string[], line: number) => void;
}

/**
 * Streams a CSV file record by record (UTF-8, optional BOM, LF or CRLF, blank lines skipped, ragged rows
 * passed through for the caller to judge). Memory stays flat: nothing is kept after a record is handled.
 * Records go to a synchronous callback rather than an async iterator: one promise per record would
 * cost more than parsing it. Unreadable parts are reported through `onDefect`; the read goes on where
 * the parser can. Resolves when the file is done; rejects on an I/O error.
 */
export function readCsv(path: string, handlers: CsvReadHandlers): Promise<void> {
  return startCsv(path, handlers).done;
}

interface CsvReading {
  done: Promise<void>;
  pause(): void;
  resume(): void;
}

function startCsv(path: string, handlers: CsvReadHandlers): CsvReading {
  const maxRecordSize = handlers.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE;
  let lastLine = 0;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordSize,
    on_skip: (err: CsvError | undefined) => {
      const code = err?.code ?? 'CSV_UNKNOWN_ERROR';
      const text = CSV_ERROR_TEXT[code] ?? err?.message ?? 'unreadable record';
      const fatal = code === 'CSV_QUOTE_NOT_CLOSED' || code === 'CSV_MAX_RECORD_SIZE';
      handlers.onDefect({
        kind: 'unparseable',
        line: lastLine + 1,
        message: fatal ? `${text}; the rest of the file (to line ${err?.lines ?? '?'}) was not checked` : text,
        fatal,
      });
      return undefined;
    },
  });
  const source = createReadStream(path);
  const guard = createTextGuard((defect) => {
    handlers.onDefect(defect);
    // Binary content: stop reading the file, what follows is not CSV.
    source.unpipe(guard);
    source.destroy();
  });
  const done = new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      parser.destroy();
      reject(err);
    };
    source.on('error', fail);
    guard.on('error', fail);
    parser.on('error', fail);
    // The parser pushes each record as it completes it, so its line counter is the record's last line.
    parser.on('data', (fields: string[]) => {
      lastLine = parser.info.lines;
      handlers.onRecord(fields, lastLine);
    });
    parser.on('end', () => resolve());
    source.pipe(guard).pipe(parser);
  });
  return { done, pause: () => parser.pause(), resume: () => parser.resume() };
}

/**
 * The same records as an async iterator, for callers that prefer `for await`. Streams with
 * backpressure: the parser pauses while a batch waits to be consumed.
 */
export async function* readCsvRecords(path: string, options: CsvReadOptions): AsyncGenerator<CsvRecord> {
  const queue: CsvRecord[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  const reading = startCsv(path, {
    ...options,
    onRecord: (fields, line) => {
      queue.push({ line, fields });
      if (queue.length >= 1024) reading.pause();
      wake?.();
    },
  });
  reading.done.then(
    () => {
      finished = true;
      wake?.();
    },
    (err: unknown) => {
      failure = err ?? new Error('CSV read failed');
      wake?.();
    },
  );
  for (;;) {
    if (queue.length > 0) {
      const batch = queue.splice(0);
      reading.resume();
      yield* batch;
      continue;
    }
    if (failure !== undefined) throw failure;
    if (finished) return;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
}

/**
 * Passes text through and stops at the first NUL byte or invalid UTF-8 sequence: CSV readers would
 * otherwise parse a binary file into plausible-looking garbage.
 */
function createTextGuard(onBinary: (defect: CsvDefect) => void): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let stopped = false;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (stopped) return callback();
      const nul = chunk.indexOf(0);
      let bad = nul;
      if (bad === -1) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          bad = firstInvalidUtf8(chunk);
        }
      }
      if (bad === -1) {
        line += countNewlines(chunk, chunk.length);
        return callback(null, chunk);
      }
      stopped = true;
      const at = line + countNewlines(chunk, bad);
      const head = chunk.subarray(0, chunk.lastIndexOf(10, bad) + 1);
      this.push(head);
      this.push(null);
      onBinary({
        kind: 'binary',
        line: at,
        message: `binary content (${nul === bad ? 'a NUL byte' : 'invalid UTF-8'}), not a text CSV; the rest of the file was not checked`,
        fatal: true,
      });
      callback();
    },
  });
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (approximate for a split tail). */
function firstInvalidUtf8(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  // Binary search for the longest valid prefix; decode with stream:true so a split final char is fine.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

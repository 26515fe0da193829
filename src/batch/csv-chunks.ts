import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { DEFAULT_MAX_RECORD_SIZE } from '../data/csv';

/** A run of whole records of a CSV file, for a worker to parse (chunk-records.ts). */
export interface CsvChunk {
  /** 0, 1, 2 … in file order. */
  seq: number;
  bytes: Uint8Array;
  /** Lines of the file before the chunk's first byte. */
  linesBefore: number;
  /** The first chunk starts with the header record, which the parser skips. */
  hasHeader: boolean;
}

/** What every chunk's parser must agree on, read from the start of the file. */
export interface CsvLayout {
  /** The header's fields, as csv-parse reads them (untrimmed); undefined for an empty file. */
  header: string[] | undefined;
  /** The file's record delimiter, so every chunk splits records as one parser over the file would. */
  recordDelimiter: '\n' | '\r\n' | '\r';
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Reads a CSV file as chunks of whole records, about `chunkBytes` each: a chunk ends just after a record
 * delimiter that is outside quotes (an even number of `"` since the start of the file, which is how
 * RFC 4180 quoting nests). A UTF-8 BOM is dropped. Calls `onLayout` once, before the first chunk, with
 * the header and the record delimiter. Memory stays flat: the file is read a piece at a time, and a
 * run without a safe end (an unclosed quote) is cut at the next line once it outgrows the largest
 * record csv-parse accepts, so its parser reports the unclosed quote there.
 */
export async function* readCsvChunks(
  path: string,
  chunkBytes: number,
  onLayout: (layout: CsvLayout) => void,
): AsyncGenerator<CsvChunk> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(Math.max(chunkBytes, 1));
    let pending: Uint8Array = new Uint8Array(0);
    let first = true;
    let eof = false;
    let layout: CsvLayout | undefined;
    let quotes = 0;
    let lines = 0;
    let seq = 0;
    for (;;) {
      if (!eof) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        eof = bytesRead === 0;
        pending = concat(pending, buffer.subarray(0, bytesRead));
        if (first && pending.length >= 3) {
          if (isBom(pending)) pending = pending.subarray(3);
          first = false;
        }
        if (!eof && pending.length < chunkBytes) continue;
      }
      if (layout === undefined) {
        // The header must be whole before anything is cut.
        const header = layoutEnd(pending);
        if (header < 0 && !eof && pending.length < DEFAULT_MAX_RECORD_SIZE) continue;
        layout = readLayout(pending);
        onLayout(layout);
      }
      if (pending.length === 0) return;
      const delimiter = layout.recordDelimiter === '\r' ? CR : LF;
      let end = eof ? pending.length : safeEnd(pending, quotes, delimiter);
      if (end === 0) {
        // No record ends outside quotes yet: read on, up to the largest record csv-parse accepts.
        if (pending.length < chunkBytes + DEFAULT_MAX_RECORD_SIZE) continue;
        end = forcedEnd(pending);
      }
      // Counted before the chunk is handed on: a consumer may transfer its bytes to a worker.
      const bytes = pending.slice(0, end);
      const linesBefore = lines;
      quotes += countByte(bytes, QUOTE);
      lines += countByte(bytes, delimiter);
      pending = pending.subarray(end);
      yield { seq, bytes, linesBefore, hasHeader: seq === 0 };
      seq++;
      if (eof && pending.length === 0) return;
    }
  } finally {
    await handle.close();
  }
}

function isBom(b: Uint8Array): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Where the first line end outside quotes is (-1: none yet); a CR last in `bytes` may be a CRLF's
 * first half, so it does not count yet.
 */
function layoutEnd(bytes: Uint8Array): number {
  let inQuotes = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && (b === LF || (b === CR && i + 1 < bytes.length))) return i;
  }
  return -1;
}

/** The header record and the record delimiter (the first line end outside quotes). */
function readLayout(bytes: Uint8Array): CsvLayout {
  const end = layoutEnd(bytes);
  const recordDelimiter: CsvLayout['recordDelimiter'] =
    end < 0 || bytes[end] === LF ? '\n' : bytes[end + 1] === LF ? '\r\n' : '\r';
  let header: string[] | undefined;
  try {
    const records = parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      to: 1,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: recordDelimiter,
      max_record_size: DEFAULT_MAX_RECORD_SIZE,
    }) as string[][];
    header = records[0];
  } catch {
    // An unreadable header: the chunk's parser reports it, with its line.
    header = [];
  }
  return { header, recordDelimiter };
}

/** The end of the last whole record in `bytes`, 0 when none ends there outside quotes. */
function safeEnd(bytes: Uint8Array, quotesBefore: number, delimiter: number): number {
  if ((quotesBefore & 1) === 0 && asBuffer(bytes).indexOf(QUOTE) === -1)
    return asBuffer(bytes).lastIndexOf(delimiter) + 1;
  let quotes = quotesBefore;
  let end = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) quotes++;
    else if (b === delimiter && (quotes & 1) === 0) end = i + 1;
  }
  return end;
}

/** No safe end within the limit: the last line end, quoted or not. */
function forcedEnd(bytes: Uint8Array): number {
  const at = Math.max(bytes.lastIndexOf(LF), bytes.lastIndexOf(CR));
  return at < 0 ? bytes.length : at + 1;
}

function countByte(bytes: Uint8Array, byte: number): number {
  const buffer = asBuffer(bytes);
  let n = 0;
  for (let i = buffer.indexOf(byte); i !== -1; i = buffer.indexOf(byte, i + 1)) n++;
  return n;
}

/** The same bytes as a Buffer, whose native indexOf is ~4× a Uint8Array's on these files. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

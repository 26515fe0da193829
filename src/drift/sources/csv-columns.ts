import { open } from 'node:fs/promises';
import { MlctlError, fromFsError } from '../../errors';

/** Receives one column's fields: bytes when they can be read in place, text when quotes were escaped. */
export interface FieldSink {
  pushBytes(buf: Uint8Array, start: number, end: number): void;
  pushText(text: string): void;
  pushMissing(): void;
}

export interface CsvColumnsOptions {
  /** Shown in errors: "reference", "current data". */
  what: string;
  /** The file as the user named it. */
  shown: string;
  /** Given the header's names, the sink of each column (undefined: not read). */
  onHeader(names: string[]): Array<FieldSink | undefined>;
}

/** Longest record accepted: an unterminated quote would otherwise hold the whole rest of the file. */
export const MAX_RECORD_BYTES = 1 << 20;
const CHUNK = 1 << 20;
const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads chosen columns of a CSV file straight from its bytes (RFC 4180: quoted fields, doubled quotes,
 * LF or CRLF, a UTF-8 BOM; blank lines skipped; short rows' missing fields are missing values, extra
 * fields ignored — as pandas reads a file). Nothing is decoded unless it is text, and no record is kept:
 * each field goes to its column's sink as it is found. Returns the data rows read and the header.
 */
export async function readCsvColumns(
  path: string,
  options: CsvColumnsOptions,
): Promise<{ rows: number; header: string[] }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fromFsError(err, options.what, options.shown);
  }
  const parser = new CsvParser(options);
  try {
    let buf = Buffer.allocUnsafe(2 * CHUNK);
    let carry = 0;
    let first = true;
    for (;;) {
      if (carry + CHUNK > buf.length) {
        if (carry >= MAX_RECORD_BYTES)
          parser.fail('a record longer than 1 MB, most likely an unterminated quote');
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, carry, CHUNK, null);
      const end = carry + bytesRead;
      let start = 0;
      if (first && end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
      first = false;
      if (buf.subarray(carry, end).indexOf(0) !== -1)
        parser.fail('binary content (a NUL byte): not a CSV file');
      const consumed = parser.parse(buf, start, end, bytesRead === 0);
      carry = end - consumed;
      buf.copyWithin(0, consumed, end);
      if (bytesRead === 0) break;
    }
  } catch (err) {
    if (err instanceof MlctlError) throw err;
    throw fromFsError(err, options.what, options.shown);
  } finally {
    await handle.close();
  }
  if (!parser.header)
    throw new MlctlError('INPUT_INVALID', `${options.what} ${options.shown} is empty (no header line)`);
  return { rows: parser.rows, header: parser.header };
}

class CsvParser {
  header: string[] | undefined;
  rows = 0;
  private sinks: Array<FieldSink | undefined> = [];
  private line = 1;

  constructor(private readonly options: CsvColumnsOptions) {}

  fail(message: string): never {
    const { what, shown } = this.options;
    throw new MlctlError('INPUT_INVALID', `${what} ${shown}:${this.line}: ${message}`, {
      location: { file: shown, line: this.line },
      hint: 'Check the file with `mlctl validate`.',
    });
  }

  /** Parses the complete records in buf[start, end); returns where the unfinished one starts. */
  parse(buf: Buffer, start: number, end: number, last: boolean): number {
    let i = start;
    while (i < end) {
      const next = this.record(buf, i, end, last);
      if (next < 0) return i;
      i = next;
    }
    return end;
  }

  /** One record from i: the index after it, or -1 when it is not complete in the buffer (nothing pushed). */
  private record(buf: Buffer, i: number, end: number, last: boolean): number {
    if (buf[i] === LF) {
      this.line++;
      return i + 1;
    }
    if (buf[i] === CR && (i + 1 >= end || buf[i + 1] === LF)) {
      if (i + 1 >= end && !last) return -1;
      this.line++;
      return Math.min(i + 2, end);
    }
    let fields = 0;
    let newlines = 0;
    for (;;) {
      let s = i;
      let e: number;
      let text: string | undefined;
      if (buf[i] === QUOTE) {
        let escaped = false;
        let k = i + 1;
        for (;;) {
          while (k < end && buf[k] !== QUOTE) {
            if (buf[k] === LF) newlines++;
            k++;
          }
          if (k >= end) {
            if (last) this.fail('unterminated quoted field (a `"` is never closed)');
            return -1;
          }
          if (k + 1 >= end && !last) return -1;
          if (k + 1 < end && buf[k + 1] === QUOTE) {
            escaped = true;
            k += 2;
            continue;
          }
          break;
        }
        s = i + 1;
        e = k;
        if (escaped) text = buf.toString('utf8', s, e).replace(/""/g, '"');
        // Anything between the closing quote and the delimiter is dropped, as pandas does.
        i = k + 1;
        while (i < end && buf[i] !== COMMA && buf[i] !== LF) i++;
      } else {
        while (i < end && buf[i] !== COMMA && buf[i] !== LF) i++;
        e = i;
        if ((i >= end || buf[i] === LF) && e > s && buf[e - 1] === CR) e--;
      }
      if (i >= end && !last) return -1;
      this.keep(fields++, s, e, text);
      if (i >= end || buf[i] === LF) break;
      i++;
    }
    this.line += 1 + newlines;
    this.dispatch(buf, fields);
    return Math.min(i + 1, end);
  }

  // The fields of the record being read, pushed only once the record is complete.
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private texts: Array<string | undefined> = [];

  private keep(f: number, s: number, e: number, text: string | undefined): void {
    if (f >= this.starts.length) {
      const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[f] = s;
    this.ends[f] = e;
    this.texts[f] = text;
  }

  private dispatch(buf: Buffer, fields: number): void {
    if (this.header === undefined) {
      const names: string[] = [];
      for (let f = 0; f < fields; f++)
        names.push((this.texts[f] ?? buf.toString('utf8', this.starts[f], this.ends[f])).trim());
      this.header = names;
      this.sinks = this.options.onHeader(names);
      return;
    }
    const sinks = this.sinks;
    const n = Math.min(fields, sinks.length);
    for (let f = 0; f < n; f++) {
      const sink = sinks[f];
      if (!sink) continue;
      const text = this.texts[f];
      if (text !== undefined) sink.pushText(text);
      else sink.pushBytes(buf, this.starts[f]!, this.ends[f]!);
    }
    for (let f = fields; f < sinks.length; f++) sinks[f]?.pushMissing();
    this.rows++;
  }
}

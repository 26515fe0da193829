import { parseDecimal } from '../values/decimal';
import type { DecimalInfo } from '../values/decimal';
import type { ColumnAccumulator } from '../values/column-side';
import { FALSE, NULL, TRUE, skipNumber, skipString, skipWord, skipWs } from './json-bytes';

/**
 * Reads the rows of a prediction event straight from JSON bytes (see json-bytes.ts), validating as it
 * goes, into typed arrays — a kind, a number or a string's byte range per value — so the fast path neither
 * calls JSON.parse nor creates a JS value per cell; the values go to the columns once the whole line has
 * been read and validated.
 */
export class Scalars {
  /** Values read, and for rows: their number and each row's length. */
  count = 0;
  rows = 0;
  readonly lengths: number[] = [];
  kinds = new Uint8Array(256);
  numbers = new Float64Array(256);
  /** Strings: [start, end) of their bytes, quotes excluded. */
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  /** 1 when a number was written without a fraction or an exponent (Python reads it as an int). */
  integers = new Uint8Array(256);
  readonly info: DecimalInfo = { integer: true };

  ensure(n: number): void {
    if (n < this.kinds.length) return;
    const size = Math.max(this.kinds.length * 2, n + 1);
    const grow = <T extends Uint8Array | Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.kinds = grow(this.kinds);
    this.numbers = grow(this.numbers);
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
    this.integers = grow(this.integers);
  }

  /** Gives value n to a column. */
  push(to: ColumnAccumulator, n: number, buf: Uint8Array): void {
    switch (this.kinds[n]) {
      case NUMBER:
        return to.pushNumber(this.numbers[n]!, this.integers[n] === 1);
      case STRING:
        return to.pushBytes(buf, this.starts[n]!, this.ends[n]!);
      case BOOLEAN_TRUE:
        return to.pushJson(true);
      case BOOLEAN_FALSE:
        return to.pushJson(false);
      default:
        return to.pushMissing();
    }
  }
}

const NUMBER = 1;
const STRING = 2;
const BOOLEAN_TRUE = 3;
const BOOLEAN_FALSE = 4;
const MISSING = 5;

/**
 * One scalar at b[i] (validated JSON) — number, string without escapes, true, false or null — as value n.
 * Returns the index after it, or -1 for anything else (an escaped string, an array, an object).
 */
function readScalar(b: Uint8Array, i: number, end: number, out: Scalars, n: number): number {
  out.ensure(n);
  const c = b[i];
  if (c === 0x22) {
    const close = skipString(b, i, end);
    if (close < 0) return -1;
    for (let k = i + 1; k < close - 1; k++) if (b[k] === 0x5c) return -1;
    out.kinds[n] = STRING;
    out.starts[n] = i + 1;
    out.ends[n] = close - 1;
    return close;
  }
  if (c === 0x74 || c === 0x66 || c === 0x6e) {
    out.kinds[n] = c === 0x74 ? BOOLEAN_TRUE : c === 0x66 ? BOOLEAN_FALSE : MISSING;
    return skipWord(b, i, end, c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL);
  }
  const after = skipNumber(b, i, end);
  if (after < 0) return -1;
  out.kinds[n] = NUMBER;
  out.numbers[n] = parseDecimal(b, i, after, out.info);
  out.integers[n] = out.info.integer ? 1 : 0;
  return after;
}

/**
 * Reads the JSON array of scalars at b[s…] into out (out.count values); returns the index after it, or -1
 * when it is not such an array (an element that is not a plain scalar, invalid JSON: JSON.parse decides).
 */
export function parseScalars(b: Uint8Array, s: number, e: number, out: Scalars): number {
  if (b[s] !== 0x5b) return -1;
  let i = skipWs(b, s + 1, e);
  let n = 0;
  if (b[i] !== 0x5d) {
    for (;;) {
      i = readScalar(b, i, e, out, n++);
      if (i < 0) return -1;
      i = skipWs(b, i, e);
      if (b[i] !== 0x2c) break;
      i = skipWs(b, i + 1, e);
    }
    if (b[i] !== 0x5d) return -1;
  }
  out.count = n;
  return i + 1;
}

/**
 * Reads the JSON array of rows at b[s…], each row an array of scalars, into out (all values row after
 * row, out.rows rows of out.lengths[r] values); returns the index after it, or -1 when it is anything else
 * (rows given as objects, nested arrays, invalid JSON): the caller then falls back to JSON.parse.
 */
export function parseRows(b: Uint8Array, s: number, e: number, out: Scalars): number {
  if (b[s] !== 0x5b) return -1;
  let i = skipWs(b, s + 1, e);
  let rows = 0;
  let n = 0;
  if (b[i] !== 0x5d) {
    for (;;) {
      if (b[i] !== 0x5b) return -1;
      i = skipWs(b, i + 1, e);
      let count = 0;
      if (b[i] !== 0x5d) {
        for (;;) {
          i = readScalar(b, i, e, out, n++);
          if (i < 0) return -1;
          count++;
          i = skipWs(b, i, e);
          if (b[i] !== 0x2c) break;
          i = skipWs(b, i + 1, e);
        }
        if (b[i] !== 0x5d) return -1;
      }
      out.lengths[rows++] = count;
      i = skipWs(b, i + 1, e); // past the row's ]
      if (b[i] !== 0x2c) break;
      i = skipWs(b, i + 1, e);
    }
    if (b[i] !== 0x5d) return -1;
  }
  out.rows = rows;
  out.count = n;
  return i + 1;
}

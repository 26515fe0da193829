import { FALSE, NULL, TRUE, isDigit, skipNumber, skipString, skipWs } from './json-bytes';

/**
 * Reads the rows of a prediction event straight from validated JSON bytes (see json-bytes.ts), so the
 * fast path never calls JSON.parse for them.
 */

// Powers of ten exactly representable as doubles: 10^0 … 10^22.
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The number b[s, e) (already validated) as JSON.parse reads it. Clinger's fast path — at most 15
 * significant digits and a power of ten up to 10^22, so one IEEE multiplication or division rounds
 * correctly — covers the numbers loggers write; anything else goes through Number() on the text.
 */
function readNumber(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  for (; i < e && isDigit(b[i]); i++) {
    if (mantissa !== 0 || b[i] !== 0x30) digits++;
    mantissa = mantissa * 10 + (b[i]! - 0x30);
  }
  if (i < e && b[i] === 0x2e) {
    for (i++; i < e && isDigit(b[i]); i++) {
      if (mantissa !== 0 || b[i] !== 0x30) digits++;
      mantissa = mantissa * 10 + (b[i]! - 0x30);
      scale--;
    }
  }
  if (i < e) return Number(Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1'));
  if (digits > 15 || scale < -22)
    return Number(Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1'));
  const value = scale === 0 ? mantissa : mantissa / (POW10[-scale] as number);
  return negative ? -value : value;
}

const decoder = new TextDecoder();

/** Per value read: 1 when a number was written with a fraction or an exponent (Python reads it as a float). */
export class FloatMarks {
  marks = new Uint8Array(256);

  set(n: number, float: number): void {
    if (n >= this.marks.length) {
      const bigger = new Uint8Array(Math.max(this.marks.length * 2, n + 1));
      bigger.set(this.marks);
      this.marks = bigger;
    }
    this.marks[n] = float;
  }
}

function isFloatText(b: Uint8Array, s: number, e: number): number {
  for (let k = s; k < e; k++) {
    const c = b[k];
    if (c === 0x2e || c === 0x65 || c === 0x45) return 1;
  }
  return 0;
}

/**
 * One scalar value at b[i] (validated JSON): number, string without escapes, true, false or null, into
 * out[n]. Returns the index after it, or -1 for anything else (an escaped string, an array, an object).
 */
function readScalar(
  b: Uint8Array,
  i: number,
  end: number,
  out: unknown[],
  n: number,
  floats: FloatMarks,
): number {
  const c = b[i];
  floats.set(n, 0);
  if (c === 0x22) {
    const close = skipString(b, i, end);
    for (let k = i + 1; k < close - 1; k++) if (b[k] === 0x5c) return -1;
    out[n] = decoder.decode(b.subarray(i + 1, close - 1));
    return close;
  }
  if (c === 0x74 || c === 0x66 || c === 0x6e) {
    const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
    out[n] = c === 0x74 ? true : c === 0x66 ? false : null;
    return i + word.length;
  }
  const after = skipNumber(b, i, end);
  if (after < 0) return -1;
  out[n] = readNumber(b, i, after);
  floats.set(n, isFloatText(b, i, after));
  return after;
}

/**
 * Reads the validated JSON array b[s, e) of scalars into out; returns the count, or -1 when an element is
 * not a plain scalar (the caller then falls back to JSON.parse).
 */
export function parseScalars(
  b: Uint8Array,
  s: number,
  e: number,
  out: unknown[],
  floats: FloatMarks,
): number {
  let i = skipWs(b, s + 1, e);
  let n = 0;
  if (b[i] === 0x5d) return 0;
  for (;;) {
    i = readScalar(b, i, e, out, n++, floats);
    if (i < 0) return -1;
    i = skipWs(b, i, e);
    if (b[i] === 0x2c) {
      i = skipWs(b, i + 1, e);
      continue;
    }
    return n;
  }
}

/**
 * Reads the validated JSON array of rows b[s, e), each row an array of scalars, into `flat` (all values,
 * row after row) and `lengths` (values per row). Returns the row count, or -1 when a row is anything else
 * (rows given as objects, nested arrays): the caller then falls back to JSON.parse for the line.
 */
export function parseRows(
  b: Uint8Array,
  s: number,
  e: number,
  flat: unknown[],
  lengths: number[],
  floats: FloatMarks,
): number {
  let i = skipWs(b, s + 1, e);
  let rows = 0;
  let n = 0;
  if (b[i] === 0x5d) return 0;
  for (;;) {
    if (b[i] !== 0x5b) return -1;
    i = skipWs(b, i + 1, e);
    let count = 0;
    if (b[i] !== 0x5d) {
      for (;;) {
        i = readScalar(b, i, e, flat, n++, floats);
        if (i < 0) return -1;
        count++;
        i = skipWs(b, i, e);
        if (b[i] === 0x2c) {
          i = skipWs(b, i + 1, e);
          continue;
        }
        break;
      }
    }
    lengths[rows++] = count;
    i = skipWs(b, i + 1, e); // past the row's ]
    if (b[i] === 0x2c) {
      i = skipWs(b, i + 1, e);
      continue;
    }
    return rows;
  }
}

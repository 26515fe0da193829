/**
 * A fast path for the body nearly every prediction request has: `{"<key>": [[number, …], …]}` and
 * nothing else; returns the rows. It reads the bytes directly, without making a string of the body or a generic parse,
 * and gives exactly the rows JSON.parse gives for such a body; for anything else (another key, a second key,
 * rows as objects, a string, an escape, a number it cannot convert exactly) it returns undefined and the
 * caller parses the body as usual, errors and all. Under load a generic parse of a one-row body was ~3%
 * of the server's time (docs/BENCHMARKS.md).
 */
export function parseNumberRows(bytes: Uint8Array, key: string): number[][] | undefined {
  const rows: number[][] = [];
  return readRows(new Reader().reset(bytes), key, rows) ? rows : undefined;
}

/** Reads the whole body into rows; false when the body is not of the form. */
function readRows(r: Reader, key: string, rows: number[][]): boolean {
  if (!r.take(OPEN_BRACE) || !r.takeKey(key) || !r.take(COLON) || !r.take(OPEN_BRACKET)) return false;
  if (!r.take(CLOSE_BRACKET)) {
    for (;;) {
      const row = r.row();
      if (row === undefined) return false;
      rows.push(row);
      if (r.take(CLOSE_BRACKET)) break;
      if (!r.take(COMMA)) return false;
    }
  }
  return r.take(CLOSE_BRACE) && r.atEnd();
}

const EMPTY = new Uint8Array(0);
/** What `byte` reads past the end: no byte value. */
const END = -1;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** 10^0 … 10^22: every one an exact double. */
const POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/** Reads one body. A reader per parse: reusing one (module-level state) measured no cheaper (docs/DECISIONS.md). */
class Reader {
  private at = 0;
  private bytes: Uint8Array = EMPTY;
  private length = 0;
  /** The values of the row being read; the row itself is an exact-size copy. */
  private readonly values: number[] = [];

  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.length = bytes.length;
    this.at = 0;
    return this;
  }

  /**
   * The byte at `i`, or END past the last one. Never reading beyond the end keeps every comparison
   * between numbers: one `undefined` from an out-of-range read made V8 compare through its generic
   * (slow) equality everywhere, an eighth of the parse's time.
   */
  private byte(i: number): number {
    return i < this.length ? (this.bytes[i] as number) : END;
  }

  /** Skips JSON whitespace, then takes `byte` if it is next. */
  take(byte: number): boolean {
    this.skipSpace();
    if (this.byte(this.at) !== byte) return false;
    this.at++;
    return true;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.at === this.length;
  }

  /** `"key"` spelled exactly (an escaped spelling is left to the generic parse). */
  takeKey(key: string): boolean {
    if (!this.take(QUOTE)) return false;
    for (let i = 0; i < key.length; i++) {
      if (this.byte(this.at + i) !== key.charCodeAt(i)) return false;
    }
    this.at += key.length;
    return this.byte(this.at++) === QUOTE;
  }

  /** `[number, …]` (at least one number), or undefined. */
  row(): number[] | undefined {
    if (!this.take(OPEN_BRACKET)) return undefined;
    const { values } = this;
    let n = 0;
    for (;;) {
      this.skipSpace();
      const value = this.number();
      if (value === undefined) return undefined;
      values[n++] = value;
      if (this.take(CLOSE_BRACKET)) break;
      if (!this.take(COMMA)) return undefined;
    }
    const row = new Array<number>(n);
    for (let i = 0; i < n; i++) row[i] = values[i] as number;
    return row;
  }

  /**
   * A JSON number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`) as JSON.parse converts it. Up to 15
   * significant digits and a power of ten within ±22, one exact integer times or divided by one exact
   * power of ten is the correctly rounded value (Clinger's fast path); any other number is converted by
   * Number() from its text, which is what JSON.parse does.
   */
  private number(): number | undefined {
    const start = this.at;
    let i = start;
    const negative = this.byte(i) === MINUS;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let c = this.byte(i);
    if (c === ZERO) {
      i++;
    } else if (c > ZERO && c <= NINE) {
      for (; (c = this.byte(i)) >= ZERO && c <= NINE; i++) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
      }
    } else {
      return undefined;
    }
    if (this.byte(i) === DOT) {
      i++;
      const first = i;
      for (; (c = this.byte(i)) >= ZERO && c <= NINE; i++) {
        if (mantissa !== 0 || c !== ZERO) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
        }
        scale--;
      }
      if (i === first) return undefined;
    }
    c = this.byte(i);
    if (c === 0x65 || c === 0x45) {
      i++;
      let expNegative = false;
      const sign = this.byte(i);
      if (sign === MINUS || sign === PLUS) {
        expNegative = sign === MINUS;
        i++;
      }
      const first = i;
      let exponent = 0;
      for (; (c = this.byte(i)) >= ZERO && c <= NINE; i++) {
        if (exponent < 10_000) exponent = exponent * 10 + (c - ZERO);
      }
      if (i === first) return undefined;
      scale += expNegative ? -exponent : exponent;
    }
    this.at = i;
    if (digits <= 15 && scale >= -22 && scale <= 22) {
      const value =
        scale < 0
          ? mantissa / (POWERS_OF_TEN[-scale] as number)
          : mantissa * (POWERS_OF_TEN[scale] as number);
      return negative ? -value : value;
    }
    const value = Number(String.fromCharCode(...this.bytes.subarray(start, i)));
    // An overflow (1e999 is Infinity) is for the generic path to report, as for any other non-finite value.
    return Number.isFinite(value) ? value : undefined;
  }

  private skipSpace(): void {
    let c = this.byte(this.at);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = this.byte(++this.at);
  }
}

/** Powers of ten exactly representable as doubles: 10^0 … 10^22. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Whether the last number parsed was written as an integer (no fraction, no exponent). */
export interface DecimalInfo {
  integer: boolean;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

/**
 * The decimal number written in bytes b[s, e) — optional blanks around, sign, digits, fraction,
 * exponent: what a CSV writer produces — or NaN when the bytes are anything else (then the caller reads
 * them as text). Exactly the double `Number()` gives the same text: Clinger's fast path (at most 15
 * significant digits and a power of ten within 10^±22, where one IEEE multiplication or division rounds
 * correctly) covers ordinary data; anything longer goes through `Number()`.
 */
export function parseDecimal(b: Uint8Array, s: number, e: number, info: DecimalInfo): number {
  while (s < e && isBlank(b[s])) s++;
  while (e > s && isBlank(b[e - 1])) e--;
  let i = s;
  const negative = b[i] === 0x2d;
  if (negative || b[i] === 0x2b) i++;
  let mantissa = 0;
  let digits = 0;
  let seen = 0;
  let scale = 0;
  for (; i < e && isDigit(b[i]); i++, seen++) {
    if (mantissa !== 0 || b[i] !== 0x30) digits++;
    mantissa = mantissa * 10 + (b[i]! - 0x30);
  }
  let integer = true;
  if (i < e && b[i] === 0x2e) {
    integer = false;
    for (i++; i < e && isDigit(b[i]); i++, seen++) {
      if (mantissa !== 0 || b[i] !== 0x30) digits++;
      mantissa = mantissa * 10 + (b[i]! - 0x30);
      scale--;
    }
  }
  if (seen === 0) return Number.NaN;
  if (i < e && (b[i] === 0x65 || b[i] === 0x45)) {
    integer = false;
    i++;
    const minus = b[i] === 0x2d;
    if (minus || b[i] === 0x2b) i++;
    if (!isDigit(b[i])) return Number.NaN;
    let exponent = 0;
    for (; i < e && isDigit(b[i]); i++) exponent = Math.min(exponent * 10 + (b[i]! - 0x30), 100_000);
    scale += minus ? -exponent : exponent;
  }
  if (i !== e) return Number.NaN;
  info.integer = integer;
  let value: number;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    value = scale >= 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
  } else {
    value = Number(latin1(b, s, e));
  }
  return negative ? -Math.abs(value) : value;
}

function latin1(b: Uint8Array, s: number, e: number): string {
  return Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
}

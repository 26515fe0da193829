/**
 * Decimal numbers as a CSV writer produces them: sign, digits, optional fraction and exponent. Stricter
 * than Number(), which also takes "0x1f", "0b1", "Infinity" and whitespace.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isFiniteNumberText(text: string): boolean {
  return !Number.isNaN(decimalValue(text));
}

/** The number a decimal text stands for, or NaN when it is not a finite decimal (one parse, not two). */
export function decimalValue(text: string): number {
  if (!DECIMAL.test(text)) return NaN;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

/** The key a value is compared by: numbers by value ("1.0" equals 1), everything else by text. */
export function normaliseValue(value: string | number, numeric: boolean): string {
  if (!numeric) return String(value);
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? String(n) : String(value);
}

import { MAX_CATEGORIES } from '../forest/binning';
import type { ClassLabel } from '../forest/predictor';
import { newColumnStats, observe } from './infer';
import type { ColumnStats } from './infer';
import { decimalValue } from './numeric-text';

/** A value that could not be read as the column's type, for the error message. */
export interface BadValue {
  line: number;
  text: string;
}

const SAMPLES = 3;

/**
 * One column of a CSV, read in the same pass as the others and before its type is known: its numbers
 * (NaN where empty, in `naValues`, or text), and while it has at most 255 distinct values, a dictionary
 * code per row — enough to make it numeric or categorical afterwards without a second pass. Its
 * statistics are `validate --infer`'s (infer.ts).
 */
export class ColumnReader {
  readonly stats: ColumnStats;
  private numbers: Float64Array;
  private codes: Uint16Array | undefined;
  private readonly dict = new Map<string, number>();
  private readonly dictKeys: string[] = [];
  /** Rows whose text is not a number, the first few. */
  readonly texts: BadValue[] = [];
  textCount = 0;
  rows = 0;

  constructor(
    name: string,
    private readonly naValues: ReadonlySet<string>,
  ) {
    this.stats = newColumnStats(name);
    this.numbers = new Float64Array(1024);
    this.codes = new Uint16Array(1024);
  }

  add(raw: string, line: number): void {
    const text = raw.trim();
    const missing = text === '' || this.naValues.has(text);
    observe(this.stats, missing ? '' : text);
    if (this.rows === this.numbers.length) this.grow();
    const row = this.rows++;
    if (missing) {
      this.numbers[row] = NaN;
      if (this.codes) this.codes[row] = 0xffff;
      return;
    }
    const n = decimalValue(text);
    this.numbers[row] = n;
    if (n !== n) {
      if (this.textCount++ < SAMPLES) this.texts.push({ line, text });
    }
    if (!this.codes) return;
    let code = this.dict.get(text);
    if (code === undefined) {
      if (this.dict.size === MAX_CATEGORIES) {
        this.codes = undefined;
        return;
      }
      code = this.dict.size;
      this.dict.set(text, code);
      this.dictKeys.push(text);
    }
    this.codes[row] = code;
  }

  /** The values as numbers, NaN where missing. */
  numericColumn(): Float64Array {
    return this.numbers.slice(0, this.rows);
  }

  /** Whether the column can be categorical: at most 255 distinct values. */
  get fitsCategories(): boolean {
    return this.codes !== undefined;
  }

  /**
   * The column as category codes (NaN where missing) and its categories, sorted: numbers by value when
   * every value is a number ("1.0" and "1" are one category), else text by UTF-16 code units.
   */
  categoricalColumn(): { codes: Float64Array; categories: ClassLabel[] } {
    const codes = this.codes as Uint16Array;
    const numeric = this.textCount === 0;
    const keys: ClassLabel[] = this.dictKeys.map((k) => (numeric ? Number(k) : k));
    const categories = [...new Set(keys)].sort((a, b) =>
      numeric ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0,
    );
    const position = new Map(categories.map((c, i) => [c, i]));
    const remap = keys.map((k) => position.get(k) as number);
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      const c = codes[i] as number;
      out[i] = c === 0xffff ? NaN : (remap[c] as number);
    }
    return { codes: out, categories };
  }

  private grow(): void {
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    this.numbers = numbers;
    if (this.codes) {
      const codes = new Uint16Array(this.codes.length * 2);
      codes.set(this.codes);
      this.codes = codes;
    }
  }
}

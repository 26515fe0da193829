import { parseDecimal } from './decimal';
import type { DecimalInfo } from './decimal';
import type { Run } from './runs';
import { TextCache } from './text-cache';
import { NumberSpool } from './spill';
import type { SpillDir } from './spill';

/** Distinct texts counted per column and side; beyond this a column is too varied to compare by value. */
export const MAX_DISTINCT_TEXTS = 100_000;

/** The numbers one side of a column holds, as sorted runs. */
export interface NumberSide {
  readonly runs: readonly Run[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  /** Every number was written as an integer ("5", not "5.0" or "5e0"), as pandas' int64 needs. */
  readonly integerText: boolean;
}

/** The texts (values that are not numbers) one side of a column holds. */
export interface TextSide {
  readonly counts: ReadonlyMap<string, number>;
  readonly total: number;
  /** More than MAX_DISTINCT_TEXTS distinct texts: values past that were counted in `total` only. */
  readonly overflow: boolean;
}

/** One column of one data set (reference or current), read and summarised; nothing per row is kept. */
export interface ColumnSide {
  readonly name: string;
  /** Cells read, missing ones included. */
  readonly rows: number;
  /** Empty cells, JSON null, pandas' NA spellings (`NA`, `null`, `nan`, …), NaN and ±inf. */
  readonly missing: number;
  readonly numbers: NumberSide;
  readonly texts: TextSide;
}

// pandas' default NA spellings: missing values, not categories.
const NA_TEXT = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND']);
for (const t of ['1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']) NA_TEXT.add(t);
const INFINITY_TEXT = /^[+-]?(inf|infinity)$/i;

/** An NA spelling or an infinity (blanks around ignored): a missing value. */
function isMissingText(raw: string): boolean {
  const trimmed = raw.trim();
  return NA_TEXT.has(trimmed) || INFINITY_TEXT.test(trimmed);
}

/** Memory for buffered numbers: shared by all columns of a read (see spill.ts). */
export interface SpoolBudget {
  /** Values buffered per column before a sorted run is spilled. */
  capacity: number;
  spill?: SpillDir;
}

/**
 * Reads one column's cells — CSV bytes, CSV text or JSON values — into a ColumnSide: counts of missing
 * cells, numbers into a spool of sorted runs, texts into a bounded dictionary of counts. What the column
 * *is* (numerical, categorical, text) is decided later, from both data sets (typing.ts).
 */
export class ColumnAccumulator {
  private rowCount = 0;
  private missingCount = 0;
  private numberCount = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private integerText = true;
  private readonly spool: NumberSpool;
  private readonly textCounts = new Map<string, number>();
  private textTotal = 0;
  private overflow = false;
  private readonly info: DecimalInfo = { integer: true };
  private readonly texts = new TextCache();

  constructor(
    readonly name: string,
    budget: SpoolBudget,
  ) {
    this.spool = new NumberSpool(budget.capacity, budget.spill);
  }

  /** A missing cell. */
  pushMissing(): void {
    this.rowCount++;
    this.missingCount++;
  }

  /** A number; NaN and ±inf are missing (Evidently turns ±inf into NaN and drops it). */
  pushNumber(v: number, integerText: boolean): void {
    this.rowCount++;
    if (!Number.isFinite(v)) {
      this.missingCount++;
      return;
    }
    this.numberCount++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (!integerText) this.integerText = false;
    this.spool.push(v);
  }

  /** A cell as text: a number, an NA spelling, an infinity, or a text value. */
  pushText(raw: string): void {
    const bytes = Buffer.from(raw, 'utf8');
    const v = parseDecimal(bytes, 0, bytes.length, this.info);
    if (!Number.isNaN(v)) return this.pushNumber(v, this.info.integer);
    if (isMissingText(raw)) return this.pushMissing();
    this.pushTextValue(raw);
  }

  /** A CSV field's bytes (unquoted, or quoted without escapes); numbers are read without decoding. */
  pushBytes(buf: Uint8Array, start: number, end: number): void {
    const v = parseDecimal(buf, start, end, this.info);
    if (!Number.isNaN(v)) return this.pushNumber(v, this.info.integer);
    if (start === end) return this.pushMissing();
    let entry = this.texts.get(buf, start, end);
    if (!entry) {
      const raw = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
      const text = isMissingText(raw) ? undefined : raw;
      this.texts.set(buf, start, end, text);
      entry = { bytes: buf, text };
    }
    if (entry.text === undefined) this.pushMissing();
    else this.pushTextValue(entry.text);
  }

  /**
   * A JSON value from a prediction log. `floatText` says the number was written with a fraction or an
   * exponent (Python's json reads "5.0" as a float), when the reader knows.
   */
  pushJson(value: unknown, floatText = false): void {
    if (typeof value === 'number') return this.pushNumber(value, !floatText && Number.isInteger(value));
    if (typeof value === 'string') return this.pushText(value);
    if (value === null || value === undefined) return this.pushMissing();
    // Python's str() of a bool, as pandas would show it.
    if (typeof value === 'boolean') return this.pushTextValue(value ? 'True' : 'False');
    this.pushTextValue(JSON.stringify(value));
  }

  /** A value that is text (not a number, not missing). */
  protected pushTextValue(text: string): void {
    this.rowCount++;
    this.textTotal++;
    const n = this.textCounts.get(text);
    if (n !== undefined) this.textCounts.set(text, n + 1);
    else if (this.textCounts.size < MAX_DISTINCT_TEXTS) this.textCounts.set(text, 1);
    else this.overflow = true;
  }

  finish(): ColumnSide {
    return {
      name: this.name,
      rows: this.rowCount,
      missing: this.missingCount,
      numbers: {
        runs: this.spool.finish(),
        count: this.numberCount,
        min: this.min,
        max: this.max,
        integerText: this.integerText,
      },
      texts: { counts: this.textCounts, total: this.textTotal, overflow: this.overflow },
    };
  }
}

/** One column read in parts (a prediction log on several threads): runs kept, counts summed. */
export function mergeSides(parts: readonly ColumnSide[]): ColumnSide {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const counts = new Map<string, number>();
  let overflow = false;
  for (const p of parts) {
    overflow ||= p.texts.overflow;
    for (const [text, n] of p.texts.counts) {
      const had = counts.get(text);
      if (had !== undefined) counts.set(text, had + n);
      else if (counts.size < MAX_DISTINCT_TEXTS) counts.set(text, n);
      else overflow = true;
    }
  }
  const sum = (f: (p: ColumnSide) => number): number => parts.reduce((n, p) => n + f(p), 0);
  return {
    name: first.name,
    rows: sum((p) => p.rows),
    missing: sum((p) => p.missing),
    numbers: {
      runs: parts.flatMap((p) => p.numbers.runs),
      count: sum((p) => p.numbers.count),
      min: Math.min(...parts.map((p) => p.numbers.min)),
      max: Math.max(...parts.map((p) => p.numbers.max)),
      integerText: parts.every((p) => p.numbers.integerText),
    },
    texts: { counts, total: sum((p) => p.texts.total), overflow },
  };
}

import { isFiniteNumberText } from '../data/numeric-text';
import type { CategoricalSample, NumericalSample, Sample } from './sample';

/** What a column holds: numbers (tests on values) or categories (tests on counts). */
export type ColumnKind = Sample['kind'];

/** One column after reading: its sample and how many values were dropped (missing, NaN, ±inf, unparseable). */
export interface TableColumn {
  readonly name: string;
  readonly sample: Sample;
  readonly dropped: number;
}

/** A data set read for drift: row count and columns by name, in source order. */
export interface DriftTable {
  readonly rows: number;
  readonly columns: ReadonlyMap<string, TableColumn>;
}

// pandas' default NA spellings: they are missing values, not categories.
const NA_TEXT = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND']);
for (const t of ['1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']) NA_TEXT.add(t);

export function isMissingText(text: string): boolean {
  return NA_TEXT.has(text.trim());
}

/**
 * Collects one column's values row by row. Numbers go into a Float64Array that doubles as it fills (never
 * a JS array of boxed values); categories into Int32 codes of a dictionary. With `capacity`, only the
 * latest `capacity` rows are kept (a ring), so --max-rows keeps the most recent traffic.
 */
export class ColumnBuilder {
  private numbers: Float64Array;
  private codes: Int32Array;
  private readonly dictionary = new Map<string, number>();
  private readonly labels: string[] = [];
  private count = 0;
  /** Values that could not be read as numbers in a numerical column. */
  unparseable = 0;
  private allIntegral = true;

  constructor(
    readonly name: string,
    readonly kind: ColumnKind,
    private readonly capacity = Number.POSITIVE_INFINITY,
  ) {
    const initial = Math.min(capacity, 1024);
    this.numbers = new Float64Array(kind === 'numerical' ? initial : 0);
    this.codes = new Int32Array(kind === 'categorical' ? initial : 0);
  }

  /** Adds a value as it came from JSON or CSV text; undefined, null and NA spellings are missing. */
  push(value: unknown): void {
    if (this.kind === 'numerical') this.pushNumber(this.toNumber(value));
    else this.pushCategory(toCategory(value));
  }

  private toNumber(value: unknown): number {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) this.allIntegral = false;
      return value;
    }
    if (typeof value === 'string') {
      const text = value.trim();
      if (isFiniteNumberText(text)) {
        // pandas reads "5" as an integer but "5.0" as a float.
        if (!/^[+-]?\d+$/.test(text)) this.allIntegral = false;
        return Number(text);
      }
      if (!NA_TEXT.has(text) && !/^[+-]?(inf|infinity)$/i.test(text)) this.unparseable++;
      return Number.NaN;
    }
    if (value !== undefined && value !== null) this.unparseable++;
    return Number.NaN;
  }

  private slot(): number {
    const i = this.count % this.capacity;
    this.count++;
    return i;
  }

  private pushNumber(v: number): void {
    if (this.count >= this.numbers.length && this.count < this.capacity)
      this.numbers = grow(this.numbers, this.capacity);
    this.numbers[this.slot()] = v;
  }

  private pushCategory(label: string | undefined): void {
    if (this.count >= this.codes.length && this.count < this.capacity)
      this.codes = grow(this.codes, this.capacity);
    let code = -1;
    if (label !== undefined) {
      code = this.dictionary.get(label) ?? -1;
      if (code === -1) {
        code = this.labels.length;
        this.dictionary.set(label, code);
        this.labels.push(label);
      }
    }
    this.codes[this.slot()] = code;
  }

  /** Rows held (at most the capacity). */
  get rows(): number {
    return Math.min(this.count, this.capacity);
  }

  build(): TableColumn {
    const rows = this.rows;
    if (this.kind === 'numerical') {
      const kept = new Float64Array(rows);
      let n = 0;
      for (let i = 0; i < rows; i++) {
        const v = this.numbers[i] as number;
        if (Number.isFinite(v)) kept[n++] = v;
      }
      const sorted = kept.subarray(0, n).sort();
      const sample: NumericalSample = { kind: 'numerical', sorted, integral: this.allIntegral && n === rows };
      return { name: this.name, sample, dropped: rows - n };
    }
    const tally = new Float64Array(this.labels.length);
    let size = 0;
    for (let i = 0; i < rows; i++) {
      const code = this.codes[i] as number;
      if (code >= 0) {
        (tally[code] as number)++;
        size++;
      }
    }
    const counts = new Map<string, number>();
    this.labels.forEach((label, code) => {
      if ((tally[code] as number) > 0) counts.set(label, tally[code] as number);
    });
    const sample: CategoricalSample = { kind: 'categorical', counts, size };
    return { name: this.name, sample, dropped: rows - size };
  }
}

function toCategory(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return NA_TEXT.has(text.trim()) ? undefined : text;
}

function grow<T extends Float64Array | Int32Array>(array: T, capacity: number): T {
  const size = Math.min(Math.max(array.length * 2, 1024), capacity);
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/** Builds a table from builders that all received one value per row. */
export function buildTable(builders: ColumnBuilder[]): DriftTable {
  const columns = new Map<string, TableColumn>();
  for (const b of builders) columns.set(b.name, b.build());
  return { rows: builders[0]?.rows ?? 0, columns };
}

/** One column from parts of the same data read separately: sorted runs merged, counts summed. */
export function mergeColumns(parts: readonly TableColumn[]): TableColumn {
  const first = parts[0]!;
  const dropped = parts.reduce((n, p) => n + p.dropped, 0);
  if (first.sample.kind === 'numerical') {
    const runs = parts.map((p) => p.sample as NumericalSample);
    let sorted = runs[0]!.sorted;
    for (const run of runs.slice(1)) sorted = mergeSorted(sorted, run.sorted);
    const integral = runs.every((r) => r.integral) && dropped === 0;
    return { name: first.name, sample: { kind: 'numerical', sorted, integral }, dropped };
  }
  const counts = new Map<string, number>();
  let size = 0;
  for (const p of parts) {
    const s = p.sample as CategoricalSample;
    size += s.size;
    for (const [k, n] of s.counts) counts.set(k, (counts.get(k) ?? 0) + n);
  }
  return { name: first.name, sample: { kind: 'categorical', counts, size }, dropped };
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] as number) <= (b[j] as number) ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** A numerical column of a classifier's output read as categories ("0", "1", …), as Evidently types it. */
export function asCategorical(column: TableColumn): TableColumn {
  if (column.sample.kind === 'categorical') return column;
  const counts = new Map<string, number>();
  for (const v of column.sample.sorted) {
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { ...column, sample: { kind: 'categorical', counts, size: column.sample.sorted.length } };
}

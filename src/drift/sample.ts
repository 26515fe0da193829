/**
 * One column's values as the statistics see them, NaN and ±inf already dropped: numerical values sorted
 * once (every numerical test and the histograms read the sorted array), categorical values as counts.
 */
export type Sample = NumericalSample | CategoricalSample;

export interface NumericalSample {
  readonly kind: 'numerical';
  /** Finite values, ascending. */
  readonly sorted: Float64Array;
  /** Every value was written as an integer and none was missing (pandas would hold the column as int64). */
  readonly integral: boolean;
}

export interface CategoricalSample {
  readonly kind: 'categorical';
  /** Occurrences of each value. */
  readonly counts: ReadonlyMap<string, number>;
  /** Sum of the counts. */
  readonly size: number;
}

export function sampleSize(s: Sample): number {
  return s.kind === 'numerical' ? s.sorted.length : s.size;
}

/** Number of distinct values in a sorted array. */
export function distinctSorted(a: Float64Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) n++;
  return n;
}

/** Number of distinct values in one sample. */
export function distinctCount(s: Sample): number {
  return s.kind === 'numerical' ? distinctSorted(s.sorted) : s.counts.size;
}

/** Number of distinct values in the union of two samples of the same kind. */
export function distinctUnion(a: Sample, b: Sample): number {
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    let n = a.counts.size;
    for (const key of b.counts.keys()) if (!a.counts.has(key)) n++;
    return n;
  }
  if (a.kind === 'numerical' && b.kind === 'numerical') {
    const x = a.sorted;
    const y = b.sorted;
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      const v =
        j >= y.length || (i < x.length && (x[i] as number) <= (y[j] as number))
          ? (x[i] as number)
          : (y[j] as number);
      while (i < x.length && x[i] === v) i++;
      while (j < y.length && y[j] === v) j++;
      n++;
    }
    return n;
  }
  throw new TypeError('cannot compare a numerical sample with a categorical one');
}

/** The union of both samples' distinct values, with each sample's count of every value, in key order. */
export interface PairCounts {
  /** Distinct values: numbers ascending, or strings in code-point order. */
  keys: Array<number | string>;
  reference: Float64Array;
  current: Float64Array;
}

export function pairCounts(a: Sample, b: Sample): PairCounts {
  if (a.kind === 'numerical' && b.kind === 'numerical') return numericPairCounts(a.sorted, b.sorted);
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    const keys = [...new Set([...a.counts.keys(), ...b.counts.keys()])].sort(compareCodePoints);
    return {
      keys,
      reference: Float64Array.from(keys, (k) => a.counts.get(k) ?? 0),
      current: Float64Array.from(keys, (k) => b.counts.get(k) ?? 0),
    };
  }
  throw new TypeError('cannot compare a numerical sample with a categorical one');
}

function numericPairCounts(a: Float64Array, b: Float64Array): PairCounts {
  const keys: number[] = [];
  const ref: number[] = [];
  const cur: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const v =
      j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))
        ? (a[i] as number)
        : (b[j] as number);
    const i0 = i;
    const j0 = j;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    keys.push(v);
    ref.push(i - i0);
    cur.push(j - j0);
  }
  return { keys, reference: Float64Array.from(ref), current: Float64Array.from(cur) };
}

export function compareCodePoints(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Builds a sample from unsorted values (tests and small inputs); drops NaN and ±inf. */
export function numericalSample(values: ArrayLike<number>, integral = false): NumericalSample {
  const kept = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) kept[n++] = v;
  }
  return { kind: 'numerical', sorted: kept.subarray(0, n).sort(), integral };
}

export function categoricalSample(values: Iterable<string>): CategoricalSample {
  const counts = new Map<string, number>();
  let size = 0;
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
    size++;
  }
  return { kind: 'categorical', counts, size };
}

/** Neumaier's compensated sum: the accuracy of pairwise summation without its bookkeeping. */
export class Accumulator {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      // An infinite term (e.g. a chi-square cell with expected 0) makes the sum infinite; no compensation.
      this.sum += x;
      return;
    }
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return Number.isFinite(this.sum) ? this.sum + this.compensation : this.sum;
  }
}

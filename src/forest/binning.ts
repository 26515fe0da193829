/**
 * Features pre-binned into at most 256 bins (one byte per value), the representation the tree learner
 * searches splits on. A numeric feature with few distinct values gets one bin per value, so splits are
 * exactly scikit-learn's; a continuous one gets quantile bins of about equal row counts. A categorical
 * feature's bin is its category code. A feature with missing values (NaN) keeps its last bin for them,
 * so it has at most 255 bins of values.
 *
 * Numeric bin b holds the values in (cut[b-1], cut[b]]. `lower`/`upper` keep the smallest and largest
 * training value of each bin: a split between bins is turned into a real threshold, the midpoint of the
 * values either side, so prediction works on raw numbers.
 */
export const MAX_BINS = 256;
/** Categories of one categorical feature, at most: with the missing bin they fill a byte. */
export const MAX_CATEGORIES = MAX_BINS - 1;

export interface BinnedFeatures {
  /** Rows. */
  readonly n: number;
  /** Features. */
  readonly d: number;
  /** Bin of every value, column-major: feature f's bins are `bins[f*n .. f*n+n)`. */
  readonly bins: Uint8Array;
  /**
   * The raw values, row-major (`values[row*d + f]`; category codes for categorical features, NaN for a
   * missing value): rows a tree did not see are routed on them, as the predictor will, and a row's
   * values side by side keep that walk in cache.
   */
  readonly values: Float64Array;
  /** Number of bins of values per feature (categories, for a categorical feature). */
  readonly binCount: Uint16Array;
  /** 1 when the feature has missing values: they are in bin `binCount[f]`. */
  readonly hasMissing: Uint8Array;
  /** 1 for a categorical feature. */
  readonly categorical: Uint8Array;
  /** Smallest training value in bin b of feature f, at `f*MAX_BINS + b`. */
  readonly lower: Float64Array;
  /** Largest training value in bin b of feature f, at `f*MAX_BINS + b`. */
  readonly upper: Float64Array;
}

/** Where the arrays live: a SharedArrayBuffer lets worker threads read them without a copy. */
export type BufferFactory = (bytes: number) => ArrayBufferLike;
export const sharedBuffer: BufferFactory = (bytes) => new SharedArrayBuffer(bytes);

/**
 * Bins every column. `categories[f]` > 0 marks feature f as categorical with that many categories (its
 * values are codes 0…C-1 or NaN); 0 or absent, numeric.
 */
export function binFeatures(
  columns: readonly Float64Array[],
  maxBins = MAX_BINS,
  allocate: BufferFactory = sharedBuffer,
  categories: readonly number[] = [],
): BinnedFeatures {
  if (maxBins < 2 || maxBins > MAX_BINS) throw new RangeError(`maxBins must be in [2, ${MAX_BINS}]`);
  const d = columns.length;
  const n = columns[0]?.length ?? 0;
  const bins = new Uint8Array(allocate(n * d));
  const values = new Float64Array(allocate(8 * n * d));
  const binCount = new Uint16Array(allocate(2 * d));
  const hasMissing = new Uint8Array(allocate(d));
  const categorical = new Uint8Array(allocate(d));
  const lower = new Float64Array(allocate(8 * d * MAX_BINS));
  const upper = new Float64Array(allocate(8 * d * MAX_BINS));
  columns.forEach((column, f) => {
    const missing = column.some((v) => Number.isNaN(v));
    const C = categories[f] ?? 0;
    if (C > MAX_CATEGORIES) throw new RangeError(`feature ${f} has ${C} categories, over ${MAX_CATEGORIES}`);
    // Numeric: the cuts over the values present; a categorical feature's codes are its bins.
    const cuts = C > 0 ? undefined : binCuts(column, missing ? Math.min(maxBins, MAX_BINS - 1) : maxBins);
    const count = cuts === undefined ? C : cuts.length + 1;
    binCount[f] = count;
    hasMissing[f] = missing ? 1 : 0;
    categorical[f] = C > 0 ? 1 : 0;
    const out = bins.subarray(f * n, f * n + n);
    const base = f * MAX_BINS;
    lower.fill(Infinity, base, base + MAX_BINS);
    upper.fill(-Infinity, base, base + MAX_BINS);
    for (let i = 0; i < n; i++) {
      const v = column[i] as number;
      values[i * d + f] = v;
      if (v !== v) {
        out[i] = count;
        continue;
      }
      const b = cuts === undefined ? v : binOf(cuts, v);
      out[i] = b;
      if (v < (lower[base + b] as number)) lower[base + b] = v;
      if (v > (upper[base + b] as number)) upper[base + b] = v;
    }
  });
  return { n, d, bins, values, binCount, hasMissing, categorical, lower, upper };
}

/**
 * Upper bounds of every bin but the last, strictly increasing, over the values that are not NaN. With
 * at most `maxBins` distinct values, each value is its own bin; otherwise the cuts sit at evenly spaced
 * ranks, and a value repeated across several ranks simply collapses them into one bin.
 */
export function binCuts(column: Float64Array, maxBins: number): Float64Array {
  const all = Float64Array.from(column).sort();
  // A typed array sorts NaN last.
  let n = all.length;
  while (n > 0 && Number.isNaN(all[n - 1] as number)) n--;
  const sorted = all.subarray(0, n);
  const distinct: number[] = [];
  for (let i = 0; i < n && distinct.length <= maxBins; i++) {
    const v = sorted[i] as number;
    if (i === 0 || v !== sorted[i - 1]) distinct.push(v);
  }
  if (distinct.length <= maxBins) return Float64Array.from(distinct.slice(0, -1));
  const cuts: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const v = sorted[Math.floor((k * n) / maxBins) - 1] as number;
    if (v !== sorted[n - 1] && (cuts.length === 0 || v > (cuts[cuts.length - 1] as number))) cuts.push(v);
  }
  return Float64Array.from(cuts);
}

/** The first bin whose upper bound is ≥ v (binary search; v above every cut → the last bin). */
export function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Threshold of a split that sends every number left and only the missing values right. */
export const ALL_NUMBERS = Number.MAX_VALUE;

/**
 * The threshold of a split that sends bins ≤ `leftBin` left and bins ≥ `rightBin` right: the midpoint
 * of the values either side, as scikit-learn does. When the two values are adjacent doubles the midpoint
 * can round up to the right value; then the left value itself is the threshold (`x ≤ t` goes left).
 */
export function splitThreshold(
  data: BinnedFeatures,
  feature: number,
  leftBin: number,
  rightBin: number,
): number {
  const a = data.upper[feature * MAX_BINS + leftBin] as number;
  const b = data.lower[feature * MAX_BINS + rightBin] as number;
  const mid = a / 2 + b / 2;
  return mid >= b || mid < a ? a : mid;
}

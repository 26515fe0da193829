import { equalWidthEdges, sturgesBinCount } from './stats/binning';

/**
 * Both sides' shares for the report's charts — all the HTML ever embeds of the data: equal-width bins
 * (on a linear axis, or a symmetric-log one for heavy tails), or one bar per value / category.
 */
export type Histogram =
  | { kind: 'bins'; scale: 'linear' | 'log'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'values'; labels: string[]; reference: number[]; current: number[] };

export const EMPTY_HISTOGRAM: Histogram = { kind: 'values', labels: [], reference: [], current: [] };

/** Categories drawn; the rest are folded into "other". */
const MAX_CATEGORIES = 15;

/** Quantiles of the reference's numbers, for choosing the chart's axis. */
export interface Quantiles {
  q01: number;
  q25: number;
  q50: number;
  q75: number;
  q99: number;
}

/** A log axis: ln x for positive data, else sign(x − centre)·ln(1 + |x − centre| / width). */
type LogAxis = { kind: 'log' } | { kind: 'symlog'; centre: number; width: number };

/**
 * The report's bin edges over [min, max]: `bins`, else Sturges' count kept between 10 and 40. When the
 * range is mostly tail — wider than 8× the reference's central 98% — the bins are equal on a log axis
 * instead (plain log for positive data, a symmetric log around the median otherwise), so the bulk of
 * the data is not squeezed into one bar.
 */
export function chartEdges(
  min: number,
  max: number,
  size: number,
  bins: number | undefined,
  quantiles: Quantiles | undefined,
): { edges: Float64Array; scale: 'linear' | 'log' } {
  const count = bins ?? Math.min(40, Math.max(10, sturgesBinCount(min, max, size, false)));
  const axis = quantiles ? logAxis(min, max, quantiles) : undefined;
  if (!axis) return { edges: equalWidthEdges(min, max, count), scale: 'linear' };
  const to = (x: number): number =>
    axis.kind === 'log'
      ? Math.log(x)
      : Math.sign(x - axis.centre) * Math.log1p(Math.abs(x - axis.centre) / axis.width);
  const from = (y: number): number =>
    axis.kind === 'log' ? Math.exp(y) : axis.centre + Math.sign(y) * axis.width * Math.expm1(Math.abs(y));
  const lo = to(min);
  const hi = to(max);
  const edges = new Float64Array(count + 1);
  for (let i = 0; i <= count; i++)
    edges[i] = i === 0 ? min : i === count ? max : from(lo + ((hi - lo) * i) / count);
  return { edges, scale: 'log' };
}

function logAxis(min: number, max: number, q: Quantiles): LogAxis | undefined {
  const central = q.q99 - q.q01;
  if (!(central > 0) || max - min <= 8 * central) return undefined;
  if (min > 0) return { kind: 'log' };
  return { kind: 'symlog', centre: q.q50, width: (q.q75 - q.q25) / 2 || central / 20 };
}

/** Shares of the counts over bins. */
export function binsHistogram(
  edges: Float64Array,
  scale: 'linear' | 'log',
  counts: { reference: Float64Array; current: Float64Array },
  n: { reference: number; current: number },
): Histogram {
  return {
    kind: 'bins',
    scale,
    edges: Array.from(edges),
    reference: shares(counts.reference, n.reference),
    current: shares(counts.current, n.current),
  };
}

/** One bar per value, in the order given (numbers ascending). */
export function valuesHistogram(
  labels: string[],
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  n: { reference: number; current: number },
): Histogram {
  return {
    kind: 'values',
    labels,
    reference: shares(reference, n.reference),
    current: shares(current, n.current),
  };
}

/** The most frequent categories (the rest folded into "other"), shown in natural order: 0, 1, 2, a, b. */
export function categoriesHistogram(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
  n: { reference: number; current: number },
): Histogram {
  const total = new Map<string, number>();
  for (const side of [reference, current]) for (const [k, c] of side) total.set(k, (total.get(k) ?? 0) + c);
  const ranked = [...total.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k]) => k);
  const shown = (ranked.length > MAX_CATEGORIES ? ranked.slice(0, MAX_CATEGORIES - 1) : ranked).sort(
    naturalOrder,
  );
  const rest = ranked.slice(shown.length);
  const row = (side: ReadonlyMap<string, number>): number[] => {
    const values = shown.map((k) => side.get(k) ?? 0);
    if (rest.length) values.push(rest.reduce((s, k) => s + (side.get(k) ?? 0), 0));
    return values;
  };
  const labels = rest.length ? [...shown, `other (${rest.length})`] : shown;
  return valuesHistogram(labels, row(reference), row(current), n);
}

function naturalOrder(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function shares(counts: ArrayLike<number>, n: number): number[] {
  return Array.from(counts, (c) => (n ? c / n : 0));
}

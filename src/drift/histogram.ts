import type { Sample } from './sample';
import { equalWidthEdges, histogramCounts, sturgesBinCount } from './stats/binning';

/** Binned shares of both samples for the report's charts: all the HTML ever embeds of the data. */
export type Histogram =
  | { kind: 'numerical'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'categorical'; labels: string[]; reference: number[]; current: number[] };

const MAX_CATEGORIES = 15;

/**
 * Equal-width bins over both samples' range (`bins`, else Sturges' count kept between 10 and 40) for
 * numbers; the most frequent categories (the rest folded into "other") for categories.
 */
export function histogramOf(reference: Sample, current: Sample, bins?: number): Histogram {
  if (reference.kind === 'numerical' && current.kind === 'numerical') {
    const a = reference.sorted;
    const b = current.sorted;
    const lows = [a[0], b[0]].filter((v): v is number => v !== undefined);
    const highs = [a[a.length - 1], b[b.length - 1]].filter((v): v is number => v !== undefined);
    if (lows.length === 0) return { kind: 'numerical', edges: [], reference: [], current: [] };
    const min = Math.min(...lows);
    const max = Math.max(...highs);
    const count = bins ?? Math.min(40, Math.max(10, sturgesBinCount(min, max, a.length + b.length, false)));
    const edges = equalWidthEdges(min, max, count);
    return {
      kind: 'numerical',
      edges: Array.from(edges),
      reference: shares(histogramCounts(a, edges), a.length),
      current: shares(histogramCounts(b, edges), b.length),
    };
  }
  const ref = reference.kind === 'categorical' ? reference : undefined;
  const cur = current.kind === 'categorical' ? current : undefined;
  const total = new Map<string, number>();
  for (const s of [ref, cur]) for (const [k, n] of s?.counts ?? []) total.set(k, (total.get(k) ?? 0) + n);
  const ranked = [...total.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k]) => k);
  // The most frequent categories, shown in natural order (numbers by value: 0, 1, 2 — not by count).
  const shown = (ranked.length > MAX_CATEGORIES ? ranked.slice(0, MAX_CATEGORIES - 1) : ranked).sort(
    naturalOrder,
  );
  const rest = ranked.slice(shown.length);
  const row = (s: typeof ref): number[] => {
    const size = s?.size ?? 0;
    const values = shown.map((k) => (size ? (s?.counts.get(k) ?? 0) / size : 0));
    if (rest.length) values.push(size ? rest.reduce((n, k) => n + (s?.counts.get(k) ?? 0), 0) / size : 0);
    return values;
  };
  return {
    kind: 'categorical',
    labels: rest.length ? [...shown, `other (${rest.length})`] : shown,
    reference: row(ref),
    current: row(cur),
  };
}

function naturalOrder(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function shares(counts: Float64Array, n: number): number[] {
  return Array.from(counts, (c) => (n ? c / n : 0));
}

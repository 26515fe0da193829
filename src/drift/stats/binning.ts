/** Bin edges as numpy's `histogram_bin_edges` computes them for equal-width bins. */
export function equalWidthEdges(min: number, max: number, bins: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    // numpy widens an empty range to avoid dividing by zero.
    first -= 0.5;
    last += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/**
 * The number of bins numpy's `bins="sturges"` gives `size` values spanning [min, max]: the width is
 * range / (log2(size) + 1), at least 1 for integer data, and the count is range / width rounded up.
 */
export function sturgesBinCount(min: number, max: number, size: number, integral: boolean): number {
  let width = (max - min) / (Math.log2(size) + 1);
  if (width === 0) return 1;
  if (integral && width < 1) width = 1;
  const [first, last] = min === max ? [min - 0.5, max + 0.5] : [min, max];
  return Math.ceil((last - first) / width);
}

import { binCuts, binFeatures, binOf, splitThreshold } from './binning';

describe('binFeatures', () => {
  it('gives each distinct value its own bin when there are few', () => {
    const data = binFeatures([Float64Array.from([3, 1, 2, 1, 3, 2.5])]);
    expect(data.binCount[0]).toBe(4);
    expect(Array.from(data.bins)).toEqual([3, 0, 1, 0, 3, 2]);
    expect(data.lower[2]).toBe(2.5);
    expect(data.upper[2]).toBe(2.5);
  });

  it('splits between bins at the midpoint of the values either side, as scikit-learn', () => {
    const data = binFeatures([Float64Array.from([1, 2, 4, 8])]);
    expect(splitThreshold(data, 0, 0, 1)).toBe(1.5);
    expect(splitThreshold(data, 0, 1, 3)).toBe(5);
  });

  it('falls back to the left value when the midpoint of adjacent doubles rounds up', () => {
    const a = 1;
    const b = 1 + Number.EPSILON;
    const data = binFeatures([Float64Array.from([a, b])]);
    const t = splitThreshold(data, 0, 0, 1);
    expect(a <= t).toBe(true);
    expect(b <= t).toBe(false);
  });

  it('uses at most 256 quantile bins of similar size for a continuous feature', () => {
    const n = 10_000;
    const column = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1000);
    const data = binFeatures([column]);
    expect(data.binCount[0]).toBe(256);
    const sizes = new Array<number>(256).fill(0);
    data.bins.forEach((b) => (sizes[b] = (sizes[b] as number) + 1));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(Math.floor(n / 256) - 1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil(n / 256) + 1);
    // Bins are ordered: a larger value never lands in a smaller bin.
    const order = Array.from(column.keys()).sort((i, j) => (column[i] as number) - (column[j] as number));
    let inversions = 0;
    for (let k = 1; k < n; k++)
      if ((data.bins[order[k] as number] as number) < (data.bins[order[k - 1] as number] as number))
        inversions++;
    expect(inversions).toBe(0);
  });

  it('collapses a heavily repeated value into one bin', () => {
    const column = Float64Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : i));
    const cuts = binCuts(column, 256);
    expect(Array.from(cuts).filter((c) => c === 0)).toHaveLength(1);
    expect(binOf(cuts, 0)).toBe(0);
    expect(binOf(cuts, 999)).toBe(cuts.length);
  });

  it('keeps a split on raw values equivalent to the split on bins', () => {
    const column = Float64Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 5000) / 13);
    const data = binFeatures([column]);
    for (const cut of [0, 17, 100, 254]) {
      const t = splitThreshold(data, 0, cut, cut + 1);
      const disagree = Array.from(column).filter((v, i) => v <= t !== (data.bins[i] as number) <= cut);
      expect(disagree).toEqual([]);
    }
  });
});

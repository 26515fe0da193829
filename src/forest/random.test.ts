import { createRng, treeStream } from './random';

describe('createRng', () => {
  it('replays the same sequence for the same seed and stream', () => {
    const a = createRng(42, treeStream(3));
    const b = createRng(42, treeStream(3));
    const xs = Array.from({ length: 100 }, () => a.nextUint32());
    expect(Array.from({ length: 100 }, () => b.nextUint32())).toEqual(xs);
  });

  it('gives different sequences to different seeds and streams', () => {
    const first = (seed: number, stream: number): number[] => {
      const r = createRng(seed, stream);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(first(42, 1)).not.toEqual(first(43, 1));
    expect(first(42, 1)).not.toEqual(first(42, 2));
    expect(first(0, 0)).not.toEqual(first(0, 1));
  });

  it('draws integers in [0, n) with every value reachable and no visible bias', () => {
    const r = createRng(7, 0);
    const counts = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = r.nextInt(10);
      if (!(v >= 0 && v < 10 && Number.isInteger(v))) outside++;
      else counts[v] = (counts[v] as number) + 1;
    }
    expect(outside).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('covers large ranges through 53-bit floats', () => {
    const r = createRng(1, 0);
    const n = 10_000_000;
    let max = 0;
    for (let i = 0; i < 1000; i++) max = Math.max(max, r.nextInt(n));
    expect(max).toBeGreaterThan(n * 0.9);
    expect(max).toBeLessThan(n);
    const f = r.nextFloat();
    expect(f >= 0 && f < 1).toBe(true);
  });
});

import { radixSort } from '../../../src/drift/values/radix-sort';
import { FewValues } from '../../../src/drift/values/few-values';
import { NumberSpool, SpillDir } from '../../../src/drift/values/spill';
import { openRuns, sortedRun } from '../../../src/drift/values/runs';
import type { Run } from '../../../src/drift/values/runs';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

function pairsOf(runs: readonly Run[]): number[] {
  const out: number[] = [];
  const cursor = openRuns(runs);
  while (cursor.next()) out.push(cursor.value, cursor.count);
  cursor.close();
  return out;
}

describe('sorted runs', () => {
  it('radix-sorts doubles exactly as the built-in sort does: negatives, zeros, subnormals, huge values, ties', () => {
    const r = rng(5);
    const special = [-0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.1, 0.1];
    const values = Float64Array.from({ length: 5000 }, (_, i) =>
      i < special.length ? special[i]! : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20),
    );
    const expected = values.slice().sort();
    radixSort(values, values.length);
    expect(Array.from(values)).toEqual(Array.from(expected));
    // Narrow data where whole digits are shared (those passes are skipped).
    const narrow = Float64Array.from({ length: 3000 }, () => 1000 + Math.floor(r() * 50));
    const sortedNarrow = narrow.slice().sort();
    radixSort(narrow, narrow.length);
    expect(Array.from(narrow)).toEqual(Array.from(sortedNarrow));
  });

  it('counts a column of few distinct values in a table, and gives up on the 65th', () => {
    const few = new FewValues();
    for (let i = 0; i < 1000; i++) expect(few.add(i % 64)).toBe(true);
    expect(few.add(64)).toBe(false);
    const pairs = Array.from(few.pairs());
    expect(pairs.slice(0, 4)).toEqual([0, 16, 1, 16]);
    expect(pairs.length).toBe(128);
  });

  it('spills full buffers as sorted runs and merges them back to exactly the in-memory result', () => {
    const spill = new SpillDir();
    try {
      const r = rng(9);
      const values = Array.from({ length: 50_000 }, () => Math.round(r() * 20_000) / 100);
      const small = new NumberSpool(4096, spill);
      const large = new NumberSpool(1 << 20, undefined);
      for (const v of values) {
        small.push(v);
        large.push(v);
      }
      const spilled = small.finish();
      expect(spilled.filter((run) => run.kind === 'file').length).toBeGreaterThan(5);
      const inMemory = large.finish();
      expect(inMemory.every((run) => run.kind === 'memory')).toBe(true);
      expect(pairsOf(spilled)).toEqual(pairsOf(inMemory));
      expect(pairsOf(inMemory)).toEqual(
        pairsOf([{ kind: 'memory', ...sortedRun(Float64Array.from(values), values.length) }]),
      );
    } finally {
      spill.dispose();
    }
  });

  it('starts counting, then buffers when a column turns out to have many values: one run of each', () => {
    const spool = new NumberSpool(1 << 16, undefined);
    for (let i = 0; i < 200; i++) spool.push(i % 3);
    for (let i = 0; i < 100; i++) spool.push(10 + i);
    const runs = spool.finish();
    expect(runs.length).toBe(2);
    const pairs = pairsOf(runs);
    expect(pairs.slice(0, 6)).toEqual([0, 67, 1, 67, 2, 66]);
    expect(pairs.length / 2).toBe(103);
  });
});

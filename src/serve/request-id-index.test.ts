import { randomUUID } from 'node:crypto';
import { MAX_ID_LENGTH, RequestIdIndex } from './request-id-index';

describe('RequestIdIndex', () => {
  it('finds what a Map would, through many wraps of the ring with random and repeated ids', () => {
    const capacity = 500;
    const index = new RequestIdIndex(capacity);
    const model = new Map<string, number>();
    const slots: Array<string | undefined> = new Array(capacity);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pool = Array.from({ length: 900 }, (_, i) => (i % 3 === 0 ? randomUUID() : `c-${i}`));
    // Mismatches are collected and checked once: 200,000 expect() calls would take seconds by themselves.
    const wrong: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const slot = n % capacity;
      const id = pool[Math.floor(random() * pool.length)] as string;
      const old = slots[slot];
      if (old !== undefined && model.get(old) === slot) model.delete(old);
      const moved = model.get(id);
      if (moved !== undefined) slots[moved] = undefined;
      if (!index.set(slot, id)) wrong.push(`set(${slot}, ${id}) refused`);
      slots[slot] = id;
      model.set(id, slot);
      if (n % 97 === 0) {
        for (const probe of pool) {
          const want = model.get(probe) ?? -1;
          if (index.get(probe) !== want)
            wrong.push(`after ${n}: get(${probe}) = ${index.get(probe)}, want ${want}`);
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('leaves a slot empty for an id it cannot keep, and clears slots', () => {
    const index = new RequestIdIndex(4);
    expect(index.set(0, 'x'.repeat(MAX_ID_LENGTH))).toBe(true);
    expect(index.set(1, 'x'.repeat(MAX_ID_LENGTH + 1))).toBe(false);
    expect(index.set(2, 'caf\u00e9')).toBe(false);
    expect(index.set(3, '')).toBe(false);
    expect(index.get('x'.repeat(MAX_ID_LENGTH))).toBe(0);
    expect(index.get('caf\u00e9')).toBe(-1);
    index.clear(0);
    index.clear(0);
    expect(index.get('x'.repeat(MAX_ID_LENGTH))).toBe(-1);
  });
});

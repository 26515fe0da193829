import type { MlctlError } from '../errors';
import { stratifiedSplit } from './split';

const labels = (counts: number[]): Uint16Array =>
  Uint16Array.from(counts.flatMap((n, c) => new Array<number>(n).fill(c)));

describe('stratifiedSplit', () => {
  it('holds out ceil(test_size × n) rows in the classes’ proportions', () => {
    const y = labels([50, 30, 20]);
    const { train, test } = stratifiedSplit(y, [0, 1, 2], 0.2, 42);
    expect(test.length).toBe(20);
    expect(train.length).toBe(80);
    const perClass = [0, 1, 2].map((c) => Array.from(test).filter((i) => y[i] === c).length);
    expect(perClass).toEqual([10, 6, 4]);
  });

  it('splits every row exactly once, each side in ascending order', () => {
    const y = labels([13, 7, 9]);
    const { train, test } = stratifiedSplit(y, [0, 1, 2], 0.3, 1);
    const all = [...Array.from(train), ...Array.from(test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: y.length }, (_, i) => i));
    expect(Array.from(test)).toEqual(Array.from(test).sort((a, b) => a - b));
  });

  it('gives leftover rows to the largest remainders and keeps a training row in every class', () => {
    const y = labels([3, 3, 2]);
    const { test } = stratifiedSplit(y, ['a', 'b', 'c'], 0.5, 9);
    expect(test.length).toBe(4);
    for (const c of [0, 1, 2])
      expect(Array.from(test).filter((i) => y[i] === c).length).toBeLessThan(c === 2 ? 2 : 3);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const y = labels([40, 40]);
    const a = stratifiedSplit(y, [0, 1], 0.25, 42);
    expect(stratifiedSplit(y, [0, 1], 0.25, 42)).toEqual(a);
    expect(stratifiedSplit(y, [0, 1], 0.25, 43).test).not.toEqual(a.test);
  });

  it('refuses a class with a single row, or a side too small for the classes', () => {
    const attempt = (y: Uint16Array, size: number): MlctlError => {
      try {
        stratifiedSplit(y, ['x', 'y', 'z'], size, 1);
      } catch (err) {
        return err as MlctlError;
      }
      throw new Error('expected a failure');
    };
    const lonely = attempt(labels([5, 5, 1]), 0.2);
    expect(lonely.code).toBe('INPUT_INVALID');
    expect(lonely.problems.join('\n')).toContain('class z: 1 row');
    expect(attempt(labels([2, 2, 2]), 0.2).problems.join('\n')).toContain('the test side would have 2 rows');
  });
});

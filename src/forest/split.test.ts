import type { MlctlError } from '../errors';
import fixtures from '../../test/fixtures/sklearn-splits.json';
import { NumpyRandomState } from './numpy-random';
import { approximateMode, shuffleSplit, stratifiedSplit } from './split';

const labels = (counts: number[]): Uint16Array =>
  Uint16Array.from(counts.flatMap((n, c) => new Array<number>(n).fill(c)));

describe('stratifiedSplit', () => {
  it.each(fixtures.cases.map((c) => [c.labels.length, c.test_size, c.seed, c] as const))(
    'holds out the rows scikit-learn holds out (%i rows, test_size %f, random_state %i)',
    (_n, _size, _seed, c) => {
      const classes = [...new Set(c.labels)].sort((a, b) => a - b);
      const y = Uint16Array.from(c.labels, (l) => classes.indexOf(l));
      expect(Array.from(stratifiedSplit(y, classes, c.test_size, c.seed).test)).toEqual(c.test);
    },
  );

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

  it('gives leftover rows to the largest remainders', () => {
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

describe('NumpyRandomState', () => {
  it('replays NumPy’s MT19937: RandomState(42).randint(0, 2**32) and permutation', () => {
    // np.random.RandomState(42).randint(0, 2**32, size=3, dtype=np.uint64) → 1608637542, 3421126067, 4083286876
    const r = new NumpyRandomState(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([1608637542, 3421126067, 4083286876]);
    // np.random.RandomState(0).permutation(10)
    expect(new NumpyRandomState(0).permutation(10)).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
  });

  it('breaks ties like scikit-learn’s _approximate_mode docstring', () => {
    expect(approximateMode([4, 2], 3, new NumpyRandomState(0))).toEqual([2, 1]);
    expect(approximateMode([5, 2], 4, new NumpyRandomState(0))).toEqual([3, 1]);
    expect(approximateMode([2, 2, 2, 1], 2, new NumpyRandomState(0))).toEqual([0, 1, 1, 0]);
    expect(approximateMode([2, 2, 2, 1], 2, new NumpyRandomState(42))).toEqual([1, 1, 0, 0]);
  });
});

describe('shuffleSplit', () => {
  it.each(fixtures.shuffle.map((c) => [c.n, c.test_size, c.seed, c] as const))(
    'holds out the rows scikit-learn holds out without stratification (%i rows, test_size %f, random_state %i)',
    (n, size, seed, c) => {
      const { train, test } = shuffleSplit(n, size, seed);
      expect(Array.from(test)).toEqual(c.test);
      expect(train.length + test.length).toBe(n);
    },
  );

  it('refuses a split that leaves a side empty', () => {
    expect(() => shuffleSplit(1, 0.5, 0)).toThrow(/too few rows/);
  });
});

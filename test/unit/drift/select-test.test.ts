import { STAT_TESTS, selectStatTest } from '../../../src/drift/select-test';
import { compareCells } from './columns';

const times = (k: number, cells: string[]): string[] => range(k).flatMap(() => cells);
const range = <T = number>(n: number, f: (i: number) => T = (i) => i as T): T[] =>
  Array.from({ length: n }, (_, i) => f(i));

describe("Evidently's default test selection", () => {
  it('uses K-S for numbers with more than 5 distinct values up to 1000 reference values', () => {
    expect(selectStatTest('numerical', 1000, 6)).toBe('ks');
    expect(compareCells(range(1000), range(10)).stattest).toBe('ks');
  });

  it('switches to the normed Wasserstein distance above 1000 reference values', () => {
    expect(selectStatTest('numerical', 1001, 6)).toBe('wasserstein');
    expect(compareCells(range(1001), range(10)).stattest).toBe('wasserstein');
  });

  it('counts distinct values over reference and current together', () => {
    // 5 values in the reference, a 6th only in the current: K-S, not chi-square.
    const ref = range(100, (i) => (i % 5) + 0.5);
    expect(compareCells(ref, [0.5, 1.5, 2.5, 3.5, 4.5]).stattest).toBe('chisquare');
    expect(compareCells(ref, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]).stattest).toBe('ks');
  });

  it('uses the z-test for at most 2 distinct values and chi-square for 3 to 5', () => {
    expect(selectStatTest('numerical', 100, 2)).toBe('z');
    expect(selectStatTest('numerical', 100, 3)).toBe('chisquare');
    expect(compareCells(times(5, ['a', 'b']), times(5, ['b', 'a'])).stattest).toBe('z');
    expect(compareCells(times(5, ['a', 'b', 'c']), times(5, ['b', 'a'])).stattest).toBe('chisquare');
  });

  it('uses Jensen–Shannon for categories, and for few-valued numbers, above 1000 reference values', () => {
    expect(selectStatTest('categorical', 1001, 50)).toBe('jensenshannon');
    expect(selectStatTest('numerical', 1001, 5)).toBe('jensenshannon');
    expect(
      compareCells(
        range(2000, (i) => ['a', 'b', 'c'][i % 3]!),
        times(3, ['a', 'b']),
      ).stattest,
    ).toBe('jensenshannon');
  });

  it('keeps the drift rules: K-S p ≤ threshold, other p-values <, distances ≥', () => {
    expect(STAT_TESTS.ks.drifted(0.05, 0.05)).toBe(true);
    expect(STAT_TESTS.chisquare.drifted(0.05, 0.05)).toBe(false);
    expect(STAT_TESTS.z.drifted(0.0499, 0.05)).toBe(true);
    expect(STAT_TESTS.wasserstein.drifted(0.1, 0.1)).toBe(true);
    expect(STAT_TESTS.jensenshannon.drifted(0.0999, 0.1)).toBe(false);
    expect(STAT_TESTS.psi.drifted(0.1, 0.1)).toBe(true);
    expect(Object.values(STAT_TESTS).map((t) => t.defaultThreshold)).toEqual([
      0.05, 0.05, 0.05, 0.1, 0.1, 0.1,
    ]);
  });

  it('never reports drift for a NaN score', () => {
    for (const t of Object.values(STAT_TESTS)) expect(t.drifted(Number.NaN, 0.05)).toBe(false);
  });
});

describe('PSI and Jensen–Shannon binning', () => {
  it('bins a constant column per value and finds no drift against itself', () => {
    const ref = range(500, () => 3.5);
    expect(compareCells(ref, [3.5, 3.5], { stattest: 'psi' }).score).toBe(0);
    expect(compareCells(ref, [3.5, 3.5], { stattest: 'jensenshannon' }).score).toBe(0);
  });

  it('fills empty bins with 0.0001, or min share / 1e6 when the smallest share is that small', () => {
    // Shares: reference a 2/3, b 1/3, c 0 → 0.0001; current a 1/2, b 0 → 0.0001, c 1/2.
    const psi = (r: number[], c: number[]): number =>
      r.reduce((s, x, i) => s + (x - c[i]!) * Math.log(x / c[i]!), 0);
    const expected = psi([2 / 3, 1 / 3, 0.0001], [0.5, 0.0001, 0.5]);
    expect(
      compareCells(times(10, ['a', 'a', 'b']), times(10, ['a', 'c']), { stattest: 'psi' }).score,
    ).toBeCloseTo(expected, 12);
    const rare = [...range(20000, () => 'x'), 'y'];
    const tiny = psi([20000 / 20001, 1 / 20001, 1 / 20001 / 1e6], [0.5, 0.0001, 0.5]);
    expect(compareCells(rare, times(10, ['x', 'z']), { stattest: 'psi' }).score).toBeCloseTo(tiny, 9);
  });

  it('leaves zeros for Jensen–Shannon, which handles them itself', () => {
    expect(compareCells(times(4, ['a']), times(4, ['b']), { stattest: 'jensenshannon' }).score).toBeCloseTo(
      Math.sqrt(Math.LN2),
      12,
    );
  });

  it('uses Sturges bins over both samples above 20 distinct reference values, and --bins instead when given', () => {
    const ref = range(100, (i) => i / 10);
    const cur = range(100, (i) => 5 + i / 10);
    const sturges = compareCells(ref, cur, { stattest: 'psi' }).score!;
    const ten = compareCells(ref, cur, { stattest: 'psi', bins: 10 }).score!;
    // 9 Sturges bins over [0, 14.9]: ref fills bins 0–5, current 3–8; with 10 bins the split moves.
    expect(sturges).not.toBeCloseTo(ten, 6);
    const perValue = compareCells(
      range(20, (i) => i + 0.5),
      range(20, (i) => i + 1.5),
      { stattest: 'psi' },
    ).score!;
    // 20 distinct reference values: one bin per value, so values 20.5 (current only) and 0.5 (reference only) are filled.
    const share = 1 / 20;
    expect(perValue).toBeCloseTo(2 * (share - 0.0001) * Math.log(share / 0.0001), 12);
  });
});

import { categoricalSample, numericalSample } from '../../../src/drift/sample';
import { STAT_TESTS, selectStatTest } from '../../../src/drift/select-test';
import { binnedShares } from '../../../src/drift/stats/binning';
import { psiTest } from '../../../src/drift/stats/psi';
import { jensenShannonTest } from '../../../src/drift/stats/jensenshannon';

const range = (n: number, f: (i: number) => number = (i) => i): number[] =>
  Array.from({ length: n }, (_, i) => f(i));

describe("Evidently's default test selection", () => {
  it('uses K-S for numbers with more than 5 distinct values up to 1000 reference rows', () => {
    expect(selectStatTest(numericalSample(range(1000)), numericalSample(range(10)))).toBe('ks');
  });

  it('switches to the normed Wasserstein distance above 1000 reference rows', () => {
    expect(selectStatTest(numericalSample(range(1001)), numericalSample(range(10)))).toBe('wasserstein');
  });

  it('counts distinct values over reference and current together', () => {
    // 5 values in the reference, a 6th only in the current: K-S, not chi-square.
    const ref = numericalSample(range(100, (i) => i % 5));
    expect(selectStatTest(ref, numericalSample([0, 1, 2, 3, 4]))).toBe('chisquare');
    expect(selectStatTest(ref, numericalSample([0, 1, 2, 3, 4, 5]))).toBe('ks');
  });

  it('uses the z-test for at most 2 distinct values and chi-square for 3 to 5', () => {
    expect(selectStatTest(numericalSample(range(100, (i) => i % 2)), numericalSample([0, 1]))).toBe('z');
    expect(selectStatTest(numericalSample(range(100, (i) => i % 3)), numericalSample([0, 1]))).toBe(
      'chisquare',
    );
    expect(selectStatTest(categoricalSample(['a', 'b', 'a']), categoricalSample(['b']))).toBe('z');
    expect(selectStatTest(categoricalSample(['a', 'b', 'c']), categoricalSample(['b']))).toBe('chisquare');
  });

  it('uses Jensen–Shannon for categories, and for few-valued numbers, above 1000 reference rows', () => {
    const many = range(2000, (i) => i % 7).map(String);
    expect(selectStatTest(categoricalSample(many), categoricalSample(['1']))).toBe('jensenshannon');
    expect(selectStatTest(numericalSample(range(2000, (i) => i % 5)), numericalSample([1]))).toBe(
      'jensenshannon',
    );
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
    const ref = numericalSample(range(500, () => 3));
    const shares = binnedShares(ref, numericalSample(range(50, () => 3)), { fillZeros: true });
    expect(shares.keys).toEqual([3]);
    expect(Array.from(shares.reference)).toEqual([1]);
    expect(psiTest(ref, numericalSample([3, 3]))).toBe(0);
    expect(jensenShannonTest(ref, numericalSample([3, 3]))).toBe(0);
  });

  it('fills empty bins with 0.0001, or min share / 1e6 when the smallest share is that small', () => {
    const ref = categoricalSample(['a', 'a', 'b']);
    const cur = categoricalSample(['a', 'c']);
    const filled = binnedShares(ref, cur, { fillZeros: true });
    expect(filled.keys).toEqual(['a', 'b', 'c']);
    expect(Array.from(filled.reference)).toEqual([2 / 3, 1 / 3, 0.0001]);
    expect(Array.from(filled.current)).toEqual([0.5, 0.0001, 0.5]);
    const rare = categoricalSample([...range(20000, () => 0).map(String), '1']);
    const tiny = binnedShares(rare, categoricalSample(['0', '2']), { fillZeros: true });
    expect(tiny.reference[2]).toBeCloseTo(1 / 20001 / 1e6, 18);
  });

  it('leaves zeros for Jensen–Shannon, which handles them itself', () => {
    const shares = binnedShares(categoricalSample(['a']), categoricalSample(['b']), { fillZeros: false });
    expect(Array.from(shares.reference)).toEqual([1, 0]);
    expect(jensenShannonTest(categoricalSample(['a']), categoricalSample(['b']))).toBeCloseTo(
      Math.sqrt(Math.LN2),
      12,
    );
  });

  it('uses Sturges bins over both samples above 20 distinct reference values, and --bins instead when given', () => {
    const ref = numericalSample(range(100, (i) => i / 10));
    const cur = numericalSample(range(100, (i) => 5 + i / 10));
    const sturges = binnedShares(ref, cur, { fillZeros: false });
    expect(sturges.edges?.length).toBe(Math.ceil(Math.log2(200) + 1) + 1);
    expect(sturges.edges?.[0]).toBe(0);
    expect(sturges.edges?.[sturges.edges.length - 1]).toBeCloseTo(14.9, 12);
    const ten = binnedShares(ref, cur, { fillZeros: false, bins: 10 });
    expect(ten.edges?.length).toBe(11);
    expect(psiTest(ref, cur, 10)).not.toBeCloseTo(psiTest(ref, cur), 6);
  });
});

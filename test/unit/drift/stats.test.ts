import type { StatTestName } from '../../../src/drift/select-test';
import { kolmogorovSf } from '../../../src/drift/stats/kolmogorov';
import { ks2Samp } from '../../../src/drift/stats/ks';
import { smirnovSf } from '../../../src/drift/stats/smirnov';
import { chi2Sf, normalCdf, normalSf } from '../../../src/drift/stats/special';
import {
  normedWasserstein,
  runStandardDeviation,
  wassersteinDistance,
} from '../../../src/drift/stats/wasserstein';
import { sortedRun } from '../../../src/drift/values/runs';
import { compareCells } from './columns';
import type { Cell } from './columns';
import { expectClose, loadScipyFixture, numbers } from './fixtures';
import type { DataSpec } from './fixtures';

const fixture = loadScipyFixture();
const sorted = (spec: DataSpec): Float64Array => numbers(spec).sort();

describe(`statistics agree with scipy ${fixture.scipy} to 1e-6`, () => {
  const byN = <T extends { n: number }>(cases: T[]): Array<[number, T[]]> =>
    [...new Set(cases.map((c) => c.n))].map((n) => [n, cases.filter((c) => c.n === n)]);

  it.each(byN(fixture.kstwo))('kstwo.sf(x, n=%d) over x in (0, 1) and every regime cut-off', (n, cases) => {
    for (const c of cases) expectClose(kolmogorovSf(n, c.x), c.sf, `kstwo n=${n} x=${c.x}`);
  });

  it.each(byN(fixture.smirnov))('smirnov(n=%d, x) over x in (0, 1)', (n, cases) => {
    for (const c of cases) expectClose(smirnovSf(n, c.x), c.sf, `smirnov n=${n} x=${c.x}`);
  });

  it.each(fixture.ks_2samp.map((c) => [c.name, c]))('ks_2samp: %s', (_name, c) => {
    const r = ks2Samp(sorted(c.reference), sorted(c.current));
    expectClose(r.statistic, c.statistic, 'statistic');
    expectClose(r.pvalue, c.pvalue, 'p-value');
  });

  it.each(fixture.wasserstein.map((c) => [c.name, c]))('wasserstein_distance: %s', (_name, c) => {
    const a = sorted(c.reference);
    const b = sorted(c.current);
    const distance = wassersteinDistance(a, b);
    expectClose(distance, c.distance, 'distance');
    expectClose(
      normedWasserstein(
        distance,
        runStandardDeviation({ kind: 'memory', ...sortedRun(a.slice(), a.length) }),
      ),
      c.normed,
      'normed',
    );
  });

  it('chi2.sf over degrees of freedom and the whole range', () => {
    for (const c of fixture.special.chi2) expectClose(chi2Sf(c.x, c.dof), c.sf, `chi2 x=${c.x} dof=${c.dof}`);
  });

  it('norm.sf and norm.cdf into the tails', () => {
    for (const c of fixture.special.norm) {
      expectClose(normalSf(c.z), c.sf, `sf z=${c.z}`);
      expectClose(normalCdf(c.z), c.cdf, `cdf z=${c.z}`);
    }
  });
});

function cellsOf(kind: 'num' | 'int' | 'cat', spec: DataSpec): Cell[] {
  if (kind === 'cat') return (spec as unknown[]).map(String);
  return Array.from(numbers(spec));
}

// The fixture's data was typed the legacy way (numbers numerical, texts categorical): so is it here.
describe(`Evidently ${fixture.evidently} stattests on the same data`, () => {
  it.each(fixture.evidently_tests.map((c) => [c.name, c]))('%s', (_name, c) => {
    const reference = cellsOf(c.kind, c.reference);
    const current = cellsOf(c.kind, c.current);
    const integers = c.kind === 'int';
    expect(compareCells(reference, current, { typing: 'legacy', integers }).stattest).toBe(c.default);
    for (const [test, score] of Object.entries(c.scores)) {
      const forced = compareCells(reference, current, {
        typing: 'legacy',
        integers,
        stattest: test as StatTestName,
      });
      expectClose(forced.score!, score, `${c.name} ${test}`);
    }
  });
});

describe('KS edge cases', () => {
  it('gives p = 1 for identical samples and for a single equal value', () => {
    const a = Float64Array.from([1, 2, 3]);
    expect(ks2Samp(a, a.slice()).pvalue).toBe(1);
    expect(ks2Samp(Float64Array.from([5]), Float64Array.from([5])).pvalue).toBe(1);
  });

  it('uses the exact distribution up to 10,000 values and the asymptotic one beyond', () => {
    const ref = Float64Array.from({ length: 100 }, (_, i) => i);
    expect(
      ks2Samp(
        ref,
        Float64Array.from({ length: 10_000 }, (_, i) => i / 100),
      ).method,
    ).toBe('exact');
    expect(
      ks2Samp(
        ref,
        Float64Array.from({ length: 10_001 }, (_, i) => i / 100),
      ).method,
    ).toBe('asymp');
  });

  it('refuses an empty sample', () => {
    expect(() => ks2Samp(new Float64Array(0), Float64Array.from([1]))).toThrow(RangeError);
  });
});

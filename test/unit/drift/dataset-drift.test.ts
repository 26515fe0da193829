import { analyseDrift } from '../../../src/drift/dataset-drift';
import type { DriftOptions } from '../../../src/drift/dataset-drift';
import { WindowedAccumulator } from '../../../src/drift/values/window';
import { openRuns } from '../../../src/drift/values/runs';
import type { ColumnSide } from '../../../src/drift/values/column-side';
import { profileOf, sideOf } from './columns';
import type { Cell } from './columns';

const seq = (n: number, f: (i: number) => Cell): Cell[] => Array.from({ length: n }, (_, i) => f(i));

function sides(columns: Record<string, Cell[]>, integers: readonly string[] = []): Map<string, ColumnSide> {
  return new Map(
    Object.entries(columns).map(([name, cells]) => [
      name,
      sideOf(name, cells, { integers: integers.includes(name) }),
    ]),
  );
}

const options = (over: Partial<DriftOptions> = {}): DriftOptions => ({
  columns: ['a', 'b'],
  typing: 'evidently',
  stattest: 'auto',
  driftShare: 0.5,
  minRows: 50,
  predictionColumn: 'prediction',
  ...over,
});

describe('dataset drift', () => {
  const reference = profileOf([
    ...sides({ a: seq(200, (i) => (i % 97) + 0.5), b: seq(200, (i) => ((i * 7) % 89) + 0.5) }).values(),
    sideOf(
      'prediction',
      seq(200, (i) => i % 3),
      { integers: true },
    ),
  ]);

  it('is drift when exactly half the columns drifted (share ≥ drift share, as Evidently)', () => {
    const current = sides({
      a: seq(200, (i) => 500 + (i % 97)),
      b: seq(200, (i) => ((i * 7) % 89) + 0.5),
      prediction: seq(200, (i) => i % 3),
    });
    const r = analyseDrift(reference, current, options());
    expect(r.columns.map((c) => [c.name, c.stattest, c.drift_detected])).toEqual([
      ['a', 'ks', true],
      ['b', 'ks', false],
    ]);
    expect([r.status, r.dataset_drift, r.drift_share, r.drifted_columns, r.number_of_columns]).toEqual([
      'drift',
      true,
      0.5,
      1,
      2,
    ]);
    expect(analyseDrift(reference, current, options({ driftShare: 0.51 })).dataset_drift).toBe(false);
  });

  it('counts missing cells (empty, null, NA spellings, ±inf) and non-numeric typos apart, per side', () => {
    const current = sides({
      a: [
        ...seq(100, (i) => (i % 97) + 0.5),
        Number.NaN,
        Number.POSITIVE_INFINITY,
        null,
        'NaN',
        '-inf',
        '',
        '?',
        'abc',
      ],
      b: seq(108, (i) => ((i * 7) % 89) + 0.5),
    });
    const a = analyseDrift(reference, current, options()).columns[0]!;
    expect([a.current_rows, a.current_missing, a.current_non_numeric]).toEqual([100, 6, 2]);
    expect(a.current_missing_share).toBeCloseTo(6 / 108, 12);
    expect([a.reference_missing, a.reference_missing_share, a.reference_non_numeric]).toEqual([0, 0, 0]);
    expect(a.type).toBe('numerical');
  });

  it('evaluates every column that can be: one without current values is not evaluated, the others still count', () => {
    const current = sides({ a: seq(100, () => null), b: seq(100, (i) => 900 + i) });
    const r = analyseDrift(reference, current, options());
    expect(r.columns.map((c) => [c.name, c.status, c.reason])).toEqual([
      ['a', 'not_evaluated', 'no values in the current data'],
      ['b', 'drift', null],
    ]);
    expect([r.status, r.number_of_columns, r.not_evaluated_columns, r.drift_share]).toEqual([
      'drift',
      1,
      1,
      1,
    ]);
  });

  it('leaves out a column with too few current values, and is not evaluated only when no column is left', () => {
    const current = sides({ a: seq(49, (i) => i + 0.5), b: seq(49, (i) => i + 0.5) });
    const r = analyseDrift(reference, current, options());
    expect(r.status).toBe('not_evaluated');
    expect(r.dataset_drift).toBeNull();
    expect(r.columns.map((c) => c.reason)).toEqual([
      '49 current values, fewer than --min-rows 50',
      '49 current values, fewer than --min-rows 50',
    ]);
    expect(r.reason).toContain('no column could be evaluated');
    expect(analyseDrift(reference, current, options({ minRows: 49 })).status).not.toBe('not_evaluated');
  });

  it('types a complete integer column with ≤ 10 values as categorical, as Evidently 0.7 does, from the current data', () => {
    const ref = profileOf([
      sideOf(
        'a',
        seq(300, (i) => i % 4),
        { integers: true },
      ),
      sideOf(
        'b',
        seq(300, (i) => i % 40),
        { integers: true },
      ),
    ]);
    const current = sides({ a: seq(300, (i) => (i * 3) % 4), b: seq(300, (i) => (i * 7) % 40) }, ['a', 'b']);
    const [a, b] = analyseDrift(ref, current, options()).columns;
    expect([a!.type, a!.stattest, a!.type_rule]).toEqual([
      'categorical',
      'chisquare',
      'complete integers, 4 distinct (≤ 10)',
    ]);
    expect([b!.type, b!.stattest]).toEqual(['numerical', 'ks']);
    // A gap makes pandas hold the column as floats: numerical.
    const gappy = sides({ a: [...seq(299, (i) => i % 4), null], b: seq(300, (i) => i % 40) }, ['a', 'b']);
    expect(analyseDrift(ref, gappy, options()).columns[0]!.type).toBe('numerical');
    // With legacy typing the reference decides: numbers are numerical.
    expect(analyseDrift(ref, current, options({ typing: 'legacy' })).columns[0]!.type).toBe('numerical');
  });

  it('never counts an identifier-like text column: it is left out with the reason', () => {
    const ref = profileOf([
      ...sides({ a: seq(300, (i) => `id-${i}`), b: seq(300, (i) => ['x', 'y'][i % 2]!) }).values(),
    ]);
    const current = sides({ a: seq(300, (i) => `id-${1000 + i}`), b: seq(300, (i) => ['x', 'y'][i % 2]!) });
    for (const typing of ['evidently', 'legacy'] as const) {
      const r = analyseDrift(ref, current, options({ typing }));
      expect(r.columns[0]).toMatchObject({ type: 'text', status: 'not_evaluated', drift_detected: null });
      expect(r.columns[0]!.reason).toMatch(/^identifier-like text/);
      expect([r.columns[1]!.type, r.status, r.number_of_columns]).toEqual(['categorical', 'no_drift', 1]);
    }
  });

  it('reports a classifier prediction as categories and a regression prediction as numbers, with PSI', () => {
    const classes = analyseDrift(
      reference,
      sides(
        {
          a: seq(200, (i) => (i % 97) + 0.5),
          b: seq(200, (i) => ((i * 7) % 89) + 0.5),
          prediction: seq(200, (i) => (i % 4 === 0 ? 2 : 0)),
        },
        ['prediction'],
      ),
      options(),
    );
    expect(classes.number_of_columns).toBe(2);
    expect(classes.prediction).toMatchObject({
      name: 'prediction',
      type: 'categorical',
      stattest: 'chisquare',
      drift_detected: true,
    });
    expect(classes.prediction!.psi).toBeGreaterThan(0.1);
    const regression = profileOf([
      ...sides({
        a: seq(200, (i) => i + 0.5),
        b: seq(200, (i) => i + 0.5),
        prediction: seq(200, (i) => 10 + i * 0.37),
      }).values(),
    ]);
    const current = sides({
      a: seq(200, (i) => i + 0.5),
      b: seq(200, (i) => i + 0.5),
      prediction: seq(200, (i) => 30 + i * 0.37),
    });
    const r = analyseDrift(regression, current, options());
    expect(r.prediction).toMatchObject({ type: 'numerical', stattest: 'ks', drift_detected: true });
    expect(r.prediction!.psi).toBeGreaterThan(0);
  });

  it('forces a test and a threshold on every feature column, and refuses K-S on a categorical one', () => {
    const current = sides({ a: seq(200, (i) => (i % 97) + 0.5), b: seq(200, (i) => ((i * 7) % 89) + 0.5) });
    const r = analyseDrift(reference, current, options({ stattest: 'psi', threshold: 0.5 }));
    expect(r.columns.map((c) => [c.stattest, c.threshold])).toEqual([
      ['psi', 0.5],
      ['psi', 0.5],
    ]);
    const cats = profileOf([
      sideOf(
        'a',
        seq(200, (i) => ['x', 'y', 'z'][i % 3]!),
      ),
      sideOf(
        'b',
        seq(200, (i) => i + 0.5),
      ),
    ]);
    expect(() =>
      analyseDrift(
        cats,
        sides({ a: seq(200, (i) => ['x', 'y', 'z'][i % 3]!), b: seq(200, (i) => i + 0.5) }),
        options({ stattest: 'ks' }),
      ),
    ).toThrow(/--stattest ks needs numerical columns; a is categorical/);
  });
});

describe('--max-rows', () => {
  it('keeps only the latest cells of every kind', () => {
    const w = new WindowedAccumulator('x', { capacity: 1024 }, 3);
    w.pushNumber(1, true);
    w.pushText('gone');
    w.pushNumber(3, true);
    w.pushMissing();
    w.pushText('kept');
    const side = w.finish();
    const cursor = openRuns(side.numbers.runs);
    const kept: number[] = [];
    while (cursor.next()) kept.push(cursor.value);
    expect([kept, side.rows, side.missing, [...side.texts.counts.keys()]]).toEqual([[3], 3, 1, ['kept']]);
  });
});

describe('texts past the count limit', () => {
  it('are identifier-like when even the counted values are more than half, else not evaluated for their number', () => {
    const many = (n: number, prefix: string): Cell[] => seq(n, (i) => `${prefix}${i}`);
    const ids = profileOf([
      sideOf('a', many(120_000, 'r')),
      sideOf(
        'b',
        seq(120_000, (i) => i + 0.5),
      ),
    ]);
    const r = analyseDrift(ids, sides({ a: many(120_000, 'c'), b: seq(120_000, (i) => i + 0.5) }), options());
    expect([r.columns[0]!.type, r.columns[0]!.reason]).toEqual([
      'text',
      expect.stringMatching(/^identifier-like text \(texts, 100,000\+ distinct/),
    ]);
    // 110,000 distinct labels in 240,000 values: not more than half, but too many to count each.
    const labels = (n: number): Cell[] => seq(n, (i) => `l${i % 110_000}`);
    const wide = profileOf([
      sideOf('a', labels(240_000)),
      sideOf(
        'b',
        seq(240_000, (i) => i + 0.5),
      ),
    ]);
    const w = analyseDrift(wide, sides({ a: labels(240_000), b: seq(240_000, (i) => i + 0.5) }), options());
    expect([w.columns[0]!.type, w.columns[0]!.status, w.columns[0]!.reason]).toEqual([
      'categorical',
      'not_evaluated',
      'more than 100,000 distinct values (mlctl counts at most that many per column)',
    ]);
  });
});

import { analyseDrift } from '../../../src/drift/dataset-drift';
import type { DriftOptions } from '../../../src/drift/dataset-drift';
import { ColumnBuilder, buildTable } from '../../../src/drift/table';
import type { DriftTable } from '../../../src/drift/table';

function table(
  columns: Record<string, unknown[]>,
  kinds: Record<string, 'numerical' | 'categorical'> = {},
): DriftTable {
  const builders = Object.entries(columns).map(([name, values]) => {
    const b = new ColumnBuilder(name, kinds[name] ?? 'numerical');
    for (const v of values) b.push(v);
    return b;
  });
  return buildTable(builders);
}

const seq = (n: number, f: (i: number) => unknown): unknown[] => Array.from({ length: n }, (_, i) => f(i));
const options = (over: Partial<DriftOptions> = {}): DriftOptions => ({
  columns: ['a', 'b'],
  stattest: 'auto',
  driftShare: 0.5,
  minRows: 50,
  predictionColumn: 'prediction',
  ...over,
});

describe('dataset drift', () => {
  const reference = table({
    a: seq(200, (i) => i % 97),
    b: seq(200, (i) => (i * 7) % 89),
    prediction: seq(200, (i) => i % 3),
  });

  it('is drift when exactly half the columns drifted (share ≥ drift share, as Evidently)', () => {
    const current = table({
      a: seq(200, (i) => 500 + (i % 97)),
      b: seq(200, (i) => (i * 7) % 89),
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

  it('drops NaN, ±inf, missing and unparseable values, and counts them', () => {
    const current = table({
      a: [...seq(100, (i) => i % 97), Number.NaN, Number.POSITIVE_INFINITY, null, 'NaN', '-inf', '', 'abc'],
      b: seq(107, (i) => (i * 7) % 89),
    });
    const r = analyseDrift(reference, current, options());
    const a = r.columns[0]!;
    expect([a.current_rows, a.current_dropped]).toEqual([100, 7]);
    expect(r.columns[1]!.current_dropped).toBe(0);
  });

  it('reports too few current values as not evaluated, never as no drift', () => {
    const current = table({ a: seq(49, (i) => i), b: seq(49, (i) => i) });
    const r = analyseDrift(reference, current, options());
    expect(r.status).toBe('not_evaluated');
    expect(r.dataset_drift).toBeNull();
    expect(r.reason).toBe('too few current values: a 49, b 49 (--min-rows 50)');
    expect(r.columns.every((c) => c.score === null && c.drift_detected === null)).toBe(true);
    expect(analyseDrift(reference, current, options({ minRows: 49 })).status).not.toBe('not_evaluated');
  });

  it('counts values per column: a column mostly missing is not evaluated even with enough rows', () => {
    const current = table({ a: seq(100, (i) => (i < 90 ? null : i)), b: seq(100, (i) => i) });
    const r = analyseDrift(reference, current, options());
    expect(r.status).toBe('not_evaluated');
    expect(r.reason).toBe('too few current values: a 10 (--min-rows 50)');
  });

  it('reports the prediction separately, typed as categories, with PSI', () => {
    const current = table({
      a: seq(200, (i) => i % 97),
      b: seq(200, (i) => (i * 7) % 89),
      prediction: seq(200, (i) => (i % 4 === 0 ? 2 : 0)),
    });
    const r = analyseDrift(reference, current, options());
    expect(r.number_of_columns).toBe(2);
    expect(r.prediction).toMatchObject({
      name: 'prediction',
      type: 'categorical',
      stattest: 'chisquare',
      drift_detected: true,
    });
    expect(r.prediction!.psi).toBeGreaterThan(0.1);
  });

  it('forces a test and a threshold on every feature column', () => {
    const current = table({ a: seq(200, (i) => i % 97), b: seq(200, (i) => (i * 7) % 89) });
    const r = analyseDrift(reference, current, options({ stattest: 'psi', threshold: 0.5 }));
    expect(r.columns.map((c) => [c.stattest, c.threshold])).toEqual([
      ['psi', 0.5],
      ['psi', 0.5],
    ]);
  });

  it('keeps only the latest rows with a capacity (--max-rows)', () => {
    const b = new ColumnBuilder('x', 'numerical', 3);
    for (const v of [1, 2, 3, 4, 5]) b.push(v);
    const col = b.build();
    expect(col.sample.kind === 'numerical' && Array.from(col.sample.sorted)).toEqual([3, 4, 5]);
  });
});

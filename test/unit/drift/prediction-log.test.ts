import { PredictionRows } from '../../../src/drift/sources/prediction-log';
import { ColumnBuilder, buildTable } from '../../../src/drift/table';

function reader(): { rows: PredictionRows; table: () => ReturnType<typeof buildTable> } {
  const features = ['x', 'y'].map((n) => new ColumnBuilder(n, 'numerical'));
  const prediction = new ColumnBuilder('prediction', 'categorical');
  const rows = new PredictionRows(features, ['x', 'y'], prediction);
  return { rows, table: () => buildTable([...features, prediction]) };
}

const values = (t: ReturnType<typeof buildTable>, name: string): number[] => {
  const s = t.columns.get(name)!.sample;
  return s.kind === 'numerical' ? Array.from(s.sorted) : [];
};

describe('prediction log flattening (docs/PREDICTION-LOG.md)', () => {
  it('reads array rows by feature_names, in any order', () => {
    const { rows, table } = reader();
    rows.line(
      JSON.stringify({
        event: 'prediction',
        feature_names: ['y', 'x'],
        features: [
          [10, 1],
          [20, 2],
        ],
        predictions: [0, 1],
      }),
    );
    const t = table();
    expect([t.rows, values(t, 'x'), values(t, 'y')]).toEqual([2, [1, 2], [10, 20]]);
    const p = t.columns.get('prediction')!.sample;
    expect(p.kind === 'categorical' && Object.fromEntries(p.counts)).toEqual({ '0': 1, '1': 1 });
  });

  it('reads arrays without feature_names in the reference order, and object rows by name', () => {
    const { rows, table } = reader();
    rows.line(JSON.stringify({ event: 'prediction', features: [[1, 10]], predictions: [0] }));
    rows.line(
      JSON.stringify({
        event: 'prediction',
        features: [{ y: 30, x: 3, extra: 'ignored' }],
        predictions: [2],
      }),
    );
    const t = table();
    expect([values(t, 'x'), values(t, 'y')]).toEqual([
      [1, 3],
      [10, 30],
    ]);
  });

  it('skips and counts lines that are not JSON, other events and malformed prediction events', () => {
    const { rows, table } = reader();
    for (const line of [
      'plain text',
      '{"event":"feedback","labels":[1]}',
      '[1,2,3]',
      '{"event":"prediction","features":"oops"}',
      '',
      '   ',
      '{"event":"prediction","features":[[1,2]],"predictions":[1]}',
    ])
      rows.line(line);
    expect(rows.stats).toEqual({ lines: 5, events: 1, notJson: 1, otherEvents: 2, malformed: 1 });
    expect(table().rows).toBe(1);
  });

  it('treats short rows and missing predictions as missing values', () => {
    const { rows, table } = reader();
    rows.line(JSON.stringify({ event: 'prediction', features: [[1], [2, null]], predictions: [0] }));
    const t = table();
    expect(t.rows).toBe(2);
    expect([t.columns.get('y')!.dropped, t.columns.get('prediction')!.dropped]).toEqual([2, 1]);
  });
});

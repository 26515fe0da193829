import { PredictionRows } from '../../../src/drift/sources/prediction-log';
import { ColumnAccumulator } from '../../../src/drift/values/column-side';
import type { ColumnSide } from '../../../src/drift/values/column-side';
import { openRuns } from '../../../src/drift/values/runs';

type Table = { rows: number; columns: Map<string, ColumnSide> };

function reader(): { rows: PredictionRows; table: () => Table } {
  const features = ['x', 'y'].map((n) => new ColumnAccumulator(n, { capacity: 1024 }));
  const prediction = new ColumnAccumulator('prediction', { capacity: 1024 });
  const rows = new PredictionRows(features, ['x', 'y'], prediction);
  return {
    rows,
    table: () => {
      const sides = [...features, prediction].map((a) => a.finish());
      return { rows: sides[0]!.rows, columns: new Map(sides.map((s) => [s.name, s])) };
    },
  };
}

const values = (t: Table, name: string): number[] => {
  const out: number[] = [];
  const cursor = openRuns(t.columns.get(name)!.numbers.runs);
  while (cursor.next()) for (let k = 0; k < cursor.count; k++) out.push(cursor.value);
  return out;
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
    expect(values(t, 'prediction')).toEqual([0, 1]);
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
    expect([t.columns.get('y')!.missing, t.columns.get('prediction')!.missing]).toEqual([2, 1]);
  });
});

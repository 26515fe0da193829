import { writeFileSync } from 'node:fs';
import { PredictionRows } from '../../../src/drift/sources/prediction-log';
import { readLines } from '../../../src/drift/sources/read-lines';
import { ColumnAccumulator } from '../../../src/drift/values/column-side';
import type { ColumnSide } from '../../../src/drift/values/column-side';
import { openRuns } from '../../../src/drift/values/runs';
import { useTmpDir } from '../../helpers/tmp';

const tmp = useTmpDir('mlctl-log-fast-');

function reader(): { rows: PredictionRows; sides: () => ColumnSide[] } {
  const features = ['x', 'y', 'c'].map((n) => new ColumnAccumulator(n, { capacity: 1 << 16 }));
  const prediction = new ColumnAccumulator('prediction', { capacity: 1 << 16 });
  const rows = new PredictionRows(features, ['x', 'y', 'c'], prediction);
  return { rows, sides: () => [...features, prediction].map((a) => a.finish()) };
}

/** Everything a column holds, comparable with toEqual (numbers by bits, so -0 and 0 differ). */
function snapshot(sides: ColumnSide[]): unknown {
  return sides.map((side) => {
    const numbers: Array<[number | string, number]> = [];
    const cursor = openRuns(side.numbers.runs);
    while (cursor.next()) numbers.push([Object.is(cursor.value, -0) ? '-0' : cursor.value, cursor.count]);
    return {
      name: side.name,
      rows: side.rows,
      missing: side.missing,
      numbers,
      texts: [...side.texts.counts.entries()].sort(),
    };
  });
}

const LINES = [
  '{"level":"info","event":"prediction","model":{"name":"m","features":[[9,9,"nested"]]},"feature_names":["x","y","c"],"features":[[1.5,-2e-3,"red"],[0.1,3,"blue"]],"predictions":[0,1],"msg":"p"}',
  '{"event":"prediction","feature_names":["c","y","x"],"features":[["green",7,8]],"predictions":[2]}',
  '{"event":"prediction","features":[[1,2,"a"]],"predictions":[1]}',
  '{"event":"prediction","features":[{"x":5,"y":6,"c":"obj"}],"predictions":[0]}',
  '{"event":"prediction","features":[[1.0000000000000002,123456789012345678,-0]],"predictions":[0]}',
  '{"event":"prediction","features":[[1e400,-1E-400,0.000001234]],"predictions":[0]}',
  '{"event":"prediction","features":[[null,true,"esc\\"aped \\u00e9"]],"predictions":[null]}',
  '{"event":"prediction","features":[[1,2]],"predictions":[0,1,2]}',
  '{"event":"prediction","features":[[1,2,"x",4,5]]}',
  '{"event":"prediction","features":[[[1],2,"x"]],"predictions":[0]}',
  '{"event":"pred\\u0069ction","features":[[3,4,"u"]],"predictions":[1]}',
  '{"ev\\u0065nt":"prediction","features":[[3,4,"k"]],"predictions":[1]}',
  '{"event":"prediction","features":[[1,1,"a"]],"features":[[2,2,"b"]]}',
  '{"event":"feedback","labels":[1]}',
  '{"no_event":true}',
  '  {"event" : "prediction" , "features" : [ [ 1 , 2 , "ws" ] ] , "predictions" : [ 0 ] }  ',
  '{"event":"prediction","features":[[1,2,"x"]],}',
  '{"event":"prediction","features":[[01,2,"x"]]}',
  '{"event":"prediction","features":[[1,2,"tab\there"]]}',
  '{"event":"prediction","features":[[1,2,"x"]]} trailing',
  '{"event":"prediction","features":[[1,2,"x"]]',
  '[{"event":"prediction"}]',
  'GET /healthz 200',
  '',
  '{"event":"prediction","features":"not rows"}',
  '{"event":"prediction","features":[],"predictions":[]}',
];

describe('prediction log: the byte fast path gives exactly what JSON.parse gives', () => {
  it('on rows, values, skips and counts, line by line', () => {
    const slow = reader();
    const fast = reader();
    for (const line of LINES) {
      slow.rows.line(line);
      const buf = Buffer.from(`xx${line}yy`);
      fast.rows.bytes(buf, 2, buf.length - 2);
      expect([line, fast.rows.stats]).toEqual([line, slow.rows.stats]);
    }
    expect(snapshot(fast.sides())).toEqual(snapshot(slow.sides()));
    expect(slow.rows.stats).toEqual({ lines: 25, events: 15, notJson: 6, otherEvents: 3, malformed: 1 });
  });

  it('reads numbers exactly as JSON.parse does (Clinger fast path, else Number)', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const digits = 1 + Math.floor(rnd() * 19);
      const whole = String(Math.floor(rnd() * 10 ** Math.min(digits, 15)));
      const frac =
        rnd() < 0.7 ? `.${String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 20))).padStart(1, '0')}` : '';
      const exp = rnd() < 0.1 ? `e${Math.floor(rnd() * 60) - 30}` : '';
      texts.push(`${rnd() < 0.3 ? '-' : ''}${whole}${frac}${exp}`);
    }
    const slow = reader();
    const fast = reader();
    for (let i = 0; i < texts.length; i += 3) {
      const line = `{"event":"prediction","features":[[${texts[i]},${texts[i + 1]},"v"]]}`;
      slow.rows.line(line);
      fast.rows.bytes(Buffer.from(line), 0, Buffer.byteLength(line));
    }
    expect(fast.rows.stats).toEqual(slow.rows.stats);
    expect(snapshot(fast.sides())).toEqual(snapshot(slow.sides()));
  });

  it('knows, on the fast path, which numbers were written as floats (as Python reads them)', () => {
    const fast = reader();
    const first = Buffer.from('{"event":"prediction","features":[[5,1e2,"a"]],"predictions":[3]}');
    fast.rows.bytes(first, 0, first.length);
    const ints = fast.sides();
    expect(ints.map((s) => s.numbers.integerText)).toEqual([true, false, true, true]);
    const again = reader();
    const line = '{"event":"prediction","features":[[5.0,2,"a"]],"predictions":[3.5]}';
    again.rows.bytes(Buffer.from(line), 0, line.length);
    expect(again.sides().map((s) => s.numbers.integerText)).toEqual([false, true, true, false]);
  });

  it('splits a file into lines across chunk boundaries, CRLF and a BOM included', async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `{"event":"prediction","features":[[${i},${i % 7},"c${i % 3}"]],"predictions":[${i % 2}]}`,
    );
    const file = tmp.write('log.jsonl', `\uFEFF${lines.join('\r\n')}`);
    const seen: string[] = [];
    await readLines(file, 'log', (buf, s, e) => seen.push(buf.toString('utf8', s, e).replace(/\r$/, '')));
    expect(seen).toEqual(lines);
    // Byte ranges, as the worker threads read them: every line exactly once, whatever the cut points.
    const size = Buffer.byteLength(`\uFEFF${lines.join('\r\n')}`);
    for (const parts of [2, 3, 7, 64]) {
      const step = Math.ceil(size / parts);
      const byRange: string[] = [];
      for (let p = 0; p < parts; p++) {
        await readLines(
          file,
          'log',
          (buf, s, e) => byRange.push(buf.toString('utf8', s, e).replace(/\r$/, '')),
          {
            start: p * step,
            end: Math.min(size, (p + 1) * step),
          },
        );
      }
      expect([parts, byRange.length]).toEqual([parts, lines.length]);
      expect(byRange).toEqual(lines);
    }
    writeFileSync(tmp.path('empty.jsonl'), '');
    const none: string[] = [];
    await readLines(tmp.path('empty.jsonl'), 'log', (buf, s, e) => none.push(buf.toString('utf8', s, e)));
    expect(none).toEqual([]);
  });
});

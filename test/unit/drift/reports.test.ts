import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { analyseDrift } from '../../../src/drift/dataset-drift';
import { formatDrift, reportFormatFor } from '../../../src/drift/reports';
import { toDriftJson } from '../../../src/drift/reports/json';
import { driftSummaryMarkdown } from '../../../src/drift/reports/markdown';
import type { DriftResult } from '../../../src/drift/run-drift';
import { ColumnBuilder, buildTable } from '../../../src/drift/table';

function result(currentShift: number, rows = 300, minRows = 50): DriftResult {
  const ref = ['num', 'cat', 'prediction'].map(
    (n) => new ColumnBuilder(n, n === 'cat' ? 'categorical' : 'numerical'),
  );
  const cur = ['num', 'cat', 'prediction'].map(
    (n) => new ColumnBuilder(n, n === 'cat' ? 'categorical' : 'numerical'),
  );
  for (let i = 0; i < 300; i++) {
    ref[0]!.push((i * 37) % 101);
    ref[1]!.push(['a<b', 'c&d', 'e"f'][i % 3]);
    ref[2]!.push(i % 2);
  }
  for (let i = 0; i < rows; i++) {
    cur[0]!.push(((i * 37) % 101) + currentShift);
    cur[1]!.push(['a<b', 'c&d', 'e"f'][i % 3]);
    cur[2]!.push(i % 2);
  }
  const analysis = analyseDrift(buildTable(ref), buildTable(cur), {
    columns: ['num', 'cat'],
    stattest: 'auto',
    driftShare: 0.5,
    minRows,
    predictionColumn: 'prediction',
  });
  return {
    ...analysis,
    evaluated_at: '2026-11-27T10:00:00.000Z',
    reference: { source: 'ref <1>.csv', rows: 300, artifact: null },
    current: {
      source: 'log.jsonl',
      kind: 'jsonl',
      rows,
      log: { lines: rows + 2, events: rows, not_json: 1, other_events: 1, malformed: 0 },
      loki: null,
    },
    stattest: 'auto',
    min_rows: minRows,
  };
}

describe('drift report formats', () => {
  const drifted = result(50);
  const steady = result(0);
  const notEvaluated = result(0, 10);

  it('json: the issue’s fields, null for what was not evaluated', async () => {
    const doc = JSON.parse(await formatDrift(drifted, 'json'));
    expect(doc).toMatchObject({
      dataset_drift: true,
      drift_share: 0.5,
      drifted_columns: 1,
      number_of_columns: 2,
    });
    expect(Object.keys(doc.columns[0]).sort()).toEqual(
      [
        'name',
        'type',
        'stattest',
        'score',
        'threshold',
        'drift_detected',
        'reference_rows',
        'current_rows',
        'reference_dropped',
        'current_dropped',
      ].sort(),
    );
    expect(doc.prediction).toMatchObject({
      name: 'prediction',
      type: 'categorical',
      psi: expect.any(Number),
    });
    const ne = toDriftJson(notEvaluated) as {
      status: string;
      dataset_drift: unknown;
      columns: Array<{ score: unknown }>;
    };
    expect([ne.status, ne.dataset_drift, ne.columns[0]!.score]).toEqual(['not_evaluated', null, null]);
  });

  it('junit: well-formed, a failure per drifted column and for the dataset, skipped when not evaluated', async () => {
    const xml = await formatDrift(drifted, 'junit');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect([suite['@_tests'], suite['@_failures']]).toEqual(['4', '2']);
    expect(suite['@_name']).toContain('ref <1>.csv');
    const skipped = new XMLParser({ ignoreAttributes: false }).parse(
      await formatDrift(notEvaluated, 'junit'),
    );
    expect([skipped.testsuites['@_skipped'], skipped.testsuites['@_failures']]).toEqual(['4', '0']);
    expect(XMLValidator.validate(await formatDrift(steady, 'junit'))).toBe(true);
  });

  it('prometheus: parseable text exposition with the DESIGN.md names', async () => {
    const text = await formatDrift(drifted, 'prometheus');
    const samples = parseExposition(text);
    expect(samples.get('ml_data_drift_status')).toBe(1);
    expect(samples.get('ml_data_drift_share')).toBe(0.5);
    expect(samples.get('ml_feature_drift_status{feature="num"}')).toBe(1);
    expect(samples.has('ml_feature_drift_score{feature="cat",test="chisquare"}')).toBe(true);
    expect(samples.get('ml_prediction_psi')).toBeCloseTo(drifted.prediction!.psi!, 12);
    expect(samples.get('ml_drift_last_run_timestamp_seconds')).toBe(
      Date.parse('2026-11-27T10:00:00Z') / 1000,
    );
  });

  it('text: a verdict line, the sources, a row per column', async () => {
    const text = await formatDrift(drifted, 'text');
    expect(text).toMatch(/^Data drift DETECTED: 1 of 2 columns drifted \(50%/);
    expect(text).toMatch(/^num\s+numerical\s+K-S p_value\s+\S+\s+0\.05\s+DRIFT$/m);
    expect(text).toContain('lines skipped: 1 non-JSON, 1 other events');
    expect(await formatDrift(notEvaluated, 'text')).toMatch(
      /^Data drift: NOT EVALUATED — too few current values: num 10, cat 10 \(--min-rows 50\)\.$/m,
    );
  });

  it('html: self-contained (no script, no remote URL), escaped, with the summary sentence and SVG charts', async () => {
    const html = await formatDrift(drifted, 'html');
    expect(html).not.toMatch(/<script|<link|@import|https?:\/\//i);
    expect(html).toContain('Drift is detected for 50% of columns (1 out of 2).');
    expect(html).toContain('Dataset drift is detected.');
    expect(html).toContain('ref &lt;1&gt;.csv');
    expect(html).not.toContain('a<b');
    expect((html.match(/<svg /g) ?? []).length).toBe(2 * 2 + 3);
    expect(await formatDrift(notEvaluated, 'html')).toContain('Dataset drift was NOT evaluated.');
  });

  it('html stays under 1 MB for a million rows: only binned data is embedded', async () => {
    const big = result(3, 1_000_000);
    const html = await formatDrift(big, 'html');
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
  });

  it('markdown summary and report format by extension', () => {
    expect(driftSummaryMarkdown(drifted)).toContain('| num | numerical | K-S p_value |');
    expect(
      ['a.html', 'a.xml', 'a.json', 'a.prom', 'a.txt', 'a'].map((f) => reportFormatFor(f, 'text')),
    ).toEqual(['html', 'junit', 'json', 'prometheus', 'text', 'text']);
  });
});

/** A strict-enough reader of the Prometheus text format: HELP/TYPE comments and `name{labels} value` lines. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const value = /^[+-]?(inf|nan)$/i.test(m[2]!)
      ? Number(m[2]!.replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN'))
      : Number(m[2]);
    if (Number.isNaN(value) && !/nan/i.test(m[2]!)) throw new Error(`bad value: ${line}`);
    samples.set(m[1]!, value);
  }
  return samples;
}

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { analyseDrift } from '../../../src/drift/dataset-drift';
import { formatDrift, reportFormatFor } from '../../../src/drift/reports';
import { toDriftJson } from '../../../src/drift/reports/json';
import { driftSummaryMarkdown } from '../../../src/drift/reports/markdown';
import { reportOrder } from '../../../src/drift/reports/order';
import type { ColumnDrift } from '../../../src/drift/dataset-drift';
import type { DriftResult } from '../../../src/drift/run-drift';
import { profileOf, sideOf } from './columns';
import type { Cell } from './columns';

const seq = (n: number, f: (i: number) => Cell): Cell[] => Array.from({ length: n }, (_, i) => f(i));

/** num (numbers, a typo and gaps in current), cat (text with markup characters), an all-empty column, prediction. */
function result(currentShift: number, rows = 300, minRows = 50, withPrediction = true): DriftResult {
  const cats = ['a<b', 'c&d', 'e"f'];
  const ref = [
    sideOf(
      'num',
      seq(300, (i) => ((i * 37) % 101) + 0.5),
    ),
    sideOf(
      'cat',
      seq(300, (i) => cats[i % 3]!),
    ),
    sideOf(
      'empty',
      seq(300, () => null),
    ),
    ...(withPrediction
      ? [
          sideOf(
            'prediction',
            seq(300, (i) => i % 2),
            { integers: true },
          ),
        ]
      : []),
  ];
  const cur = [
    sideOf(
      'num',
      seq(rows, (i) => (i === 0 ? '?' : i % 10 === 1 ? null : ((i * 37) % 101) + 0.5 + currentShift)),
    ),
    sideOf(
      'cat',
      seq(rows, (i) => cats[i % 3]!),
    ),
    sideOf(
      'empty',
      seq(rows, () => null),
    ),
    ...(withPrediction
      ? [
          sideOf(
            'prediction',
            seq(rows, (i) => i % 2),
            { integers: true },
          ),
        ]
      : []),
  ];
  const analysis = analyseDrift(profileOf(ref), new Map(cur.map((c) => [c.name, c])), {
    columns: ['num', 'cat', 'empty'],
    typing: 'evidently',
    stattest: 'auto',
    driftShare: 0.5,
    minRows,
    predictionColumn: 'prediction',
  });
  return {
    ...analysis,
    evaluated_at: '2026-11-27T10:00:00.000Z',
    reference: {
      source: 'ref <1>.csv',
      rows: 300,
      artifact: null,
      sha256: 'f'.repeat(64),
      profile: 'computed',
    },
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

  it('json: the issue’s fields, each column’s missing share and non-numeric count, null for what was not evaluated', async () => {
    const doc = JSON.parse(await formatDrift(drifted, 'json'));
    expect(doc).toMatchObject({
      dataset_drift: true,
      drift_share: 0.5,
      drifted_columns: 1,
      number_of_columns: 2,
      not_evaluated_columns: 1,
      column_typing: 'evidently',
    });
    expect(Object.keys(doc.columns[0]).sort()).toEqual(
      [
        'name',
        'type',
        'type_rule',
        'status',
        'reason',
        'stattest',
        'score',
        'threshold',
        'drift_detected',
        'reference_rows',
        'current_rows',
        'reference_missing',
        'current_missing',
        'reference_missing_share',
        'current_missing_share',
        'reference_non_numeric',
        'current_non_numeric',
      ].sort(),
    );
    expect(doc.columns[0]).toMatchObject({
      name: 'num',
      current_missing: 30,
      current_missing_share: 0.1,
      current_non_numeric: 1,
    });
    expect(doc.columns[2]).toMatchObject({
      name: 'empty',
      status: 'not_evaluated',
      reason: 'no values in either data set',
      reference_missing_share: 1,
    });
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

  it('junit: well-formed, a failure per drifted column and for the dataset, a column not evaluated skipped with its reason', async () => {
    const xml = await formatDrift(drifted, 'junit');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect([suite['@_tests'], suite['@_failures'], suite['@_skipped']]).toEqual(['5', '2', '1']);
    expect(suite['@_name']).toContain('ref <1>.csv');
    expect(xml).toContain('<skipped message="not evaluated: no values in either data set"/>');
    expect(xml).toContain('missing 0% / 10%');
    const skipped = new XMLParser({ ignoreAttributes: false }).parse(
      await formatDrift(notEvaluated, 'junit'),
    );
    expect([skipped.testsuites['@_skipped'], skipped.testsuites['@_failures']]).toEqual(['5', '0']);
    expect(XMLValidator.validate(await formatDrift(steady, 'junit'))).toBe(true);
  });

  it('prometheus: parseable text exposition with the DESIGN.md names, and each feature’s missing share', async () => {
    const text = await formatDrift(drifted, 'prometheus');
    const samples = parseExposition(text);
    expect(samples.get('ml_data_drift_status')).toBe(1);
    expect(samples.get('ml_data_drift_share')).toBe(0.5);
    expect(samples.get('ml_feature_drift_status{feature="num"}')).toBe(1);
    expect(samples.has('ml_feature_drift_score{feature="cat",test="chisquare"}')).toBe(true);
    expect(samples.has('ml_feature_drift_status{feature="empty"}')).toBe(false);
    expect(samples.get('ml_feature_missing_share{feature="num",dataset="current"}')).toBe(0.1);
    expect(samples.get('ml_feature_missing_share{feature="empty",dataset="reference"}')).toBe(1);
    expect(samples.get('ml_prediction_psi')).toBeCloseTo(drifted.prediction!.psi!, 12);
    expect(samples.get('ml_drift_last_run_timestamp_seconds')).toBe(
      Date.parse('2026-11-27T10:00:00Z') / 1000,
    );
  });

  it('text: a verdict line, the sources, a row per column with missing shares, then what was left out and why', async () => {
    const text = await formatDrift(drifted, 'text');
    expect(text).toMatch(
      /^Data drift DETECTED: 1 of 2 evaluated columns drifted \(50%; dataset drift at ≥ 50%\); 1 column not evaluated\.$/m,
    );
    expect(text).toMatch(/^num\s+numerical\s+K-S p_value\s+\S+\s+0\.05\s+DRIFT\s+0% \/ 10%$/m);
    expect(text).toContain('lines skipped: 1 non-JSON, 1 other events');
    expect(text).toContain('  empty: no values in either data set');
    expect(text).toContain('  num: 0 reference, 1 current');
    expect(await formatDrift(notEvaluated, 'text')).toMatch(
      /^Data drift: NOT EVALUATED — no column could be evaluated \(num: 8 current values, fewer than --min-rows 50; /m,
    );
  });

  it('html: self-contained (no remote URL), escaped, drifted columns first, missing shares, reasons, bars per value', async () => {
    const html = await formatDrift(drifted, 'html');
    expect(html).not.toMatch(/<link|@import|https?:\/\/|src=/i);
    expect(html).toContain('Drift is detected for 50% of columns (1 out of 2). 1 column was not evaluated');
    expect(html).toContain('Dataset drift is detected.');
    expect(html).toContain('ref &lt;1&gt;.csv');
    expect(html).not.toContain('a<b');
    // Drifted first, not evaluated last; the charts follow the same order.
    const order = [...html.matchAll(/<tr data-column="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['num', 'cat', 'empty']);
    expect(
      [...html.matchAll(/<figure class="card" id="[^"]*" data-column="([^"]+)"/g)].map((m) => m[1]),
    ).toEqual(['num', 'cat', 'empty', 'prediction']);
    expect(html).toContain('<td class="num">0% / 10%');
    expect(html).toContain('no values in either data set');
    // The 0/1 prediction is drawn as two bars labelled 0 and 1, not on a continuous axis.
    const predictionCard = html.slice(html.indexOf('data-column="prediction"'));
    expect(predictionCard).toMatch(
      /<text x="[\d.]+" y="[\d.]+" text-anchor="middle">0<\/text><text x="[\d.]+" y="[\d.]+" text-anchor="middle">1<\/text>/,
    );
    expect(html).toContain('Prediction PSI');
    expect(await formatDrift(notEvaluated, 'html')).toContain('Dataset drift was NOT evaluated.');
  });

  it('html: the filter box hides nothing without JavaScript, and there is no prediction PSI without a prediction', async () => {
    const html = await formatDrift(result(50, 300, 50, false), 'html');
    // Nothing is hidden in the markup; only the script (which a browser without JavaScript skips) filters.
    expect(html).not.toMatch(/\shidden[\s>=]/);
    expect(html).toContain('<input type="search" id="filter"');
    expect(html).toContain('<noscript>');
    expect((html.match(/<script>/g) ?? []).length).toBe(1);
    expect(html).not.toContain('Prediction PSI');
    expect(html).not.toContain('Prediction drift');
  });

  it('html stays small for a million rows: only binned data is embedded', async () => {
    const big = result(3, 1_000_000);
    const html = await formatDrift(big, 'html');
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
  });

  it('markdown summary and report format by extension', () => {
    expect(driftSummaryMarkdown(drifted)).toContain('| num | numerical | K-S p_value |');
    expect(driftSummaryMarkdown(drifted)).toContain(
      '| empty | — | — | — | not evaluated: no values in either data set | 100% / 100% |',
    );
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

describe('report order', () => {
  const column = (
    name: string,
    status: ColumnDrift['status'],
    stattest: ColumnDrift['stattest'],
    score: number | null,
    threshold: number | null,
  ): ColumnDrift => ({ name, status, stattest, score, threshold }) as ColumnDrift;

  it('puts drifted columns first, then by how far past the threshold (p-values and distances alike), not evaluated last', () => {
    const columns = [
      column('skipped', 'not_evaluated', null, null, null),
      column('calm', 'no_drift', 'ks', 0.9, 0.05),
      column('barely', 'drift', 'wasserstein', 0.11, 0.1),
      column('far', 'drift', 'ks', 1e-30, 0.05),
      column('close', 'no_drift', 'jensenshannon', 0.09, 0.1),
      column('middle', 'drift', 'chisquare', 0.01, 0.05),
    ];
    expect(reportOrder(columns).map((c) => c.name)).toEqual([
      'far',
      'middle',
      'barely',
      'close',
      'calm',
      'skipped',
    ]);
  });
});

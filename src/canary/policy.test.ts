import { join } from 'node:path';
import { MlctlError } from '../errors';
import { loadPolicy, parsePolicy, policyProblems } from './policy';
import { renderQuery } from './template';

const REPO = join(__dirname, '..', '..');

function policyError(text: string): MlctlError {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (err) {
    if (err instanceof MlctlError) return err;
    throw err;
  }
  throw new Error('expected a policy error');
}

describe('canary policy', () => {
  test('the shipped policy carries the seed rules and works with both sources', async () => {
    const policy = await loadPolicy(join(REPO, 'infra', 'canary', 'policy.yaml'));
    expect(policy.metrics.map((m) => [m.name, m.condition])).toEqual([
      ['live-accuracy', { min: 0.7 }],
      ['error-ratio', { max: 0.01 }],
      ['p95-latency-seconds', { max: 0.5 }],
    ]);
    expect(policy.intervalMs).toBe(60_000);
    const vars = { ...policy.variables, model_name: 'iris', model_version: '2' };
    expect(policyProblems(policy, 'prometheus', vars)).toEqual([]);
    expect(policyProblems(policy, 'scrape', vars)).toEqual([]);
  });

  test('the shipped regression policy gates on live RMSE, against stable and a bar', async () => {
    const policy = await loadPolicy(join(REPO, 'infra', 'canary', 'policy-regression.yaml'));
    const classification = await loadPolicy(join(REPO, 'infra', 'canary', 'policy.yaml'));
    expect(policy.metrics.map((m) => [m.name, m.condition, m.critical])).toEqual([
      ['rmse-vs-stable', { max: 1.1 }, true],
      ['live-rmse', { max: 400 }, true],
      ['error-ratio', { max: 0.01 }, false],
      ['p95-latency-seconds', { max: 0.5 }, false],
    ]);
    // The service rules are the classification policy's, word for word, and so are the timings.
    expect(policy.metrics.slice(2)).toEqual(classification.metrics.slice(1));
    const timings = (p: typeof policy) => [
      p.intervalMs,
      p.count,
      p.initialDelayMs,
      p.failureLimit,
      p.inconclusiveLimit,
      p.consecutiveErrorLimit,
    ];
    expect(timings(policy)).toEqual(timings(classification));
    const vars = { ...policy.variables, model_name: 'penguins', model_version: '2' };
    expect(policyProblems(policy, 'prometheus', vars)).toEqual([]);
    // Comparing tracks needs Prometheus: without it, the policy error names that metric alone.
    expect(policyProblems(policy, 'scrape', vars)).toEqual([
      'metrics.0 (rmse-vs-stable): has no scrape; reading /metrics directly (--metrics-url) needs one',
    ]);
    expect(renderQuery(policy.metrics[0]!.query!, vars)).toBe(
      'max(ml_model_error{source="feedback", metric="rmse", track="canary"} * on(instance) ' +
        'ml_model_info{track="canary", version="2"}) / ' +
        'avg(ml_model_error{source="feedback", metric="rmse", track="stable"})',
    );
    expect(policy.metrics[1]!.scrape).toEqual({
      gauge: 'ml_model_error{source="feedback", metric="rmse"}',
      aggregate: 'max',
    });
  });

  test('defaults follow Argo: one measurement, failure limit 0, no-data inconclusive', () => {
    const p = parsePolicy('metrics: [{name: a, query: up, condition: {min: 1}}]', 'p.yaml');
    expect(p).toEqual(
      expect.objectContaining({
        count: 1,
        intervalMs: 60_000,
        initialDelayMs: 0,
        failureLimit: 0,
        inconclusiveLimit: 0,
      }),
    );
    expect(p.metrics[0]).toEqual(expect.objectContaining({ noData: 'inconclusive', critical: false }));
  });

  test('every problem is listed with its path', () => {
    const err = policyError(`
interval: 5 minutes
count: 0
metrics:
  - name: a
    query: up
    condition: {}
  - name: a
    condition: {min: 2, max: 1}
    noData: maybe
    scrape: {gauge: 'x{y=1}'}
`);
    expect(err.code).toBe('POLICY_INVALID');
    const text = err.problems.join('\n');
    expect(text).toMatch(/^interval: expected a duration/m);
    expect(text).toMatch(/^count: /m);
    expect(text).toMatch(/^metrics\.0\.condition: give min, max or both/m);
    expect(text).toMatch(/^metrics\.1\.condition: min is above max/m);
    expect(text).toMatch(/^metrics\.1\.noData: /m);
    expect(text).toMatch(/metrics\.1\.scrape.*not a metric selector|label values must be quoted/);
  });

  test('metric names are unique', () => {
    const err = policyError(
      'metrics: [{name: a, query: up, condition: {min: 1}}, {name: a, query: up, condition: {min: 1}}]',
    );
    expect(err.problems).toEqual(['metrics.1.name: duplicate metric name "a"']);
  });

  test('unknown keys (typos) are refused, YAML errors give the line', () => {
    expect(
      policyError('metrics: [{name: a, query: up, condition: {min: 1}, critcal: true}]').problems.join(),
    ).toMatch(/critcal/);
    const yamlError = policyError('metrics:\n  - name: a\n   query: [\n');
    expect(yamlError.message).toMatch(/not valid YAML/);
    expect(yamlError.location?.line).toBeGreaterThan(0);
  });

  test('a metric needs what the source needs, and its variables set', () => {
    const p = parsePolicy(
      `metrics:
  - {name: q, query: 'up{job="{{job}}"}', condition: {min: 1}}
  - {name: s, scrape: {gauge: up}, condition: {min: 1}}`,
      'p.yaml',
    );
    expect(policyProblems(p, 'prometheus', {})).toEqual([
      'metrics.0 (q): the query uses {{job}}, which is not set (set it under variables: or with --var job=...)',
      'metrics.1 (s): has no query; Prometheus (--prometheus-url) needs one',
    ]);
    expect(policyProblems(p, 'scrape', {})).toEqual([
      'metrics.0 (q): has no scrape; reading /metrics directly (--metrics-url) needs one',
    ]);
  });
});

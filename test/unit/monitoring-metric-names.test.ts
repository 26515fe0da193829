import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MLCTL_BIN, REPO_ROOT, runCli } from '../helpers/cli';
import { exportedSampleNames, grafanaVariableMetric, promqlMetricNames } from '../helpers/promql-names';
import { eventually, startServeProcess } from '../helpers/serve-process';
import type { ServeProcess } from '../helpers/serve-process';
import { useTmpDir } from '../helpers/tmp';

// Every metric name in the Prometheus rules, the Grafana dashboards and the canary policy must be one that
// the built `mlctl serve` / `mlctl drift serve` really export (or a recording rule defines): a renamed
// metric would otherwise leave an alert that can never fire and a dashboard that shows nothing.

const tmp = useTmpDir('mlctl-metric-names-');
const RULES = join(REPO_ROOT, 'infra', 'prometheus', 'rules', 'mlctl.rules.yml');
const DASHBOARDS = join(REPO_ROOT, 'infra', 'grafana', 'dashboards');
const CANARY = join(REPO_ROOT, 'infra', 'canary');
const POLICIES = readdirSync(CANARY).filter((f) => f.endsWith('.yaml'));

interface RuleFile {
  groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string; annotations?: object }> }>;
}

let serveNames: Map<string, string>;
let driftNames: Map<string, string>;

async function driftServeMetrics(reference: string, current: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      MLCTL_BIN,
      'drift',
      'serve',
      '--reference',
      reference,
      '--current',
      current,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
    ],
    { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    const until = Date.now() + 15_000;
    let url: RegExpExecArray | null = null;
    while (!(url = /listening on (http:\/\/\S+)/.exec(stdout)) && Date.now() < until) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!url) throw new Error(`mlctl drift serve did not start: ${stderr}`);
    let text = '';
    while (!/^ml_drift_runs_total\{result="no_drift"\} 1$/m.test(text) && Date.now() < until) {
      text = await (await fetch(`${url[1]}/metrics`)).text();
    }
    return text;
  } finally {
    child.kill();
    await exited;
  }
}

/** The sample names a served model exports after a prediction and its feedback (the request bodies). */
async function servedNames(model: string, predict: unknown, feedback: unknown): Promise<Map<string, string>> {
  let serve: ServeProcess | undefined;
  try {
    serve = await startServeProcess(['--model', model], { env: { PREDICTION_LOG_STDOUT: 'false' } });
    await eventually(async () => (await fetch(`${serve!.url}/readyz`)).status === 200);
    const post = (path: string, body: unknown) =>
      fetch(`${serve!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/predict', predict)).status).toBe(200);
    expect((await post('/feedback', feedback)).status).toBe(200);
    return exportedSampleNames(await (await fetch(`${serve.url}/metrics`)).text());
  } finally {
    await serve?.stop();
  }
}

beforeAll(async () => {
  const iris = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
  const model = tmp.path('model');
  const trained = await runCli(['train', '--data', iris, '--output', model, '--n-estimators', '5']);
  expect(trained.code).toBe(0);
  const row = [5.1, 3.5, 1.4, 0.2];
  serveNames = await servedNames(model, { features: [row] }, { features: [row], labels: [0] });

  // A regression model with categorical features: its error on numeric feedback, and an island it never
  // saw in training (counted as unknown), are series of their own.
  const penguins = tmp.path('penguins');
  const regression = await runCli([
    'train',
    '--data',
    join(REPO_ROOT, 'data', 'penguins', 'penguins.csv'),
    '--target',
    'body_mass_g',
    '--na-values',
    'NA',
    '--output',
    penguins,
    '--n-estimators',
    '5',
  ]);
  expect(regression.code).toBe(0);
  const penguin = {
    species: 'Gentoo',
    island: 'Atlantis',
    bill_length_mm: 47.5,
    bill_depth_mm: 15,
    flipper_length_mm: 218,
    sex: 'female',
    year: 2009,
  };
  const regressionNames = await servedNames(
    penguins,
    { features: [penguin] },
    { features: [penguin], labels: [4875] },
  );
  for (const [name, type] of regressionNames) serveNames.set(name, type);
  driftNames = exportedSampleNames(await driftServeMetrics(model, iris));
}, 90_000);

function recordedNames(rules: RuleFile): Set<string> {
  return new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
}

function unknownNames(exprs: string[], known: Set<string>): string[] {
  return [...new Set(exprs.flatMap(promqlMetricNames))].filter((n) => !known.has(n)).sort();
}

/** Every `expr` of every panel (rows nest panels) of a dashboard. */
function dashboardExprs(panels: Array<Record<string, unknown>>): string[] {
  return panels.flatMap((p) => [
    ...((p.targets as Array<{ expr?: string }> | undefined) ?? []).flatMap((t) => (t.expr ? [t.expr] : [])),
    ...dashboardExprs((p.panels as Array<Record<string, unknown>> | undefined) ?? []),
  ]);
}

describe('metric names in infra/ are the ones mlctl exports', () => {
  it('the exporters export the contract of DESIGN.md (the test is looking at real /metrics pages)', () => {
    expect(serveNames.get('ml_request_latency_seconds_bucket')).toBe('histogram');
    for (const name of [
      'ml_request_count_total',
      'ml_model_ready',
      'ml_model_accuracy',
      'ml_model_error',
      'ml_unknown_category_total',
      'ml_model_info',
    ])
      expect([name, serveNames.has(name)]).toEqual([name, true]);
    for (const name of ['ml_data_drift_status', 'ml_prediction_psi', 'ml_drift_last_run_timestamp_seconds'])
      expect(driftNames.has(name)).toBe(true);
  });

  it('Prometheus rules use only exported or recorded names, and every rule uses one', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const known = new Set([...serveNames.keys(), ...driftNames.keys(), ...recordedNames(rules)]);
    const all = rules.groups.flatMap((g) => g.rules);
    for (const rule of all)
      expect([rule.alert ?? rule.record, promqlMetricNames(rule.expr).length > 0]).toEqual([
        rule.alert ?? rule.record,
        true,
      ]);
    // Annotations may run queries of their own: {{ with query "ml_data_drift_share" }}.
    const annotationQueries = all.flatMap((r) =>
      [...JSON.stringify(r.annotations ?? {}).matchAll(/query \\"([^\\]+)\\"/g)].map((m) => m[1]!),
    );
    expect(annotationQueries.length).toBeGreaterThan(0);
    expect(unknownNames([...all.map((r) => r.expr), ...annotationQueries], known)).toEqual([]);
  });

  it('the required alerts and per-track recording rules exist', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const all = rules.groups.flatMap((g) => g.rules);
    const alerts = all.flatMap((r) => (r.alert ? [r.alert] : []));
    expect(alerts).toEqual(
      expect.arrayContaining([
        'DataDriftDetected',
        'HighPredictionPSI',
        'MlctlHighErrorRatio',
        'MlctlHighLatency',
        'MlctlModelNotReady',
        'MlctlModelReloadFailed',
        'DriftMonitorStale',
        'MlctlLiveErrorAboveTraining',
        'MlctlUnknownCategories',
      ]),
    );
    expect(all.find((r) => r.alert === 'DataDriftDetected')?.expr).toBe('ml_data_drift_status == 1');
    expect(all.find((r) => r.alert === 'HighPredictionPSI')?.expr).toBe('ml_prediction_psi > 0.2');
    for (const record of recordedNames(rules)) expect(record).toMatch(/^track:/);
    for (const rule of all.filter((r) => r.record)) expect(rule.expr).toMatch(/by \(track(, le)?\)|track:/);
  });

  it('Grafana dashboards use only exported or recorded names', () => {
    const rules = parse(readFileSync(RULES, 'utf8')) as RuleFile;
    const known = new Set([...serveNames.keys(), ...driftNames.keys(), ...recordedNames(rules)]);
    const files = readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['drift.json', 'model-performance.json', 'service-health.json']);
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as {
        panels: Array<Record<string, unknown>>;
        templating: { list: Array<{ query?: { query?: string } | string }> };
      };
      const exprs = dashboardExprs(dashboard.panels);
      expect(exprs.length).toBeGreaterThan(3);
      const variableMetrics = dashboard.templating.list.flatMap((v) => {
        const q = typeof v.query === 'string' ? v.query : v.query?.query;
        const metric = q === undefined ? undefined : grafanaVariableMetric(q);
        return metric ? [metric] : [];
      });
      expect({ file, unknown: unknownNames([...exprs, ...variableMetrics], known) }).toEqual({
        file,
        unknown: [],
      });
    }
  });

  it.each(POLICIES)('the canary policy %s queries only what mlctl serve exports', (file) => {
    const policy = parse(readFileSync(join(CANARY, file), 'utf8')) as {
      metrics: Array<{
        name: string;
        query: string;
        scrape?: {
          gauge?: string;
          histogram?: string;
          ratio?: { numerator: string; denominator: string };
        };
      }>;
    };
    expect(policy.metrics.length).toBeGreaterThan(0);
    const known = new Set(serveNames.keys());
    expect(
      unknownNames(
        policy.metrics.map((m) => m.query),
        known,
      ),
    ).toEqual([]);
    for (const metric of policy.metrics) {
      const scrape = metric.scrape ?? {};
      const selectors = [scrape.gauge, scrape.ratio?.numerator, scrape.ratio?.denominator].filter(
        (s): s is string => s !== undefined,
      );
      expect(unknownNames(selectors, known)).toEqual([]);
      if (scrape.histogram) {
        const [name] = promqlMetricNames(scrape.histogram);
        expect(serveNames.get(`${name}_bucket`)).toBe('histogram');
      }
    }
  });
});

import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';
import { describeWithTool, runTool } from '../helpers/infra-tools';

const PROMETHEUS = join(REPO_ROOT, 'infra', 'prometheus');
const GRAFANA = join(REPO_ROOT, 'infra', 'grafana', 'dashboards');
const ALERTMANAGER = join(REPO_ROOT, 'infra', 'alertmanager', 'alertmanager.yml');

describeWithTool('promtool', 'Prometheus rules (promtool)', (promtool) => {
  it('check rules: valid, no lint findings', () => {
    const r = runTool(promtool, ['check', 'rules', '--lint=all', '--lint-fatal', 'rules/mlctl.rules.yml'], {
      cwd: PROMETHEUS,
    });
    expect(r).toMatchObject({ status: 0 });
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('test rules: every unit test in infra/prometheus/tests passes', () => {
    const tests = readdirSync(join(PROMETHEUS, 'tests')).filter((f) => f.endsWith('.test.yaml'));
    expect(tests.length).toBeGreaterThanOrEqual(2);
    const r = runTool(promtool, ['test', 'rules', ...tests.map((t) => join('tests', t))], {
      cwd: PROMETHEUS,
    });
    expect(r.output).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
  });

  it('test rules fails when an alert does not behave as tested (the check is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlctl-promtool-'));
    try {
      copyFileSync(join(PROMETHEUS, 'rules', 'mlctl.rules.yml'), join(dir, 'mlctl.rules.yml'));
      writeFileSync(
        join(dir, 'wrong.test.yaml'),
        [
          'rule_files: [mlctl.rules.yml]',
          'evaluation_interval: 30s',
          'tests:',
          '  - interval: 1m',
          '    input_series:',
          '      - series: ml_data_drift_status{instance="d"}',
          '        values: 0x30',
          '    alert_rule_test:',
          '      - alertname: DataDriftDetected',
          '        eval_time: 20m',
          '        exp_alerts:',
          '          - exp_labels: {severity: warning, instance: d}',
          '',
        ].join('\n'),
      );
      expect(runTool(promtool, ['test', 'rules', 'wrong.test.yaml'], { cwd: dir }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The regression panels of the model-performance dashboard, with Grafana's variables as Grafana fills them. */
function regressionPanelQueries(): Array<{ title: string; refId: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(join(GRAFANA, 'model-performance.json'), 'utf8')) as {
    panels: Array<{
      id: number;
      type: string;
      title: string;
      targets?: Array<{ refId: string; expr: string }>;
    }>;
  };
  const row = dashboard.panels.find((p) => p.type === 'row' && /^Regression/.test(p.title))!;
  return dashboard.panels
    .filter((p) => p.id > row.id)
    .flatMap((p) =>
      (p.targets ?? []).map((t) => ({
        title: p.title,
        refId: t.refId,
        expr: t.expr.replaceAll('$track', '.*').replaceAll('$__rate_interval', '5m'),
      })),
    );
}

describeWithTool('promtool', 'Grafana regression panels (promtool)', (promtool) => {
  it('compute what their titles say, on a canary and a stable regression model', () => {
    // Held-out RMSE 300 and MAE 230 on both tracks; live RMSE 450 (canary) and 330 (stable), live MAE
    // 240 on the canary; 1 row/s scored on each, 3 rows a minute of the canary's with an unknown island.
    const series = {
      'ml_model_error{track="canary",instance="c",source="training",metric="rmse"}': '300+0x20',
      'ml_model_error{track="canary",instance="c",source="training",metric="mae"}': '230+0x20',
      'ml_model_error{track="canary",instance="c",source="feedback",metric="rmse"}': '450+0x20',
      'ml_model_error{track="canary",instance="c",source="feedback",metric="mae"}': '240+0x20',
      'ml_model_error{track="stable",instance="s",source="training",metric="rmse"}': '300+0x20',
      'ml_model_error{track="stable",instance="s",source="feedback",metric="rmse"}': '330+0x20',
      'ml_predictions_total{track="canary",instance="c",model_version="2"}': '0+60x20',
      'ml_predictions_total{track="stable",instance="s",model_version="1"}': '0+60x20',
      'ml_unknown_category_total{track="canary",instance="c",feature="island"}': '0+3x20',
    };
    const canaryRmse = { track: 'canary', metric: 'rmse' };
    const canaryMae = { track: 'canary', metric: 'mae' };
    const stableRmse = { track: 'stable', metric: 'rmse' };
    const expected: Record<string, Array<[Record<string, string>, number]>> = {
      'Live RMSE (feedback)/A': [
        [{ track: 'canary' }, 450],
        [{ track: 'stable' }, 330],
      ],
      'Training RMSE and MAE (held-out)/A': [
        [canaryMae, 230],
        [canaryRmse, 300],
        [stableRmse, 300],
      ],
      'Live error ÷ training error (alert: 1.5)/A': [
        [canaryMae, 240 / 230],
        [canaryRmse, 1.5],
        [stableRmse, 1.1],
      ],
      'Live RMSE and MAE over time (dashed: training)/A': [
        [canaryMae, 240],
        [canaryRmse, 450],
        [stableRmse, 330],
      ],
      'Live RMSE and MAE over time (dashed: training)/B': [
        [canaryMae, 230],
        [canaryRmse, 300],
        [stableRmse, 300],
      ],
      'Scored rows with a category unseen in training, by feature (alert: 1%)/A': [
        [{ track: 'canary', feature: 'island' }, 0.05],
      ],
    };
    const queries = regressionPanelQueries();
    expect(queries.map((q) => `${q.title}/${q.refId}`).sort()).toEqual(Object.keys(expected).sort());
    const labels = (l: Record<string, string>) =>
      `{${Object.entries(l)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`;
    const test = {
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: Object.entries(series).map(([s, values]) => ({ series: s, values })),
          promql_expr_test: queries.map((q) => ({
            expr: q.expr,
            eval_time: '15m',
            exp_samples: expected[`${q.title}/${q.refId}`]!.map(([l, value]) => ({
              labels: labels(l),
              value,
            })),
          })),
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'mlctl-grafana-promql-'));
    try {
      writeFileSync(join(dir, 'panels.test.yaml'), stringify(test));
      const r = runTool(promtool, ['test', 'rules', 'panels.test.yaml'], { cwd: dir });
      expect(r.output).not.toMatch(/FAILED/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithTool('amtool', 'Alertmanager configuration (amtool)', (amtool) => {
  it('check-config accepts it', () => {
    const r = runTool(amtool, ['check-config', ALERTMANAGER]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it.each([
    ['severity=critical alertname=MlctlModelNotReady track=canary', 'ml-oncall'],
    ['severity=critical alertname=MlctlHighErrorRatio track=stable', 'ml-oncall'],
    ['severity=warning alertname=DataDriftDetected', 'ml-team'],
    ['severity=warning alertname=MlctlHighLatency track=canary', 'ml-team'],
  ])('routes %s to %s', (labels, receiver) => {
    const r = runTool(amtool, [
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER}`,
      `--verify.receivers=${receiver}`,
      ...labels.split(' '),
    ]);
    expect(r.status).toBe(0);
  });
});

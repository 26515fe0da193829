import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli';
import { describeWithTool, runTool } from '../helpers/infra-tools';

const PROMETHEUS = join(REPO_ROOT, 'infra', 'prometheus');
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

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';
import {
  CRD_VALIDATOR,
  HELM,
  KUBE_VERSION,
  KUBERNETES_VALIDATE,
  TOFU,
  describeWithTools,
  runTool,
  toolOutput,
} from '../helpers/infra-tools';
import { useTmpDir } from '../helpers/tmp';

// The root module needs the hashicorp/kubernetes and hashicorp/helm providers, which come only from
// registry.terraform.io (not reachable here), so `tofu init`/`validate` cannot run on it. Everything
// that needs no provider runs for real: `tofu fmt -check`, and the chart-values module (init, validate,
// apply) whose output is rendered by helm and validated like the chart's own ci values.
jest.setTimeout(300_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */
const TF = join(REPO_ROOT, 'infra', 'terraform');
const CHART = join(REPO_ROOT, 'infra', 'helm', 'mlctl');
const tfFiles = readdirSync(TF).filter((f) => f.endsWith('.tf'));
const tfText = tfFiles.map((f) => readFileSync(join(TF, f), 'utf8')).join('\n');
const moduleText = readFileSync(join(TF, 'modules', 'chart-values', 'main.tf'), 'utf8');

function declaredVariables(text: string): string[] {
  return [...text.matchAll(/^variable "(\w+)"/gm)].map((m) => m[1] as string);
}

describe('terraform module (static)', () => {
  test('every var.X used is declared and every declared variable is used', () => {
    const declared = declaredVariables(tfText);
    const used = new Set([...tfText.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1] as string));
    expect([...used].filter((v) => !declared.includes(v))).toEqual([]);
    expect(declared.filter((v) => !used.has(v))).toEqual([]);
  });

  test('the root passes the chart-values module only variables it declares, and every required one', () => {
    const block = /module "chart_values" \{([\s\S]*?)\n\}/.exec(tfText)?.[1] as string;
    const passed = [...block.matchAll(/^\s+(\w+)\s+=/gm)]
      .map((m) => m[1] as string)
      .filter((a) => a !== 'source');
    const declared = declaredVariables(moduleText);
    expect(passed.filter((a) => !declared.includes(a))).toEqual([]);
    const required = declared.filter(
      (v) => !new RegExp(`variable "${v}" \\{[^}]*default\\s*=`, 's').test(moduleText),
    );
    expect(required.filter((v) => !passed.includes(v))).toEqual([]);
  });
});

describeWithTools('terraform module (OpenTofu)', { tofu: TOFU, helm: HELM }, () => {
  const tmp = useTmpDir('mlctl-tofu-');
  const env = () => ({
    TF_CLI_CONFIG_FILE: tmp.write('tofu.rc', ''),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_DATA_DIR: undefined,
  });
  const tofu = (args: string[], cwd: string) =>
    runTool(TOFU as string, ['-chdir=' + cwd, ...args], { env: env() });

  test('tofu fmt -check: every file is formatted', () => {
    const fmt = runTool(TOFU as string, ['fmt', '-check', '-recursive', '-diff', TF], { env: env() });
    expect(fmt.stdout).toBe('');
    expect(fmt.status).toBe(0);
  });

  /** Applies the chart-values module with these arguments (HCL) and returns its outputs. */
  function chartValues(name: string, args: string): { yaml: string; fullname: string } {
    const dir = tmp.path(name);
    tmp.write(
      `${name}/main.tf`,
      `module "values" {\n  source = ${JSON.stringify(join(TF, 'modules', 'chart-values'))}\n${args}\n}\n` +
        'output "yaml" {\n  value = module.values.yaml\n}\noutput "fullname" {\n  value = module.values.fullname\n}\n',
    );
    for (const step of [
      ['init', '-input=false', '-no-color'],
      ['validate', '-no-color'],
      ['apply', '-auto-approve', '-input=false', '-no-color'],
    ]) {
      const result = tofu(step, dir);
      expect([step[0], result.status, result.stderr]).toEqual([step[0], 0, '']);
    }
    const output = (key: string) => toolOutput(TOFU as string, [`-chdir=${dir}`, 'output', '-raw', key]);
    return { yaml: output('yaml'), fullname: output('fullname') };
  }

  /** `helm template` of the chart with a values file: the manifests as text. */
  function renderText(release: string, valuesFile: string): string {
    return toolOutput(HELM as string, [
      'template',
      release,
      CHART,
      '-n',
      'ml',
      '--kube-version',
      KUBE_VERSION,
      '-f',
      valuesFile,
    ]);
  }

  function manifestsOf(text: string): any[] {
    return parseAllDocuments(text)
      .map((d) => d.toJS())
      .filter((m) => m !== null);
  }

  function render(release: string, valuesFile: string): any[] {
    return manifestsOf(renderText(release, valuesFile));
  }

  test('the values it writes render the chart: names, images, models and the Secret as the variables say', () => {
    const { yaml, fullname } = chartValues(
      'canary',
      [
        'release_name = "iris-eu"',
        'image_repository = "registry.example.com/ml/mlctl"',
        'image_tag = "2f0c1d3"',
        'model_uri = "models:/iris@production"',
        'mlflow_tracking_uri = "http://mlflow.ml.svc:5000"',
        'canary = { enabled = true, image_tag = "9a8b7c6" }',
        'secret_name = "iris-eu-credentials"',
      ].join('\n'),
    );
    expect(fullname).toBe('iris-eu-mlctl');
    const file = tmp.write('canary.values.yaml', yaml);
    const manifests = render('iris-eu', file);
    const deployment = (n: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === n);
    expect(deployment(fullname)?.spec.template.spec.containers[0].image).toBe(
      'registry.example.com/ml/mlctl:2f0c1d3',
    );
    const canary = deployment(`${fullname}-canary`)?.spec.template.spec.containers[0];
    expect(canary.image).toBe('registry.example.com/ml/mlctl:9a8b7c6');
    expect(canary.env.find((e: any) => e.name === 'MODEL_URI').value).toBe('models:/iris@candidate');
    expect(canary.env.find((e: any) => e.name === 'ADMIN_API_TOKEN').valueFrom.secretKeyRef.name).toBe(
      'iris-eu-credentials',
    );
    expect(
      manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === fullname).data.MLFLOW_TRACKING_URI,
    ).toBe('http://mlflow.ml.svc:5000');
    expect(deployment(`${fullname}-drift`)).toBeDefined();
    // The module says where the pods listen, rather than relying on the chart's default.
    expect(parse(yaml)).toMatchObject({ host: '0.0.0.0', drift: { host: '0.0.0.0' } });
    const config = (n: string) => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === n).data;
    expect([config(fullname).HOST, config(`${fullname}-drift`).DRIFT_HOST]).toEqual(['0.0.0.0', '0.0.0.0']);
  });

  test('its fullname is the chart’s own for a release named like the chart', () => {
    const { yaml, fullname } = chartValues(
      'plain',
      'image_repository = "mlctl"\nmodel_uri = "models:/iris@production"\nmlflow_tracking_uri = "http://mlflow:5000"',
    );
    expect(fullname).toBe('mlctl');
    const withOverride = render('mlctl', tmp.write('plain.values.yaml', yaml)).map(
      (m) => `${m.kind}/${m.metadata.name}`,
    );
    const chartDefault = render('mlctl', tmp.write('empty.values.yaml', '{}')).map(
      (m) => `${m.kind}/${m.metadata.name}`,
    );
    expect(withOverride.sort()).toEqual(chartDefault.sort());
  });

  describeWithTools(
    'with schema validation',
    { 'kubernetes-validate': KUBERNETES_VALIDATE, 'crd-validator': CRD_VALIDATOR },
    () => {
      test('Prometheus rule files become a valid PrometheusRule; the rendered release validates', () => {
        const rules = tmp.write(
          'rules.yml',
          'groups:\n  - name: test\n    rules:\n      - record: track:ml_request_count:rate5m\n        expr: sum by (track) (rate(ml_request_count_total[5m]))\n',
        );
        const shipped = join(REPO_ROOT, 'infra', 'prometheus', 'rules');
        const files = [
          rules,
          ...(existsSync(shipped)
            ? readdirSync(shipped)
                .filter((f) => f.endsWith('.yml'))
                .map((f) => join(shipped, f))
            : []),
        ];
        const { yaml } = chartValues(
          'monitoring',
          [
            'image_repository = "mlctl"',
            'model_uri = "models:/iris@production"',
            'mlflow_tracking_uri = "http://mlflow:5000"',
            'service_monitor = { enabled = true, labels = { release = "kube-prometheus-stack" } }',
            `prometheus_rule_files = ${JSON.stringify(files)}`,
          ].join('\n'),
        );
        const valuesFile = tmp.write('monitoring.values.yaml', yaml);
        const rendered = renderText('mlctl', valuesFile);
        const manifests = manifestsOf(rendered);
        const rule = manifests.find((m) => m.kind === 'PrometheusRule');
        expect(rule.spec.groups.map((g: any) => g.name)).toContain('test');
        expect(rule.spec.groups.length).toBe(
          files.reduce(
            (n, f) => n + (parseAllDocuments(readFileSync(f, 'utf8'))[0]?.toJS().groups.length ?? 0),
            0,
          ),
        );
        const file = tmp.path('monitoring.rendered.yaml');
        writeFileSync(file, rendered);
        expect(
          runTool(KUBERNETES_VALIDATE as string, ['--strict', '--quiet', '-k', KUBE_VERSION, file]).status,
        ).toBe(0);
        const crds = runTool(process.execPath, [CRD_VALIDATOR as string, file]);
        expect([crds.status, crds.stderr]).toEqual([0, '']);
        expect(crds.stdout).toMatch(/PrometheusRule mlctl: valid/);
      });
    },
  );
});

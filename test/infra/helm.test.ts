import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { decisionCommands } from '../../src/canary/helm';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';
import {
  CRD_VALIDATOR,
  HELM,
  KUBE_VERSION,
  KUBERNETES_VALIDATE,
  describeWithTools,
  runTool,
  toolOutput,
} from '../helpers/infra-tools';
import { useTmpDir } from '../helpers/tmp';

// helm and the validators run as child processes: seconds each on a busy machine.
jest.setTimeout(120_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */
type Manifest = Record<string, any>;

const CHART = join(REPO_ROOT, 'infra', 'helm', 'mlctl');
const CI_VALUES = readdirSync(join(CHART, 'ci')).filter((f) => f.endsWith('-values.yaml'));
const documented = new Set(
  readFileSync(join(REPO_ROOT, 'docs', 'CONFIGURATION.md'), 'utf8').match(/(?<=`)[A-Z][A-Z0-9_]+(?=`)/g),
);

function template(release: string, args: string[]): string {
  return toolOutput(HELM as string, [
    'template',
    release,
    CHART,
    '--namespace',
    'ml',
    '--kube-version',
    KUBE_VERSION,
    ...args,
  ]);
}
function render(release: string, args: string[] = []): Manifest[] {
  return parseAllDocuments(template(release, args))
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}
function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} in ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`,
    );
  return found;
}
function values(file: string): string[] {
  return ['-f', join(CHART, 'ci', file)];
}
function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
function envOf(container: Manifest): Record<string, any> {
  return Object.fromEntries((container.env ?? []).map((e: Manifest) => [e.name, e]));
}

describeWithTools('helm chart infra/helm/mlctl', { helm: HELM }, () => {
  test.each(['(chart defaults)', ...CI_VALUES])('helm lint --strict passes with %s', (file) => {
    const args = file.startsWith('(') ? [] : values(file);
    const lint = runTool(HELM as string, [
      'lint',
      CHART,
      '--strict',
      '--kube-version',
      KUBE_VERSION,
      ...args,
    ]);
    expect(lint.stderr + lint.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(lint.status).toBe(0);
  });

  test('the ci values cover the default, canary and full-featured cases', () => {
    expect(CI_VALUES).toEqual(
      expect.arrayContaining(['default-values.yaml', 'canary-values.yaml', 'full-values.yaml']),
    );
  });

  test('defaults: one stable Deployment hardened for a read-only root, probes on /livez and /readyz', () => {
    const manifests = render('mlctl');
    expect(
      manifests
        .filter((m) => m.kind === 'Deployment')
        .map((m) => m.metadata.name)
        .sort(),
    ).toEqual(['mlctl', 'mlctl-drift']);
    const config = find(manifests, 'ConfigMap', 'mlctl').data;
    for (const deployment of manifests.filter((m) => m.kind === 'Deployment')) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      const [container] = pod.containers;
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      const mounts = Object.fromEntries(container.volumeMounts.map((v: Manifest) => [v.mountPath, v.name]));
      expect(mounts['/tmp']).toBeDefined();
      expect(mounts[config.MODEL_CACHE_DIR]).toBeDefined();
      for (const name of Object.values(mounts)) {
        expect(pod.volumes.find((v: Manifest) => v.name === name).emptyDir).toBeDefined();
      }
      expect(container.ports[0].name).toBe('http');
    }
    const serve = find(manifests, 'Deployment', 'mlctl').spec.template;
    expect(serve.metadata.labels.track).toBe('stable');
    const [container] = serve.spec.containers;
    expect(container.args).toEqual(['serve']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(envOf(container).MODEL_URI.value).toBe('models:/iris@production');
    expect(container.ports[0].containerPort).toBe(Number(config.PORT));
    // mlctl listens on 127.0.0.1 unless told: the probes and the Service need every interface.
    expect(config.HOST).toBe('0.0.0.0');
    expect(find(manifests, 'ConfigMap', 'mlctl-drift').data.DRIFT_HOST).toBe('0.0.0.0');
    expect(container.image).toBe('mlctl:0.1.0');
    // No Secret from values, no RBAC: the pods never read the Kubernetes API.
    expect(
      manifests.filter((m) => /^(Secret|Role|RoleBinding|ClusterRole|ClusterRoleBinding)$/.test(m.kind)),
    ).toEqual([]);
  });

  test('every environment variable the pods get is a documented mlctl setting', () => {
    for (const file of CI_VALUES) {
      const manifests = render('mlctl', values(file));
      const names = [
        ...manifests.filter((m) => m.kind === 'ConfigMap').flatMap((m) => Object.keys(m.data)),
        ...manifests
          .filter((m) => m.kind === 'Deployment')
          .flatMap((m) =>
            m.spec.template.spec.containers.flatMap((c: Manifest) =>
              (c.env ?? []).map((e: Manifest) => e.name),
            ),
          ),
      ];
      expect([file, names.filter((n) => !documented.has(n))]).toEqual([file, []]);
    }
  });

  test('canary: <fullname>-canary serves the candidate with track: canary; the Service covers both tracks', () => {
    const manifests = render('mlctl', values('canary-values.yaml'));
    const stable = find(manifests, 'Deployment', 'mlctl');
    const canary = find(manifests, 'Deployment', 'mlctl-canary');
    expect(canary.spec.replicas).toBe(1);
    expect(canary.spec.template.metadata.labels.track).toBe('canary');
    const [c] = canary.spec.template.spec.containers;
    expect(envOf(c).MODEL_URI.value).toBe('models:/iris@candidate');
    expect(c.image).toBe('registry.example.com/ml/mlctl:9a8b7c6');
    expect(stable.spec.template.spec.containers[0].image).toBe('registry.example.com/ml/mlctl:2f0c1d3');
    expect(envOf(c).ADMIN_API_TOKEN.valueFrom.secretKeyRef).toMatchObject({
      name: 'mlctl-credentials',
      optional: true,
    });

    const service = find(manifests, 'Service', 'mlctl');
    expect(matches(service.spec.selector, stable.spec.template.metadata.labels)).toBe(true);
    expect(matches(service.spec.selector, canary.spec.template.metadata.labels)).toBe(true);
    const canaryService = find(manifests, 'Service', 'mlctl-canary');
    expect(matches(canaryService.spec.selector, stable.spec.template.metadata.labels)).toBe(false);
    expect(matches(canaryService.spec.selector, canary.spec.template.metadata.labels)).toBe(true);
    expect(service.spec.ports[0].name).toBe('http');

    // The ServiceMonitor scrapes the Service of both tracks (not the canary-only one) and turns the
    // pod label `track` into the series label `track`.
    const monitor = find(manifests, 'ServiceMonitor', 'mlctl');
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(matches(monitor.spec.selector.matchLabels, canaryService.metadata.labels)).toBe(false);
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    expect(monitor.spec.endpoints[0].relabelings).toContainEqual({
      action: 'replace',
      sourceLabels: ['__meta_kubernetes_pod_label_track'],
      targetLabel: 'track',
    });
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');

    // A one-pod canary never blocks a node drain.
    const pdb = find(manifests, 'PodDisruptionBudget', 'mlctl-canary');
    expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(canary.spec.replicas);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(matches(pdb.spec.selector.matchLabels, canary.spec.template.metadata.labels)).toBe(true);
    expect(matches(pdb.spec.selector.matchLabels, stable.spec.template.metadata.labels)).toBe(false);
  });

  test('what `mlctl canary promote --helm-release` prints removes the canary and moves stable to its tag', () => {
    // The very arguments mlctl prints, less what only an upgrade of a live release takes.
    const setArgs = (cmd: string[]) => cmd.slice(4).filter((a) => a !== '--reuse-values' && a !== '--wait');
    const options = { release: 'mlctl', chart: 'infra/helm/mlctl', imageTag: '9a8b7c6' };
    const promoted = render('mlctl', [
      ...values('canary-values.yaml'),
      ...setArgs(decisionCommands('promoted', options)[0]!),
    ]);
    expect(promoted.filter((m) => m.metadata.name.endsWith('-canary'))).toEqual([]);
    expect(find(promoted, 'Deployment', 'mlctl').spec.template.spec.containers[0].image).toBe(
      'registry.example.com/ml/mlctl:9a8b7c6',
    );
    const rejected = render('mlctl', [
      ...values('canary-values.yaml'),
      ...setArgs(decisionCommands('rejected', options)[0]!),
    ]);
    expect(rejected.filter((m) => m.metadata.name.endsWith('-canary'))).toEqual([]);
    expect(find(rejected, 'Deployment', 'mlctl').spec.template.spec.containers[0].image).toBe(
      'registry.example.com/ml/mlctl:2f0c1d3',
    );
  });

  test('two releases in one namespace share no resource name and select only their own pods', () => {
    const a = render('mlctl', values('canary-values.yaml'));
    const b = render('iris-eu', values('canary-values.yaml'));
    const names = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
    expect(names(b).filter((n) => names(a).includes(n))).toEqual([]);
    expect(names(b)).toContain('Deployment/iris-eu-mlctl-canary');
    const podsOfA = a.filter((m) => m.kind === 'Deployment').map((m) => m.spec.template.metadata.labels);
    for (const m of b) {
      const selector = m.spec?.selector?.matchLabels ?? (m.kind === 'Service' ? m.spec.selector : undefined);
      if (selector === undefined) continue;
      expect([m.kind, m.metadata.name, podsOfA.some((labels) => matches(selector, labels))]).toEqual([
        m.kind,
        m.metadata.name,
        false,
      ]);
    }
  });

  test('NetworkPolicy admits ingress-nginx and Prometheus from their namespaces, by the namespace-name label', () => {
    const manifests = render('mlctl');
    const policy = find(manifests, 'NetworkPolicy', 'mlctl');
    const peers = policy.spec.ingress[0].from;
    expect(peers).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    });
    expect(peers).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    });
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
    expect(
      matches(
        policy.spec.podSelector.matchLabels,
        find(manifests, 'Deployment', 'mlctl').spec.template.metadata.labels,
      ),
    ).toBe(true);
    const drift = find(manifests, 'NetworkPolicy', 'mlctl-drift');
    expect(
      matches(
        drift.spec.podSelector.matchLabels,
        find(manifests, 'Deployment', 'mlctl-drift').spec.template.metadata.labels,
      ),
    ).toBe(true);
  });

  test('full values: HPA on the stable Deployment (no fixed replicas), ExternalSecret feeds the pods, PrometheusRule from values', () => {
    const manifests = render('mlctl', values('full-values.yaml'));
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'iris-serving');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'iris-serving',
    });
    expect(find(manifests, 'Deployment', 'iris-serving').spec.replicas).toBeUndefined();
    const external = find(manifests, 'ExternalSecret', 'iris-serving');
    const [c] = find(manifests, 'Deployment', 'iris-serving').spec.template.spec.containers;
    expect(envOf(c).MLFLOW_TRACKING_TOKEN.valueFrom.secretKeyRef.name).toBe(external.spec.target.name);
    expect(c.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(find(manifests, 'PrometheusRule', 'iris-serving').spec.groups[0].name).toBe('mlctl-serving');
    expect(find(manifests, 'Ingress', 'iris-serving').spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'iris-serving',
      port: { name: 'http' },
    });
  });

  test('values.schema.json rejects misspelt keys and bad values; incomplete options fail with a reason', () => {
    const bad = (args: string[]) =>
      runTool(HELM as string, ['template', 'mlctl', CHART, '--kube-version', KUBE_VERSION, ...args]);
    expect(bad(['--set', 'canary.enabeld=true']).stderr).toMatch(/enabeld/);
    expect(bad(['--set', 'model.autoRefreshSeconds=-1']).status).not.toBe(0);
    expect(bad(['--set', 'image.digest=latest']).status).not.toBe(0);
    expect(bad(['--set', 'externalSecret.enabled=true']).stderr).toMatch(
      /externalSecret.secretStoreRef.name/,
    );
    expect(bad(['--set', 'prometheusRule.enabled=true']).stderr).toMatch(/prometheusRule.groups/);
  });
});

describeWithTools(
  'rendered manifests pass Kubernetes schema validation',
  { helm: HELM, 'kubernetes-validate': KUBERNETES_VALIDATE, 'crd-validator': CRD_VALIDATOR },
  () => {
    const tmp = useTmpDir('mlctl-helm-');
    test.each(CI_VALUES)(
      '%s: built-in kinds (kubernetes-validate --strict) and custom resources (CRD schemas)',
      (file) => {
        const rendered = tmp.write(`${file}.rendered.yaml`, template('mlctl', values(file)));
        const k8s = runTool(KUBERNETES_VALIDATE as string, [
          '--strict',
          '--quiet',
          '-k',
          KUBE_VERSION,
          rendered,
        ]);
        expect(k8s.stdout + k8s.stderr).not.toMatch(/ERROR/);
        expect(k8s.status).toBe(0);
        const crds = runTool(process.execPath, [CRD_VALIDATOR as string, rendered]);
        expect(crds.stderr).toBe('');
        expect(crds.status).toBe(0);
      },
    );

    test('the validators catch errors (a check that cannot fail proves nothing)', () => {
      const manifests = render('mlctl', values('full-values.yaml'));
      const deployment = find(manifests, 'Deployment', 'iris-serving');
      deployment.spec.template.spec.containers[0].readinessProbe.httpGet.portt = 8000;
      const monitor = find(manifests, 'ServiceMonitor', 'iris-serving');
      monitor.spec.endpoints[0].interval = 'every 15 seconds';
      const broken = tmp.write('broken.json', JSON.stringify(deployment));
      expect(
        runTool(KUBERNETES_VALIDATE as string, ['--strict', '--quiet', '-k', KUBE_VERSION, broken]).status,
      ).not.toBe(0);
      const brokenCr = tmp.path('broken-cr.json');
      writeFileSync(brokenCr, JSON.stringify(monitor));
      const crds = runTool(process.execPath, [CRD_VALIDATOR as string, brokenCr]);
      expect(crds.stderr).toMatch(/interval/);
      expect(crds.status).toBe(1);
    });
  },
);

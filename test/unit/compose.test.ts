import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';
import { readDockerfile, stageEnv } from '../helpers/dockerfile';
import type { Stage } from '../helpers/dockerfile';

// docker-compose.yml cannot be started here (no Docker engine), so its wiring is checked by reading it
// and the files it mounts: every name, port, URL, label and path one service uses for another.
/* eslint-disable @typescript-eslint/no-explicit-any -- compose files are untyped YAML */
type Service = Record<string, any>;

const readYaml = (...path: string[]) =>
  parse(readFileSync(join(REPO_ROOT, ...path), 'utf8'), { merge: true });
const compose = readYaml('docker-compose.yml');
const services: Record<string, Service> = compose.services;
const prometheus = readYaml('infra', 'compose', 'prometheus.yml');
const promtail = readYaml('infra', 'compose', 'promtail.yml');
const documented = new Set(
  readFileSync(join(REPO_ROOT, 'docs', 'CONFIGURATION.md'), 'utf8').match(/(?<=`)[A-Z][A-Z0-9_]+(?=`)/g),
);
const runtime = readDockerfile(join(REPO_ROOT, 'Dockerfile')).stages.at(-1) as Stage;
const imageEnv = stageEnv(runtime);
const mlctlServices = Object.entries(services).filter(([, s]) => s.build !== undefined);
// Directories other parts of the deployment kit own (monitoring rules, Alertmanager, Grafana): their
// wiring is checked from the moment they exist.
const MONITORING = ['infra/prometheus', 'infra/alertmanager', 'infra/grafana'];

function containerPorts(service: Service): number[] {
  return [
    ...(service.ports ?? []).map((p: string) => Number(String(p).split(':').pop())),
    ...(service.expose ?? []).map(Number),
  ];
}
function env(name: string): Record<string, string> {
  return services[name]?.environment ?? {};
}
function mounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).map((v: string) => {
    const [source, target] = v.split(':') as [string, string];
    return { source, target };
  });
}
/** Asserts that a URL names a compose service on one of its container ports. */
function expectServiceUrl(url: string): string {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  expect([url, u.hostname in services]).toEqual([url, true]);
  expect([url, containerPorts(services[u.hostname] as Service)]).toEqual([
    url,
    expect.arrayContaining([port]),
  ]);
  return u.hostname;
}
function mlflowCommandFlag(flag: string): string | undefined {
  return (services.mlflow?.command as string[]).find((a) => a.startsWith(`--${flag}=`))?.split('=')[1];
}

describe('docker-compose.yml', () => {
  test('runs every service the issue names, each depends_on target exists', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'mlctl',
        'drift-monitor',
        'mlflow',
        'prometheus',
        'alertmanager',
        'grafana',
        'loki',
        'promtail',
      ]),
    );
    for (const [name, service] of Object.entries(services)) {
      // A plain YAML scalar holding ": " silently becomes a mapping: every argv entry must be a string.
      for (const argv of [service.command, service.entrypoint, service.healthcheck?.test]) {
        if (Array.isArray(argv))
          expect([name, argv.filter((a) => typeof a !== 'string')]).toEqual([name, []]);
      }
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect([name, dependency, dependency in services]).toEqual([name, dependency, true]);
      }
    }
  });

  test('mlctl containers come from the Dockerfile, read-only, writing to tmpfs and volumes only', () => {
    expect(mlctlServices.map(([n]) => n).sort()).toEqual(['bootstrap', 'drift-monitor', 'mlctl']);
    for (const [name, service] of mlctlServices) {
      expect([
        name,
        service.build.context,
        existsSync(join(REPO_ROOT, service.build.context, service.build.dockerfile)),
      ]).toEqual([name, '.', true]);
      expect([name, service.read_only, service.tmpfs]).toEqual([name, true, ['/tmp']]);
    }
    expect(mounts(services.mlctl as Service).map((m) => m.target)).toContain(imageEnv.MODEL_CACHE_DIR);
    expect(mounts(services['drift-monitor'] as Service).map((m) => m.target)).toContain(
      imageEnv.MODEL_CACHE_DIR,
    );
  });

  test('every environment variable given to mlctl is a documented setting', () => {
    for (const [name, service] of mlctlServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((k) => !documented.has(k));
      expect([name, unknown]).toEqual([name, []]);
    }
  });

  test('URLs between services name a service and one of its ports; MLflow accepts the Host headers used', () => {
    const allowed = (mlflowCommandFlag('allowed-hosts') ?? '').split(',');
    for (const [, service] of mlctlServices) {
      const tracking = service.environment.MLFLOW_TRACKING_URI;
      expect(expectServiceUrl(tracking)).toBe('mlflow');
      expect(allowed).toContain(new URL(tracking).host);
    }
    expect(mlflowCommandFlag('port')).toBe('5000');
    expect(allowed).toContain(
      new URL(/http:\/\/[^'/]+/.exec(services.mlflow?.healthcheck.test.join(' '))?.[0] as string).host,
    );
    expect(expectServiceUrl(env('drift-monitor').LOKI_BASE_URL as string)).toBe('loki');
    expect(expectServiceUrl(promtail.clients[0].url)).toBe('loki');
    expect(containerPorts(services.mlctl as Service)).toContain(Number(imageEnv.PORT));
    expect(containerPorts(services['drift-monitor'] as Service)).toContain(
      Number(env('drift-monitor').DRIFT_PORT),
    );
    expect(services['drift-monitor']?.healthcheck.test.join(' ')).toContain(
      `:${env('drift-monitor').DRIFT_PORT}/healthz`,
    );
  });

  test('serve and the drift monitor follow the model the bootstrap registers', () => {
    const command = services.bootstrap?.command.join(' ') as string;
    const name = /--register (\S+)/.exec(command)?.[1];
    const alias = /--alias (\S+)/.exec(command)?.[1];
    expect(command).toContain(`models show models:/${name}@${alias}`);
    expect(env('mlctl').MODEL_URI).toBe(`models:/${name}@${alias}`);
    expect(env('drift-monitor').REFERENCE_DATASET_URI).toBe(`models:/${name}@${alias}`);
    expect(services.mlctl?.depends_on.bootstrap.condition).toBe('service_completed_successfully');
  });

  test('the prediction log reaches Loki with the labels the drift monitor queries', () => {
    const logPath = env('mlctl').PREDICTION_LOG_PATH as string;
    const shared = mounts(services.mlctl as Service).find((m) => m.target === posix.dirname(logPath));
    expect(shared).toBeDefined();
    const promtailMount = mounts(services.promtail as Service).find((m) => m.source === shared?.source);
    expect(promtailMount).toBeDefined();
    const [job] = promtail.scrape_configs;
    const { __path__: glob, ...labels } = job.static_configs[0].labels;
    expect(posix.dirname(glob)).toBe(promtailMount?.target);
    const pattern = new RegExp(`^${posix.basename(glob).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
    expect(pattern.test(posix.basename(logPath))).toBe(true);
    const selector = /^\{([^}]*)\}/.exec(env('drift-monitor').LOKI_QUERY as string)?.[1] as string;
    const wanted = Object.fromEntries(
      selector.split(',').map((m) =>
        m
          .trim()
          .split('=')
          .map((s) => s.replace(/"/g, '')),
      ),
    );
    expect(labels).toMatchObject(wanted);
    expect(env('mlctl').PREDICTION_LOG_STDOUT).toBeUndefined(); // default true: docker logs show them too
  });

  test('Prometheus scrapes both mlctl services and sends alerts to Alertmanager, by service name', () => {
    const targets = prometheus.scrape_configs.flatMap((j: any) =>
      j.static_configs.flatMap((s: any) => s.targets),
    );
    const byHost = targets
      .filter((t: string) => !t.startsWith('localhost'))
      .map((t: string) => expectServiceUrl(`http://${t}`));
    expect(byHost).toEqual(expect.arrayContaining(['mlctl', 'drift-monitor']));
    expect(
      prometheus.scrape_configs.find((j: any) => j.job_name === 'mlctl').static_configs[0].labels.track,
    ).toBe('stable');
    expect(
      expectServiceUrl(`http://${prometheus.alerting.alertmanagers[0].static_configs[0].targets[0]}`),
    ).toBe('alertmanager');
    const rulesMount = mounts(services.prometheus as Service).find(
      (m) => m.source === './infra/prometheus/rules',
    );
    expect(posix.dirname(prometheus.rule_files[0])).toBe(rulesMount?.target);
    expect(
      mounts(services.prometheus as Service).find((m) => m.source === './infra/compose/prometheus.yml')
        ?.target,
    ).toBe(services.prometheus?.command.find((a: string) => a.startsWith('--config.file=')).split('=')[1]);
  });

  test('named volumes are declared and used; host ports do not collide; bind mounts exist', () => {
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const { source } of mounts(service)) {
        if (source.startsWith('./')) {
          const path = source.slice(2);
          const owner = MONITORING.find((d) => path.startsWith(d));
          if (owner !== undefined && !existsSync(join(REPO_ROOT, owner))) continue;
          expect([name, source, existsSync(join(REPO_ROOT, path))]).toEqual([name, source, true]);
        } else {
          used.add(source);
        }
      }
    }
    expect([...used].sort()).toEqual(Object.keys(compose.volumes).sort());
    const hostPorts = Object.values(services).flatMap((s) =>
      (s.ports ?? []).map((p: string) => p.split(':')[0]),
    );
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  test('Grafana provisioning (when present) points at compose services and at the mounted dashboards', () => {
    const grafana = mounts(services.grafana as Service);
    const provisioning = grafana.find((m) => m.source === './infra/grafana/provisioning');
    const dashboards = grafana.find((m) => m.source === './infra/grafana/dashboards');
    expect(provisioning?.target).toBe('/etc/grafana/provisioning');
    expect(dashboards).toBeDefined();
    const dir = (sub: string) => join(REPO_ROOT, 'infra', 'grafana', 'provisioning', sub);
    const files = (sub: string) =>
      existsSync(dir(sub)) ? readdirSync(dir(sub)).filter((f) => /\.ya?ml$/.test(f)) : [];
    for (const file of files('datasources')) {
      for (const ds of parse(readFileSync(join(dir('datasources'), file), 'utf8')).datasources ?? []) {
        if (ds.url) expectServiceUrl(ds.url);
      }
    }
    for (const file of files('dashboards')) {
      for (const provider of parse(readFileSync(join(dir('dashboards'), file), 'utf8')).providers ?? []) {
        expect(provider.options.path.startsWith(dashboards?.target)).toBe(true);
      }
    }
  });
});

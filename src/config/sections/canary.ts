import { boolean, integer, number, text } from '../fields';
import { defineSettings } from '../settings';

/** Where a canary decision lands: the production pointer, dry runs, and the optional Helm step. */
export const canaryTargetSettings = defineSettings('canary', '`mlctl canary` (promote and rollback)', {
  alias: {
    field: text(),
    placeholder: 'alias',
    env: 'CANARY_ALIAS',
    describe:
      'Alias that marks production; promotion moves it, rollback moves it back. Default `production`.',
  },
  stage: {
    field: text(),
    placeholder: 'stage',
    env: 'CANARY_STAGE',
    describe:
      "Use this stage (Production or Staging) instead of an alias, archiving the versions already there (MLflow's deprecated stages).",
  },
  dryRun: {
    field: boolean(),
    env: 'CANARY_DRY_RUN',
    describe: 'Decide and print, change nothing (no registry change, no Helm command run).',
  },
  helmRelease: {
    field: text(),
    placeholder: 'release',
    env: 'HELM_RELEASE',
    describe:
      'Helm release of infra/helm/mlctl: print the helm commands that follow the decision (image rollouts).',
  },
  helmNamespace: {
    field: text(),
    placeholder: 'namespace',
    env: 'HELM_NAMESPACE',
    describe: 'Namespace of the Helm release.',
  },
  apply: {
    field: boolean(),
    describe: 'Run the helm commands instead of only printing them (needs --helm-release and helm on PATH).',
  },
});

export const canaryPromoteSettings = defineSettings('canary-promote', '`mlctl canary promote`', {
  model: {
    field: text(),
    placeholder: 'uri',
    required: true,
    env: 'CANARY_MODEL_URI',
    describe:
      'The candidate the canary serves: models:/name/version (an alias or stage is resolved to its version first).',
  },
  policy: {
    field: text(),
    placeholder: 'file',
    required: true,
    env: 'CANARY_POLICY',
    describe:
      'Canary policy YAML (metrics, thresholds, interval, count, limits); see infra/canary/policy.yaml.',
  },
  prometheusUrl: {
    field: text(),
    placeholder: 'url',
    env: 'PROMETHEUS_URL',
    describe:
      'Prometheus server to query (http://prometheus:9090); user:password in the URL gives basic auth.',
  },
  metricsUrl: {
    field: text(),
    placeholder: 'url',
    env: 'CANARY_METRICS_URL',
    describe:
      "Without Prometheus: read the canary's own /metrics page (http://canary:8000/metrics) each interval.",
  },
  prometheusBearerToken: {
    field: text(),
    env: 'PROMETHEUS_BEARER_TOKEN',
    flag: false,
    secret: true,
    describe: 'Bearer token sent to Prometheus (or to the --metrics-url page). Never printed or logged.',
  },
  prometheusTimeoutSeconds: {
    field: number({ min: 0, exclusiveMin: true, max: 600 }),
    env: 'PROMETHEUS_TIMEOUT_SECONDS',
    default: 30,
    describe: 'Timeout of each query or scrape (and of the smoke test requests).',
  },
  prometheusRetries: {
    field: integer({ min: 0, max: 10 }),
    env: 'PROMETHEUS_RETRIES',
    default: 3,
    describe:
      'Retries of one query after a connection error, HTTP 429, 422 or 5xx (1 s, 2 s, 4 s … apart), before it counts as an error.',
  },
  canaryUrl: {
    field: text(),
    placeholder: 'url',
    env: 'CANARY_URL',
    describe:
      'Base URL of the canary (http://canary:8000): smoke-test /readyz and /predict before measuring.',
  },
  smokeInput: {
    field: text(),
    placeholder: 'json',
    describe: 'JSON body for the smoke /predict (default: one row of zeros with the served features).',
  },
  helmChart: {
    field: text(),
    placeholder: 'chart',
    env: 'HELM_CHART',
    default: 'infra/helm/mlctl',
    describe: 'Chart path or reference used in the printed helm commands.',
  },
  imageTag: {
    field: text(),
    placeholder: 'tag',
    env: 'CANARY_IMAGE_TAG',
    describe: "The canary's image tag; on promotion the helm command makes it the stable image.",
  },
});

export const canaryRollbackSettings = defineSettings('canary-rollback', '`mlctl canary rollback`', {
  name: {
    field: text(),
    placeholder: 'model',
    required: true,
    env: 'CANARY_MODEL_NAME',
    describe: 'Registered model whose production pointer moves back.',
  },
  to: {
    field: integer({ min: 1 }),
    describe:
      'Version to go back to; default the version the current one replaced (recorded by `mlctl canary promote`).',
  },
});

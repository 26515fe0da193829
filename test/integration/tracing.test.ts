import { join } from 'node:path';
import { spawnCli } from '../helpers/cli';
import { tempDir } from '../helpers/data';
import { MLFLOW_URI } from '../helpers/mlflow-env';
import { createModelFixture } from '../helpers/model-fixture';
import { describeWithCollector, startCollector } from '../helpers/otel-collector';
import type { Collector, ExportedSpan } from '../helpers/otel-collector';
import { uniqueName } from '../helpers/registry-contract';
import { itIfAvailable } from '../helpers/requirement';
import { eventually, startServeProcess } from '../helpers/serve-process';

jest.setTimeout(180_000);

const CALLER = { trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' };
const SERVER = 2;
const CLIENT = 3;

describeWithCollector('traces reach a real OpenTelemetry Collector', () => {
  let collector: Collector;
  let dir: string;
  const otel = () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_SERVICE_NAME: 'mlctl-it',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const until = async (check: (spans: ExportedSpan[]) => boolean): Promise<ExportedSpan[]> => {
    await eventually(async () => check(collector.spans()), 20_000).catch((err: Error) => {
      throw new Error(
        `${err.message}; spans so far: ${collector
          .spans()
          .map((x) => x.name)
          .join(', ')}\n${collector.logs()}`,
      );
    });
    return collector.spans();
  };

  beforeAll(async () => {
    dir = tempDir('mlctl-otel-');
    collector = await startCollector(dir);
  });
  afterAll(() => collector?.stop());

  it("mlctl serve: a request's span joins the caller's trace; reload's registry calls are its children", async () => {
    const model = join(dir, 'iris');
    const iris = join(__dirname, '..', '..', 'data', 'processed', 'iris.csv');
    expect((await spawnCli(['train', '--data', iris, '--output', model, '--n-estimators', '10'])).code).toBe(
      0,
    );
    const registryEnv = { MLCTL_REGISTRY_DIR: join(dir, 'registry'), MODEL_CACHE_DIR: join(dir, 'cache') };
    expect(
      (
        await spawnCli(['register', '--model-dir', model, '--name', 'iris', '--alias', 'production'], {
          env: registryEnv,
        })
      ).code,
    ).toBe(0);
    const s = await startServeProcess(['--model', 'models:/iris@production'], {
      env: { ...registryEnv, ...otel(), ADMIN_API_TOKEN: 't', PREDICTION_LOG_STDOUT: 'false' },
    });
    try {
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
      const res = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${CALLER.trace}-${CALLER.span}-01`,
          tracestate: 'vendor=abc',
          'x-correlation-id': 'traced-1',
        },
        body: JSON.stringify({
          features: [
            [5.1, 3.5, 1.4, 0.2],
            [6.7, 3.0, 5.2, 2.3],
          ],
        }),
      });
      expect(res.status).toBe(200);
      await fetch(`${s.url}/admin/reload`, { method: 'POST', headers: { 'x-admin-token': 't' } });
      const spans = await until((all) => all.some((x) => x.name === 'POST /admin/reload'));
      const predict = spans.find((x) => x.name === 'POST /predict');
      expect(predict).toMatchObject({
        traceId: CALLER.trace,
        parentSpanId: CALLER.span,
        traceState: 'vendor=abc',
        kind: SERVER,
        attributes: {
          'http.route': '/predict',
          'http.response.status_code': '200',
          'mlctl.model.name': 'iris',
          'mlctl.model.version': '1',
          'mlctl.rows': '2',
          'mlctl.request_id': 'traced-1',
        },
        resource: { 'service.name': 'mlctl-it' },
      });
      const reload = spans.find((x) => x.name === 'POST /admin/reload')!;
      const children = spans.filter((x) => x.parentSpanId === reload.spanId).map((x) => x.name);
      expect(children).toEqual(expect.arrayContaining(['registry getVersionByAlias']));
      // The first load, before any request: registry spans of their own (roots).
      expect(spans.some((x) => x.name === 'registry getVersionByAlias' && x.parentSpanId === undefined)).toBe(
        true,
      );
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  itIfAvailable(
    'mlctl register against MLflow: the command span, a child of TRACEPARENT, and a client span per MLflow call',
    MLFLOW_URI === undefined ? 'MLCTL_TEST_MLFLOW_URI is not set (scripts/ci/mlflow.sh start)' : undefined,
    'MLCTL_REQUIRE_MLFLOW',
    async () => {
      const model = await createModelFixture(dir);
      const name = uniqueName('traced');
      const r = await spawnCli(['register', '--model-dir', model, '--name', name, '--alias', 'champion'], {
        env: {
          ...otel(),
          MLFLOW_TRACKING_URI: MLFLOW_URI as string,
          TRACEPARENT: `00-${CALLER.trace}-${'1'.repeat(16)}-01`,
        },
      });
      expect(r.code).toBe(0);
      const spans = await until((all) =>
        all.some((x) => x.name === 'mlctl register' && x.parentSpanId === '1'.repeat(16)),
      );
      const command = spans.find((x) => x.name === 'mlctl register' && x.parentSpanId === '1'.repeat(16))!;
      const calls = spans.filter((x) => x.parentSpanId === command.spanId);
      expect(calls.map((x) => x.name)).toEqual(
        expect.arrayContaining([
          'registry createRun',
          'registry logModelArtifacts',
          'registry createModelVersion',
          'registry setAlias',
        ]),
      );
      for (const call of calls) {
        expect(call).toMatchObject({
          traceId: CALLER.trace,
          kind: CLIENT,
          attributes: { 'mlctl.registry.backend': 'mlflow' },
        });
      }
      expect(calls.find((x) => x.name === 'registry setAlias')?.attributes).toMatchObject({
        'mlctl.model.name': name,
        'mlctl.model.alias': 'champion',
      });
    },
  );
});

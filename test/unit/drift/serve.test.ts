import { rmSync, writeFileSync } from 'node:fs';
import { createSilentLogger } from '../../../src/telemetry/logger';
import { createDriftMetrics } from '../../../src/drift/metrics';
import { createDriftMonitor } from '../../../src/drift/monitor';
import { renderHtmlReport } from '../../../src/drift/reports/html';
import { runDrift } from '../../../src/drift/run-drift';
import type { DriftRunOptions } from '../../../src/drift/run-drift';
import { createDriftHandler } from '../../../src/drift/server';
import { startDriftService } from '../../../src/drift/service';
import type { DriftService } from '../../../src/drift/service';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTmpDir } from '../../helpers/tmp';
import { predictionLog, referenceCsv } from './data';

const tmp = useTmpDir('mlctl-drift-serve-');
const logger = createSilentLogger();

function runOptions(current: string): DriftRunOptions {
  return {
    reference: tmp.path('ref.csv'),
    current,
    loki: { rangeMinutes: 60, batchSize: 1000, timeoutSeconds: 5 },
    stattest: 'auto',
    driftShare: 0.5,
    minRows: 50,
    predictionColumn: 'prediction',
    targetColumn: 'target',
  };
}

beforeAll(() => {
  tmp.write('ref.csv', referenceCsv(300));
  tmp.write('drifted.jsonl', predictionLog(400, { shift: 3 }));
});

async function until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('mlctl drift serve (real server on port 0)', () => {
  let service: DriftService;
  let clock = Date.now();
  const now = (): number => clock;

  beforeAll(async () => {
    service = await startDriftService(
      {
        run: runOptions(tmp.path('drifted.jsonl')),
        host: '127.0.0.1',
        port: 0,
        intervalMs: 3_600_000,
        staleAfterMs: 60_000,
        adminToken: 's3cret',
        tokenHeader: 'X-Admin-Token',
      },
      { logger, cwd: tmp.path(), now },
    );
    await until(() => service.monitor.state().latest !== undefined);
  });
  afterAll(async () => {
    await service.close();
  });

  const get = (path: string, init?: RequestInit): Promise<Response> => fetch(`${service.url}${path}`, init);

  it('exposes the DESIGN.md drift metrics after the first run', async () => {
    const res = await get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^ml_data_drift_status 1$/m);
    expect(text).toMatch(/^ml_data_drift_share 0.6666666666666666$/m);
    expect(text).toMatch(/^ml_feature_drift_score\{feature="x1",test="ks"\} [0-9.e-]+$/m);
    expect(text).toMatch(/^ml_feature_drift_status\{feature="x1"\} 1$/m);
    expect(text).toMatch(/^ml_prediction_psi [0-9.e-]+$/m);
    expect(text).toMatch(/^ml_drift_last_run_timestamp_seconds \d+/m);
    expect(text).toMatch(/^ml_drift_runs_total\{result="drift"\} 1$/m);
  });

  it('serves the latest HTML report and its JSON', async () => {
    const html = await get('/report');
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('Dataset drift is detected');
    const json = (await (await get('/report.json')).json()) as { status: string; columns: unknown[] };
    expect([json.status, json.columns.length]).toEqual(['drift', 3]);
  });

  it('computes the reference profile once and reuses it from memory on the next runs', async () => {
    expect(service.monitor.state().latest!.result.reference.profile).not.toBe('memory');
    expect(await service.monitor.runOnce()).toBe('done');
    expect(service.monitor.state().latest!.result.reference.profile).toBe('memory');
  });

  it('reports health, and goes unhealthy (503) once the last success is older than the stale limit', async () => {
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', last_result: 'drift' });
    clock += 61_000;
    const stale = await get('/healthz');
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ status: 'stale' });
    clock -= 61_000;
  });

  it('guards POST /refresh with the admin token as serve does: 403 PERMISSION_DENIED when missing or wrong', async () => {
    for (const headers of [{}, { 'x-admin-token': 'wrong' }] as Array<Record<string, string>>) {
      const denied = await get('/refresh', { method: 'POST', headers });
      expect([denied.status, ((await denied.json()) as { error_code: string }).error_code]).toEqual([
        403,
        'PERMISSION_DENIED',
      ]);
    }
    const wrongMethod = await get('/refresh', { method: 'GET' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'POST']);
    const ok = await get('/refresh/', { method: 'POST', headers: { 'X-Admin-Token': 's3cret' } });
    expect([ok.status, await ok.json()]).toEqual([
      202,
      { status: 'accepted', request_id: expect.any(String) },
    ]);
    await until(() => !service.monitor.state().running);
  });

  it('keeps the last results and counts the failure when a run fails', async () => {
    const before = service.monitor.state().latest!;
    rmSync(tmp.path('drifted.jsonl'));
    expect((await get('/refresh', { method: 'POST', headers: { 'x-admin-token': 's3cret' } })).status).toBe(
      202,
    );
    await until(() => service.monitor.state().lastError !== undefined);
    expect(service.monitor.state().latest).toBe(before);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^ml_drift_runs_total\{result="error"\} 1$/m);
    expect(metrics).toMatch(/^ml_data_drift_status 1$/m);
    expect(await (await get('/healthz')).json()).toMatchObject({
      last_error: { message: expect.stringContaining('not found') },
    });
    tmp.write('drifted.jsonl', predictionLog(400, { shift: 3 }));
  });

  it('answers 404 ENDPOINT_NOT_FOUND for unknown paths, and every path with a trailing slash too', async () => {
    const missing = await get('/nope');
    expect([missing.status, ((await missing.json()) as { error_code: string }).error_code]).toEqual([
      404,
      'ENDPOINT_NOT_FOUND',
    ]);
    for (const path of ['/healthz/', '/metrics/', '/report/', '/report.json/']) {
      expect([path, (await get(path)).status]).toEqual([path, 200]);
    }
  });
});

describe('drift monitor', () => {
  it('runs one evaluation at a time: a second refresh while running gets 409', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const options = runOptions(tmp.path('drifted.jsonl'));
    const monitor = createDriftMonitor({
      evaluate: async () => {
        await gate;
        return runDrift(options, { logger, cwd: tmp.path() });
      },
      render: async (r) => renderHtmlReport(r),
      metrics: createDriftMetrics(),
      logger,
      intervalMs: 3_600_000,
    });
    const server = createServer(
      createDriftHandler({
        monitor,
        adminToken: 't',
        tokenHeader: 'x-admin-token',
        staleAfterMs: 1000,
        logger,
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = (): Promise<Response> =>
        fetch(`${url}/refresh`, { method: 'POST', headers: { 'x-admin-token': 't' } });
      expect((await fetch(`${url}/report`)).status).toBe(404);
      expect((await post()).status).toBe(202);
      expect((await post()).status).toBe(409);
      release();
      await until(() => monitor.state().latest !== undefined);
      expect((await post()).status).toBe(202);
      await until(() => !monitor.state().running);
      expect(await monitor.metrics.registry.getSingleMetricAsString('ml_drift_runs_total')).toMatch(
        /result="drift"} 2/,
      );
    } finally {
      await monitor.stop();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses /refresh with 403 when no admin token is configured — never open', async () => {
    const monitor = createDriftMonitor({
      evaluate: () => runDrift(runOptions(tmp.path('drifted.jsonl')), { logger, cwd: tmp.path() }),
      render: async (r) => renderHtmlReport(r),
      metrics: createDriftMetrics(),
      logger,
      intervalMs: 3_600_000,
    });
    const server = createServer(
      createDriftHandler({ monitor, tokenHeader: 'X-Admin-Token', staleAfterMs: 1000, logger }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/refresh`, {
        method: 'POST',
        headers: { 'x-admin-token': '' },
      });
      expect(res.status).toBe(403);
      expect(monitor.state().running).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('publishes too few rows as not evaluated: status NaN, not 0', async () => {
    writeFileSync(tmp.path('few.jsonl'), predictionLog(10, { shift: 0 }));
    const metrics = createDriftMetrics();
    const result = await runDrift(runOptions(tmp.path('few.jsonl')), { logger, cwd: tmp.path() });
    metrics.recordRun(result, 1_000);
    const text = await metrics.registry.metrics();
    // prom-client writes "Nan"; Prometheus parses NaN case-insensitively.
    expect(text).toMatch(/^ml_data_drift_status nan$/im);
    expect(text).toMatch(/^ml_drift_runs_total\{result="not_evaluated"\} 1$/m);
  });
});

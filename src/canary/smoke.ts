import { Agent, request } from 'undici';
import { MlctlError } from '../errors';
import { SYNTHETIC_HEADER } from '../serve/synthetic';

export interface SmokeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SmokeResult {
  ok: boolean;
  checks: SmokeCheck[];
}

/**
 * Before any measurement: the canary answers, is ready with the candidate version, and predicts a valid
 * class for one row. A canary that cannot be reached at all cannot be evaluated (an error); one that
 * answers wrongly fails the smoke test, which rejects it.
 */
export async function smokeTest(
  baseUrl: string,
  expectedVersion: string,
  timeoutMs: number,
  input?: unknown,
): Promise<SmokeResult> {
  const base = baseUrl.replace(/\/+$/, '');
  const agent = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const checks: SmokeCheck[] = [];
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    try {
      const res = await request(`${base}${path}`, {
        method,
        dispatcher: agent,
        // The smoke request is marked synthetic: the canary answers it, but keeps it out of its drift
        // rows, prediction counters and live accuracy (an all-zeros row would be a spike at 0).
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', [SYNTHETIC_HEADER]: 'canary-smoke' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, json, text };
    } catch (err) {
      throw new MlctlError(
        'METRICS_QUERY_FAILED',
        `cannot reach the canary at ${base}${path}: ${(err as Error).message}`,
        {
          hint: 'Is --canary-url right, and is the canary running? Nothing was promoted or rolled back.',
        },
      );
    }
  };
  try {
    const ready = await call('GET', '/readyz');
    const served = (ready.json as { model?: { version?: string } } | undefined)?.model?.version;
    checks.push({
      name: 'ready',
      ok: ready.status === 200 && served === expectedVersion,
      detail:
        ready.status !== 200
          ? `/readyz answered ${ready.status}: ${ready.text.slice(0, 200)}`
          : served === expectedVersion
            ? `/readyz 200, serving version ${served}`
            : `/readyz 200 but serving version ${served ?? '?'}, not the candidate ${expectedVersion}`,
    });
    const health = await call('GET', '/health');
    const model = (
      health.json as { model?: { task?: string; feature_names?: string[]; classes?: unknown[] } } | undefined
    )?.model;
    const features = model?.feature_names ?? [];
    const classes = (model?.classes ?? []).map(String);
    const body = input ?? { features: [features.map(() => 0)] };
    const predicted = await call('POST', '/predict', body);
    const prediction = (predicted.json as { predictions?: unknown[] } | undefined)?.predictions?.[0];
    // A regression model answers a number, not one of its (no) classes.
    const regression = model?.task === 'regression';
    const valid =
      predicted.status === 200 &&
      prediction !== undefined &&
      (regression
        ? typeof prediction === 'number' && Number.isFinite(prediction)
        : classes.includes(String(prediction)));
    const expected = regression ? 'a finite number' : `one of ${JSON.stringify(classes)}`;
    checks.push({
      name: 'predict',
      ok: valid,
      detail: valid
        ? `/predict 200, ${regression ? 'value' : 'class'} ${String(prediction)}`
        : `/predict answered ${predicted.status}${prediction !== undefined ? ` with ${JSON.stringify(prediction)}, not ${expected}` : `: ${predicted.text.slice(0, 200)}`}`,
    });
  } finally {
    await agent.close();
  }
  return { ok: checks.every((c) => c.ok), checks };
}

import { SpanTracer } from '../../src/telemetry/tracing/tracer';
import type { FinishedSpan } from '../../src/telemetry/tracing/tracer';
import { SETOSA, VERSICOLOR, postJson, startTestServer } from '../helpers/serve';

/** A tracer whose ended spans are kept in memory (the exporter is tested on its own). */
function memoryTracer() {
  const spans: FinishedSpan[] = [];
  const tracer = new SpanTracer(
    { add: (s) => spans.push(s), shutdown: async () => {} },
    { ratio: 1, parentBased: true },
  );
  return { tracer, spans };
}

const attributes = (span: FinishedSpan) => {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < span.attributes.length; i += 2)
    out[span.attributes[i] as string] = span.attributes[i + 1];
  return out;
};

const CALLER = { trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' };

describe('mlctl serve: a span per request (real HTTP on port 0)', () => {
  it('joins the caller’s trace, names the route, and records status, model and rows', async () => {
    const { tracer, spans } = memoryTracer();
    const s = await startTestServer({ tracer });
    try {
      await postJson(
        `${s.url}/predict`,
        { features: [SETOSA, VERSICOLOR] },
        { traceparent: `00-${CALLER.trace}-${CALLER.span}-01`, tracestate: 'congo=t61rcWkgMzE' },
      );
      await fetch(`${s.url}/v2/models/iris`);
      await fetch(`${s.url}/nope`);
      expect(spans.map((x) => [x.name, x.kind])).toEqual([
        ['POST /predict', 'server'],
        ['GET /v2/models/:name', 'server'],
        ['GET', 'server'],
      ]);
      const [predict, metadata, missing] = spans as [FinishedSpan, FinishedSpan, FinishedSpan];
      expect(predict.context).toMatchObject({ traceId: CALLER.trace, traceState: 'congo=t61rcWkgMzE' });
      expect(predict.parentSpanId).toBe(CALLER.span);
      expect(attributes(predict)).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/predict',
        'url.path': '/predict',
        'http.response.status_code': 200,
        'mlctl.model.name': 'iris',
        'mlctl.model.version': '1',
        'mlctl.rows': 2,
      });
      // No traceparent: a trace of its own.
      expect(metadata.parentSpanId).toBeUndefined();
      expect(metadata.context.traceId).not.toBe(CALLER.trace);
      expect(attributes(metadata)).not.toHaveProperty('mlctl.rows');
      // A 404 is the client's error: recorded, not a failed span.
      expect([missing.status, attributes(missing)['error.type']]).toEqual([0, 'ENDPOINT_NOT_FOUND']);
    } finally {
      await s.close();
    }
  });

  it('fails the span of a 5xx, and makes it the parent of what the handler calls', async () => {
    const { tracer, spans } = memoryTracer();
    const s = await startTestServer({
      tracer,
      settings: { adminToken: 't' },
      reload: async () => {
        tracer.startSpan('registry getVersionByAlias').end();
        return { result: 'failed', error: 'registry down' };
      },
    });
    try {
      await postJson(`${s.url}/admin/reload`, {}, { 'x-admin-token': 't' });
      const [registry, reload] = spans as [FinishedSpan, FinishedSpan];
      expect(reload.name).toBe('POST /admin/reload');
      expect([reload.status, reload.statusMessage]).toEqual([2, expect.stringMatching(/registry down/)]);
      expect(attributes(reload)['error.type']).toBe('RELOAD_FAILED');
      expect([registry.parentSpanId, registry.context.traceId]).toEqual([
        reload.context.spanId,
        reload.context.traceId,
      ]);
    } finally {
      await s.close();
    }
  });
});

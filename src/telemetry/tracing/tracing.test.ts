import pino from 'pino';
import { attrs, receiver, spansOf } from '../../../test/helpers/otlp-receiver';
import type { Received } from '../../../test/helpers/otlp-receiver';
import { createTracer } from './index';
import { readTracingConfig } from './config';
import { nanos } from './otlp-exporter';

function logs() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  return { logger, lines };
}

describe('tracing: OTLP/HTTP JSON export to a loopback receiver', () => {
  it('exports spans as OTLP JSON, with their parents, kinds, typed attributes, status and resource', async () => {
    const r = await receiver();
    try {
      const tracer = createTracer(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: `${r.url}/`,
          OTEL_SERVICE_NAME: 'svc',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,team=ml%20ops',
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc',
        },
        { logger: logs().logger, version: '9.9.9' },
      );
      const root = tracer.startSpan('POST /predict', {
        kind: 'server',
        parent: {
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'congo=t61',
        },
        attributes: { 'http.route': '/predict', 'mlctl.rows': 3, ratio: 0.5, ok: true },
      });
      const child = tracer.withSpan(root, () =>
        tracer.startSpan('registry getModelVersion', { kind: 'client' }),
      );
      child.fail('registry down', 'REGISTRY_UNAVAILABLE');
      child.end();
      root.end();
      root.end(); // twice: exported once
      await tracer.shutdown();
      expect(r.received).toHaveLength(1);
      const [{ headers, body }] = r.received as [Received];
      expect(headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer abc' });
      expect(body.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({ name: 'mlctl', version: '9.9.9' });
      const resource = Object.fromEntries(
        body.resourceSpans[0]!.resource.attributes.map((a) => [a.key, a.value]),
      );
      expect(resource).toMatchObject({
        'service.name': { stringValue: 'svc' },
        'service.version': { stringValue: '9.9.9' },
        'deployment.environment': { stringValue: 'test' },
        team: { stringValue: 'ml ops' },
      });
      const [c, p] = spansOf(r.received) as [Record<string, unknown>, Record<string, unknown>];
      expect(p).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: '00f067aa0ba902b7',
        traceState: 'congo=t61',
        name: 'POST /predict',
        kind: 2,
        flags: 1,
        status: { code: 0 },
      });
      expect(attrs(p)).toEqual({
        'http.route': { stringValue: '/predict' },
        'mlctl.rows': { intValue: '3' },
        ratio: { doubleValue: 0.5 },
        ok: { boolValue: true },
      });
      expect(c).toMatchObject({
        traceId: p.traceId,
        parentSpanId: p.spanId,
        kind: 3,
        status: { code: 2, message: 'registry down' },
      });
      expect(attrs(c)['error.type']).toEqual({ stringValue: 'REGISTRY_UNAVAILABLE' });
      for (const span of [c, p]) {
        expect(String(span.startTimeUnixNano)).toMatch(/^\d{19}$/);
        expect(BigInt(span.endTimeUnixNano as string) >= BigInt(span.startTimeUnixNano as string)).toBe(true);
      }
    } finally {
      await r.close();
    }
  });

  it('sends in batches, retries a 503, gzips when asked, and drops (and says so) beyond the queue', async () => {
    const r = await receiver([503]);
    const { logger, lines } = logs();
    try {
      const tracer = createTracer(
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${r.url}/custom/path`,
          OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4',
          OTEL_BSP_MAX_QUEUE_SIZE: '10',
          OTEL_BSP_SCHEDULE_DELAY: '60000',
        },
        { logger, version: '1' },
      );
      for (let i = 0; i < 30; i++) tracer.startSpan(`s${i}`).end();
      await tracer.shutdown();
      expect(r.received.every((x) => x.headers['content-encoding'] === 'gzip')).toBe(true);
      // The first 4 left at once (refused once, then sent again); the queue took the next 10 and dropped
      // the last 16; the 10 left 4 at a time at shutdown.
      expect(r.received.map((x) => spansOf([x]).length)).toEqual([4, 4, 4, 2]);
      expect(spansOf(r.received).map((s) => s.name)).toEqual(Array.from({ length: 14 }, (_, i) => `s${i}`));
      const warnings = lines.filter((l) => l.level === 40);
      expect(warnings.reduce((n, l) => n + (l.spans_dropped as number), 0)).toBe(16);
    } finally {
      await r.close();
    }
  });

  it('samples by ratio and follows the parent: unsampled spans propagate but are not exported', async () => {
    const r = await receiver();
    try {
      const none = createTracer(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: r.url,
          OTEL_TRACES_SAMPLER: 'traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0',
        },
        { logger: logs().logger, version: '1' },
      );
      const span = none.startSpan('x');
      expect([span.recording, span.context.sampled]).toEqual([false, false]);
      none.withSpan(span, () =>
        expect(none.outgoingHeaders().traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/),
      );
      span.end();
      const follow = createTracer(
        { OTEL_EXPORTER_OTLP_ENDPOINT: r.url },
        { logger: logs().logger, version: '1' },
      );
      follow
        .startSpan('unsampled caller', {
          parent: {
            traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
            tracestate: undefined,
          },
        })
        .end();
      follow.startSpan('sampled').end();
      await Promise.all([none.shutdown(), follow.shutdown()]);
      expect(spansOf(r.received).map((s) => s.name)).toEqual(['sampled']);
    } finally {
      await r.close();
    }
  });

  it('gives up on an unreachable collector within its timeout, warning once', async () => {
    const { logger, lines } = logs();
    const tracer = createTracer(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_TIMEOUT: '1500' },
      { logger, version: '1' },
    );
    tracer.startSpan('lost').end();
    const started = Date.now();
    await tracer.shutdown();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines.filter((l) => l.level === 40)).toEqual([
      expect.objectContaining({ spans_not_exported: 1, url: 'http://127.0.0.1:9/v1/traces' }),
    ]);
  });
});

describe('tracing configuration (OTEL_* variables)', () => {
  it('reads the standard variables', () => {
    const config = readTracingConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=a',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
      '1',
    );
    expect(config.exporter).toMatchObject({
      url: 'https://collector:4318/v1/traces',
      headers: { 'x-tenant': 'a' },
      timeoutMs: 2000,
      maxQueueSize: 2048,
      maxBatchSize: 512,
      scheduleDelayMs: 5000,
    });
    expect(config.sampler).toEqual({ ratio: 0.25, parentBased: true });
    expect(
      readTracingConfig(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
        '1',
      ).protocolNote,
    ).toMatch(/sends http\/json/);
  });

  it('lists every invalid value at once, as CONFIG_INVALID, without echoing header values', () => {
    let error: unknown;
    try {
      readTracingConfig(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
          OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%zzsecret',
          OTEL_TRACES_SAMPLER: 'traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '2',
          OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
          OTEL_TRACES_EXPORTER: 'zipkin',
        },
        '1',
      );
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    const problems = (error as { problems: string[] }).problems;
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" is not an http/);
    expect(problems.join('\n')).toMatch(/grpc is not supported/);
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('writes nanoseconds exactly', () => {
    expect(nanos(1_700_000_000_123.5)).toBe('1700000000123500000');
    expect(nanos(1_700_000_000_123.25)).toBe('1700000000123250000');
    expect(nanos(1)).toBe('1000000');
  });
});

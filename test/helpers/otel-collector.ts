import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './prometheus';
import { describeIfAvailable } from './requirement';

/** The OpenTelemetry Collector `bash scripts/ci/otelcol.sh` builds (its path, as MLCTL_OTELCOL_BIN). */
export const OTELCOL_BIN = process.env.MLCTL_OTELCOL_BIN || '';

/** `describe` when the Collector is built; otherwise skipped, or failed under MLCTL_REQUIRE_OTELCOL=1. */
export function describeWithCollector(name: string, body: () => void): void {
  const missing =
    OTELCOL_BIN && spawnSync(OTELCOL_BIN, ['--version'], { stdio: 'ignore' }).status === 0
      ? undefined
      : 'MLCTL_OTELCOL_BIN does not name a working collector: export MLCTL_OTELCOL_BIN="$(bash scripts/ci/otelcol.sh)"';
  describeIfAvailable(name, missing, 'MLCTL_REQUIRE_OTELCOL', body);
}

/** A span as the Collector's file exporter wrote it (OTLP JSON), with its resource and attributes flat. */
export interface ExportedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  kind: number;
  status: { code?: number; message?: string };
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

export interface Collector {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for mlctl: the Collector's OTLP/HTTP receiver. */
  endpoint: string;
  /** Every span the Collector has written so far. */
  spans(): ExportedSpan[];
  logs(): string;
  stop(): Promise<void>;
}

type Value = Record<string, string | number | boolean>;
const flat = (attributes: Array<{ key: string; value: Value }> = []) =>
  Object.fromEntries(attributes.map((a) => [a.key, Object.values(a.value)[0] as string | number | boolean]));

/**
 * A real OpenTelemetry Collector on a free loopback port: the OTLP receiver (HTTP only), spans written
 * by the file exporter as OTLP JSON lines, which `spans()` reads back.
 */
export async function startCollector(dir: string): Promise<Collector> {
  const port = await freePort();
  const file = join(dir, 'spans.jsonl');
  const config = {
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` } } } },
    exporters: { file: { path: file, flush_interval: '50ms' } },
    service: {
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: { traces: { receivers: ['otlp'], exporters: ['file'] } },
    },
  };
  writeFileSync(join(dir, 'otelcol.yaml'), stringify(config));
  const child = spawn(OTELCOL_BIN, ['--config', join(dir, 'otelcol.yaml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!log.includes('Everything is ready')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the collector did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    endpoint,
    logs: () => log,
    spans() {
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .flatMap((line) => {
          const doc = JSON.parse(line) as {
            resourceSpans: Array<{
              resource: { attributes?: Array<{ key: string; value: Value }> };
              scopeSpans: Array<{
                spans: Array<
                  Omit<ExportedSpan, 'attributes' | 'resource'> & {
                    attributes?: Array<{ key: string; value: Value }>;
                  }
                >;
              }>;
            }>;
          };
          return doc.resourceSpans.flatMap((rs) =>
            rs.scopeSpans.flatMap((ss) =>
              ss.spans.map((s) => ({
                ...s,
                attributes: flat(s.attributes),
                resource: flat(rs.resource.attributes),
              })),
            ),
          );
        });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

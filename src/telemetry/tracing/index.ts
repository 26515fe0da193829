import type { Logger } from 'pino';
import { readTracingConfig } from './config';
import { OtlpExporter } from './otlp-exporter';
import { SpanTracer } from './tracer';
import type { Tracer } from './types';

/**
 * The tracer the OTEL_* variables describe, exporting over OTLP/HTTP (JSON). Load this module only once
 * `tracingRequested(env)` (./requested) says so: a process without an OTLP endpoint never loads it.
 */
export function createTracer(
  env: NodeJS.ProcessEnv,
  deps: { logger: Logger; version: string; fetch?: typeof fetch },
): Tracer {
  const config = readTracingConfig(env, deps.version);
  if (config.protocolNote) deps.logger.warn(config.protocolNote);
  const exporter = new OtlpExporter(
    { ...config.exporter, scope: { name: 'mlctl', version: deps.version } },
    deps.logger,
    deps.fetch,
  );
  deps.logger.debug(
    { url: config.exporter.url, sampler: config.sampler },
    'traces: exporting over OTLP/HTTP',
  );
  return new SpanTracer(exporter, config.sampler);
}

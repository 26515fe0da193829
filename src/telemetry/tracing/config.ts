import { MlctlError } from '../../errors';
import type { OtlpExporterConfig } from './otlp-exporter';
import type { SamplerConfig } from './tracer';
import type { AttributeValue } from './types';

export interface TracingConfig {
  exporter: Omit<OtlpExporterConfig, 'scope'>;
  sampler: SamplerConfig;
  /** Set when OTEL_EXPORTER_OTLP_PROTOCOL asks for protobuf: JSON is sent instead, with a warning. */
  protocolNote?: string;
}

/**
 * The standard OTEL_* variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 * and the OTLP exporter's) that apply to an OTLP/HTTP JSON trace exporter. Every invalid value is
 * reported at once, as CONFIG_INVALID.
 */
export function readTracingConfig(env: NodeJS.ProcessEnv, version: string): TracingConfig {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const traces = (name: string): string | undefined =>
    get(`OTEL_EXPORTER_OTLP_TRACES_${name}`) ?? get(`OTEL_EXPORTER_OTLP_${name}`);
  const integer = (name: string, fallback: number, min: number): number => {
    const text = get(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      problems.push(`${name}: ${JSON.stringify(text)} is not an integer ≥ ${min}`);
      return fallback;
    }
    return n;
  };

  const exporter = get('OTEL_TRACES_EXPORTER')?.toLowerCase();
  if (exporter !== undefined && exporter !== 'otlp') {
    problems.push(
      `OTEL_TRACES_EXPORTER: ${JSON.stringify(exporter)} is not supported; mlctl exports traces with otlp (or none)`,
    );
  }

  const specific = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = get('OTEL_EXPORTER_OTLP_ENDPOINT');
  // The signal-specific endpoint is used as given; the base endpoint gets the signal's path (spec).
  const url = specific ?? (base === undefined ? '' : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (!/^https?:\/\/[^/]/i.test(url)) {
    problems.push(
      `${specific !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'}: ${JSON.stringify(specific ?? base ?? '')} is not an http:// or https:// URL`,
    );
  }

  let protocolNote: string | undefined;
  const protocol = traces('PROTOCOL')?.toLowerCase();
  if (protocol === 'grpc') {
    problems.push(
      "OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; mlctl exports OTLP over HTTP (http/json): point the endpoint at the collector's OTLP/HTTP port (4318 by default)",
    );
  } else if (protocol === 'http/protobuf') {
    protocolNote =
      'OTEL_EXPORTER_OTLP_PROTOCOL is http/protobuf; mlctl sends http/json, which OTLP/HTTP receivers take on the same endpoint';
  } else if (protocol !== undefined && protocol !== 'http/json') {
    problems.push(
      `OTEL_EXPORTER_OTLP_PROTOCOL: ${JSON.stringify(protocol)} is not one of http/json, http/protobuf, grpc`,
    );
  }

  const compression = traces('COMPRESSION')?.toLowerCase() ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') {
    problems.push(`OTEL_EXPORTER_OTLP_COMPRESSION: ${JSON.stringify(compression)} is not gzip or none`);
  }

  const headers = {
    ...keyValues('OTEL_EXPORTER_OTLP_HEADERS', get('OTEL_EXPORTER_OTLP_HEADERS'), problems),
    ...keyValues('OTEL_EXPORTER_OTLP_TRACES_HEADERS', get('OTEL_EXPORTER_OTLP_TRACES_HEADERS'), problems),
  };
  const resource: Record<string, AttributeValue> = {
    'service.name': 'mlctl',
    ...keyValues('OTEL_RESOURCE_ATTRIBUTES', get('OTEL_RESOURCE_ATTRIBUTES'), problems),
    'telemetry.sdk.name': 'mlctl',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': version,
    'service.version': version,
    'process.pid': process.pid,
  };
  const serviceName = get('OTEL_SERVICE_NAME');
  if (serviceName !== undefined) resource['service.name'] = serviceName;

  const sampler = readSampler(get('OTEL_TRACES_SAMPLER'), get('OTEL_TRACES_SAMPLER_ARG'), problems);
  const timeoutName =
    get('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') !== undefined
      ? 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'
      : 'OTEL_EXPORTER_OTLP_TIMEOUT';
  const maxQueueSize = integer('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1);
  const maxBatchSize = Math.min(integer('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1), maxQueueSize);
  const config: TracingConfig = {
    exporter: {
      url,
      headers,
      timeoutMs: integer(timeoutName, 10_000, 1),
      compression: compression === 'gzip' ? 'gzip' : 'none',
      resource,
      maxQueueSize,
      maxBatchSize,
      scheduleDelayMs: integer('OTEL_BSP_SCHEDULE_DELAY', 5000, 0),
      exportTimeoutMs: integer('OTEL_BSP_EXPORT_TIMEOUT', 30_000, 0),
    },
    sampler,
    protocolNote,
  };
  if (problems.length) {
    throw new MlctlError('CONFIG_INVALID', 'invalid OpenTelemetry configuration (OTEL_* variables)', {
      problems,
      hint: 'docs/TRACING.md lists the variables mlctl reads; unset OTEL_EXPORTER_OTLP_ENDPOINT to turn tracing off.',
    });
  }
  return config;
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

function readSampler(name: string | undefined, arg: string | undefined, problems: string[]): SamplerConfig {
  const sampler = name?.toLowerCase() ?? 'parentbased_always_on';
  if (!SAMPLERS.includes(sampler)) {
    problems.push(`OTEL_TRACES_SAMPLER: ${JSON.stringify(name)} is not one of ${SAMPLERS.join(', ')}`);
    return { ratio: 1, parentBased: true };
  }
  let ratio = sampler.endsWith('always_off') ? 0 : 1;
  if (sampler.endsWith('traceidratio')) {
    ratio = arg === undefined ? 1 : Number(arg);
    if (!(ratio >= 0 && ratio <= 1)) {
      problems.push(`OTEL_TRACES_SAMPLER_ARG: ${JSON.stringify(arg)} is not a ratio between 0 and 1`);
      ratio = 1;
    }
  }
  return { ratio, parentBased: sampler.startsWith('parentbased_') };
}

/** `key1=value1,key2=value2` with percent-encoded values (W3C Baggage's format, as the spec asks). */
function keyValues(name: string, text: string | undefined, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    try {
      if (key === '') throw new Error('no key');
      out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // The value may be a secret (an Authorization header): the problem names the key only.
      problems.push(
        `${name}: the entry ${key === '' ? `#${Object.keys(out).length + 1}` : JSON.stringify(key)} is not key=percent-encoded-value`,
      );
    }
  }
  return out;
}

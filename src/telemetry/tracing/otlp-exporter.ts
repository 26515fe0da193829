import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Logger } from 'pino';
import type { FinishedSpan, SpanSink } from './tracer';
import type { AttributeValue } from './types';

const gzipAsync = promisify(gzip);

export interface OtlpExporterConfig {
  /** The traces endpoint, e.g. http://collector:4318/v1/traces. */
  url: string;
  headers: Record<string, string>;
  /** Per export request, retries included (OTEL_EXPORTER_OTLP_TIMEOUT). */
  timeoutMs: number;
  compression: 'gzip' | 'none';
  resource: Record<string, AttributeValue>;
  scope: { name: string; version: string };
  /** The batch span processor's limits (OTEL_BSP_*). */
  maxQueueSize: number;
  maxBatchSize: number;
  scheduleDelayMs: number;
  /** How long shutdown waits for the last exports. */
  exportTimeoutMs: number;
}

/** A failed export is retried after these many ms while its deadline allows (429, 502–504, no answer). */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];
/** At most one warning about failed exports or dropped spans per this many ms. */
const WARN_EVERY_MS = 60_000;

/**
 * A batch span processor and an OTLP/HTTP exporter in one: ended spans wait in a bounded queue (spans
 * beyond it are dropped and counted, never buffered without bound) and are sent as OTLP JSON
 * (https://opentelemetry.io/docs/specs/otlp/#otlphttp) by a single sender, `maxBatchSize` at a time or
 * `scheduleDelayMs` after the first one waits. Nothing here runs on the request path but `add`.
 */
export class OtlpExporter implements SpanSink {
  private queue: FinishedSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;
  private dropped = 0;
  private failed = 0;
  private lastWarning = -Infinity;
  private lastProblem = '';
  private readonly resourceJson: string;

  constructor(
    private readonly config: OtlpExporterConfig,
    private readonly logger: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.resourceJson = JSON.stringify({
      attributes: attributesJson(Object.entries(config.resource).flat()),
    });
  }

  add(span: FinishedSpan): void {
    if (this.stopped || this.queue.length >= this.config.maxQueueSize) {
      this.dropped++;
      this.warn();
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.config.maxBatchSize) this.send();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.send(), this.config.scheduleDelayMs);
      this.timer.unref();
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.config.exportTimeoutMs).unref());
    await Promise.race([this.drain(), deadline]);
    this.warn(true);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 || this.sending) {
      this.send();
      await this.sending;
    }
  }

  /** Starts the sender if it is idle; it sends batches until the queue is empty. */
  private send(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.sending || this.queue.length === 0) return;
    this.sending = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.config.maxBatchSize);
        if (!(await this.post(batch))) this.failed += batch.length;
      }
      this.sending = undefined;
    })();
  }

  /** Posts one batch, retrying what may succeed later; true when the collector took it. */
  private async post(batch: FinishedSpan[]): Promise<boolean> {
    const json = this.encode(batch);
    const gzipped = this.config.compression === 'gzip';
    const body = gzipped ? await gzipAsync(json) : json;
    const headers: Record<string, string> = { ...this.config.headers, 'content-type': 'application/json' };
    if (gzipped) headers['content-encoding'] = 'gzip';
    const deadline = Date.now() + this.config.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      let retryable: boolean;
      let problem: string;
      try {
        const res = await this.fetchImpl(this.config.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
        await res.arrayBuffer();
        if (res.ok) return true;
        retryable = [429, 502, 503, 504].includes(res.status);
        problem = `HTTP ${res.status}`;
      } catch (err) {
        retryable = true;
        problem = (err as Error).message;
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (!retryable || delay === undefined || Date.now() + delay >= deadline) {
        this.lastProblem = problem;
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }

  private warn(force = false): void {
    if (this.dropped === 0 && this.failed === 0) return;
    const t = Date.now();
    if (!force && t - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = t;
    this.logger.warn(
      {
        url: this.config.url,
        spans_dropped: this.dropped,
        spans_not_exported: this.failed,
        problem: this.lastProblem,
      },
      'traces: some spans were not exported (queue full, or the collector did not take them)',
    );
    this.dropped = 0;
    this.failed = 0;
  }

  /** ExportTraceServiceRequest as OTLP JSON: ids as hex, times as nanosecond strings, enums as numbers. */
  private encode(batch: FinishedSpan[]): string {
    const spans = batch.map((s) =>
      JSON.stringify({
        traceId: s.context.traceId,
        spanId: s.context.spanId,
        ...(s.parentSpanId !== undefined ? { parentSpanId: s.parentSpanId } : {}),
        ...(s.context.traceState !== undefined ? { traceState: s.context.traceState } : {}),
        flags: s.context.sampled ? 1 : 0,
        name: s.name,
        kind: KIND[s.kind],
        startTimeUnixNano: nanos(s.startMs),
        endTimeUnixNano: nanos(s.endMs),
        attributes: attributesJson(s.attributes),
        status: { code: s.status, ...(s.statusMessage !== undefined ? { message: s.statusMessage } : {}) },
      }),
    );
    const scope = JSON.stringify(this.config.scope);
    return `{"resourceSpans":[{"resource":${this.resourceJson},"scopeSpans":[{"scope":${scope},"spans":[${spans.join(',')}]}]}]}`;
  }
}

const KIND = { internal: 1, server: 2, client: 3 } as const;

/** Milliseconds since the epoch (with a fraction) as OTLP's decimal string of nanoseconds. */
export function nanos(ms: number): string {
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}

/** Alternating keys and values as OTLP KeyValues; integers as `intValue` (int64 is a string in OTLP JSON). */
function attributesJson(flat: unknown[]): Array<{ key: string; value: Record<string, unknown> }> {
  const out = [];
  for (let i = 0; i < flat.length; i += 2) {
    const v = flat[i + 1];
    const value =
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isSafeInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v };
    out.push({ key: String(flat[i]), value });
  }
  return out;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { IdGenerator, formatTraceparent, parseTraceparent } from './trace-context';
import type { SpanContext } from './trace-context';
import type { AttributeValue, Span, SpanKind, SpanOptions, Tracer } from './types';

/** How new traces are sampled (OTEL_TRACES_SAMPLER); a span with a parent follows it when parent-based. */
export interface SamplerConfig {
  /** Share of new traces recorded: 1 always_on, 0 always_off, else traceidratio. */
  ratio: number;
  parentBased: boolean;
}

/** A span as it ended, for the exporter. */
export interface FinishedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly context: SpanContext;
  readonly parentSpanId: string | undefined;
  /** Milliseconds since the Unix epoch, with the sub-millisecond part. */
  readonly startMs: number;
  readonly endMs: number;
  /** Attribute keys and values, alternating: one array rather than an object per span. */
  readonly attributes: AttributeValue[];
  readonly status: 0 | 1 | 2;
  readonly statusMessage: string | undefined;
}

export interface SpanSink {
  add(span: FinishedSpan): void;
  shutdown(): Promise<void>;
}

const now = (): number => performance.timeOrigin + performance.now();

class RecordedSpan implements Span, FinishedSpan {
  readonly startMs = now();
  name: string;
  endMs = 0;
  readonly attributes: AttributeValue[] = [];
  status: 0 | 1 | 2 = 0;
  statusMessage: string | undefined = undefined;

  constructor(
    private readonly sink: SpanSink | undefined,
    name: string,
    readonly kind: SpanKind,
    readonly context: SpanContext,
    readonly parentSpanId: string | undefined,
  ) {
    this.name = name;
  }

  get recording(): boolean {
    return this.sink !== undefined && this.endMs === 0;
  }

  setAttribute(key: string, value: AttributeValue): void {
    if (this.recording) this.attributes.push(key, value);
  }

  updateName(name: string): void {
    if (this.recording) this.name = name;
  }

  fail(message: string, type?: string): void {
    if (!this.recording) return;
    this.status = 2;
    this.statusMessage = message;
    if (type !== undefined) this.attributes.push('error.type', type);
  }

  end(): void {
    if (!this.recording) return;
    this.endMs = now();
    (this.sink as SpanSink).add(this);
  }
}

/** The tracer: ids, sampling, the current span, and ended spans handed to the sink (the exporter). */
export class SpanTracer implements Tracer {
  private readonly ids = new IdGenerator();
  private readonly active = new AsyncLocalStorage<Span>();

  constructor(
    private readonly sink: SpanSink,
    private readonly sampler: SamplerConfig,
  ) {}

  startSpan(name: string, options: SpanOptions = {}): Span {
    const given = options.parent === undefined ? this.current() : options.parent;
    const parent: SpanContext | undefined =
      given === null || given === undefined
        ? undefined
        : 'context' in given
          ? given.context
          : parseTraceparent(given.traceparent, given.tracestate);
    const traceId = parent?.traceId ?? this.ids.traceId();
    const sampled =
      this.sampler.parentBased && parent !== undefined
        ? parent.sampled
        : this.sampler.ratio >= 1 || IdGenerator.fraction(traceId) < this.sampler.ratio;
    const context: SpanContext = { traceId, spanId: this.ids.spanId(), sampled };
    if (parent?.traceState !== undefined) context.traceState = parent.traceState;
    const span = new RecordedSpan(
      sampled ? this.sink : undefined,
      name,
      options.kind ?? 'internal',
      context,
      parent?.spanId,
    );
    if (options.attributes) {
      for (const key in options.attributes) span.setAttribute(key, options.attributes[key] as AttributeValue);
    }
    return span;
  }

  enter(span: Span): void {
    this.active.enterWith(span);
  }

  withSpan<T>(span: Span, fn: () => T): T {
    return this.active.run(span, fn);
  }

  current(): Span | undefined {
    return this.active.getStore();
  }

  outgoingHeaders(): Record<string, string> {
    const span = this.current();
    if (!span) return {};
    const headers: Record<string, string> = { traceparent: formatTraceparent(span.context) };
    if (span.context.traceState !== undefined) headers.tracestate = span.context.traceState;
    return headers;
  }

  shutdown(): Promise<void> {
    return this.sink.shutdown();
  }
}

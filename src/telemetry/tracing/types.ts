import type { SpanContext } from './trace-context';

export type { SpanContext } from './trace-context';

/**
 * mlctl's tracing API, as the code that makes spans sees it (src/serve, the CLI, the registry). Only
 * types live here: importing this file loads nothing, so a process without OTEL_EXPORTER_OTLP_ENDPOINT
 * never loads the tracer (docs/TRACING.md).
 */

export type AttributeValue = string | number | boolean;

/** The span kinds mlctl makes (OTLP numbers them; the exporter does). */
export type SpanKind = 'internal' | 'server' | 'client';

export interface Span {
  readonly context: SpanContext;
  /** False for a span the sampler left out: it propagates its context but records nothing. */
  readonly recording: boolean;
  setAttribute(key: string, value: AttributeValue): void;
  /** Status ERROR with a message; `type` becomes the `error.type` attribute (an error code). */
  fail(message: string, type?: string): void;
  /** Renames the span (a command's span learns its command after it starts). */
  updateName(name: string): void;
  /** Ends the span (once; later calls do nothing) and hands it to the exporter. */
  end(): void;
}

/** W3C Trace Context as a request (headers) or an environment (TRACEPARENT) carries it. */
export interface TraceCarrier {
  traceparent: string | string[] | undefined;
  tracestate: string | string[] | undefined;
}

export interface SpanOptions {
  kind?: SpanKind;
  /**
   * The parent: a span; a remote caller's trace context (a carrier whose traceparent, when valid, names
   * it; else a new trace); `null` for a new trace. By default the current span (`withSpan`, `enter`), or
   * a new trace when there is none.
   */
  parent?: Span | TraceCarrier | null;
  attributes?: Record<string, AttributeValue>;
}

export interface Tracer {
  startSpan(name: string, options?: SpanOptions): Span;
  /**
   * Makes `span` the current span of what runs after, in this call chain (for a span that encloses the
   * rest of a command; `withSpan` when it encloses one call).
   */
  enter(span: Span): void;
  /** Runs `fn` with `span` as the current span of everything it calls, synchronously or not. */
  withSpan<T>(span: Span, fn: () => T): T;
  /** The current span (set by `withSpan`), if any. */
  current(): Span | undefined;
  /** `traceparent` (and `tracestate`) for an outgoing request made from the current span; {} without one. */
  outgoingHeaders(): Record<string, string>;
  /** Exports every span ended so far (bounded by the export timeout), then stops exporting. */
  shutdown(): Promise<void>;
}

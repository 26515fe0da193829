import { randomFillSync } from 'node:crypto';

/** A span's identity as W3C Trace Context carries it (https://www.w3.org/TR/trace-context/). */
export interface SpanContext {
  /** 32 lower-case hex digits, not all zero. */
  traceId: string;
  /** 16 lower-case hex digits, not all zero. */
  spanId: string;
  /** The `sampled` flag: the caller records this trace. */
  sampled: boolean;
  /** The vendor entries, passed on as received (already checked). */
  traceState?: string;
}

// version 00: 2 hex, trace id 32, parent id 16, flags 2. Another version (not ff) may append fields after
// a dash; a parser of version 00 reads the first four and ignores the rest (§4.3).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
// A list member: `key=value`, key a simple or multi-tenant (tenant@system) name, value printable ASCII
// without `,` and `=`, ending with a non-space (§3.3.1).
const TRACESTATE_MEMBER =
  /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * The caller's span from `traceparent` (and `tracestate`), or undefined when there is none or it is
 * invalid — then the request starts a new trace, as the specification says. An invalid tracestate is
 * dropped; the traceparent still counts.
 */
export function parseTraceparent(
  traceparent: string | string[] | undefined,
  tracestate?: string | string[],
): SpanContext | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  const context: SpanContext = { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
  const state = parseTracestate(tracestate);
  if (state !== undefined) context.traceState = state;
  return context;
}

/** A valid tracestate (several headers joined, empty members dropped), or undefined. */
export function parseTracestate(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const joined = Array.isArray(header) ? header.join(',') : header;
  const members = joined
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (members.length === 0 || members.length > 32) return undefined;
  const keys = new Set<string>();
  for (const member of members) {
    if (!TRACESTATE_MEMBER.test(member)) return undefined;
    const key = member.slice(0, member.indexOf('='));
    if (keys.has(key)) return undefined;
    keys.add(key);
  }
  return members.join(',');
}

/** The `traceparent` header of a span (version 00). */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`;
}

/**
 * Random trace and span ids from a pool refilled 4 KiB at a time (one system call per ~170 spans rather
 * than one per id).
 */
export class IdGenerator {
  private readonly pool = Buffer.alloc(4096);
  private at = this.pool.length;

  traceId(): string {
    let id = this.hex(16);
    while (id === ZERO_TRACE) id = this.hex(16);
    return id;
  }

  spanId(): string {
    let id = this.hex(8);
    while (id === ZERO_SPAN) id = this.hex(8);
    return id;
  }

  /**
   * The last 52 bits of a trace id (W3C Trace Context level 2 asks that its right part be random) as a
   * fraction in [0, 1): the number a sampling ratio compares, so every service decides alike.
   */
  static fraction(traceId: string): number {
    return parseInt(traceId.slice(19), 16) / 2 ** 52;
  }

  private hex(bytes: number): string {
    if (this.at + bytes > this.pool.length) {
      randomFillSync(this.pool);
      this.at = 0;
    }
    const text = this.pool.toString('hex', this.at, this.at + bytes);
    this.at += bytes;
    return text;
  }
}

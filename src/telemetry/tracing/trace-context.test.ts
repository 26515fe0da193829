import { IdGenerator, formatTraceparent, parseTraceparent, parseTracestate } from './trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('W3C Trace Context', () => {
  it('reads a valid traceparent, sampled or not, and writes it back', () => {
    const sampled = parseTraceparent(`00-${TRACE}-${SPAN}-01`);
    expect(sampled).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
    expect(formatTraceparent(sampled!)).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.sampled).toBe(false);
    // Flags other than `sampled` are ignored; a later version may append fields.
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-09`)?.sampled).toBe(true);
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-comes-next`)).toMatchObject({ traceId: TRACE });
  });

  it.each([
    ['no header', undefined],
    ['two headers', [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01`]],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with more fields', `00-${TRACE}-${SPAN}-01-extra`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['garbage', 'not a traceparent'],
  ])('starts a new trace for %s', (_what, header) => {
    expect(parseTraceparent(header as string | string[] | undefined)).toBeUndefined();
  });

  it('keeps a valid tracestate (several headers joined), and drops an invalid one', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'congo=t61rcWkgMzE')?.traceState).toBe(
      'congo=t61rcWkgMzE',
    );
    expect(parseTracestate(['rojo=00f067aa0ba902b7', 'congo=t61rcWkgMzE, tenant@vendor=x'])).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,tenant@vendor=x',
    );
    for (const bad of [
      'Upper=x',
      'a=1,a=2',
      'a=b=c',
      '=x',
      Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','),
    ]) {
      expect([bad, parseTracestate(bad)]).toEqual([bad, undefined]);
    }
    const invalidState = parseTraceparent(`00-${TRACE}-${SPAN}-01`, 'a=1,a=2');
    expect(invalidState).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true });
  });

  it('makes random, well-formed, distinct ids', () => {
    const ids = new IdGenerator();
    const traces = Array.from({ length: 2000 }, () => ids.traceId());
    const spans = Array.from({ length: 2000 }, () => ids.spanId());
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t))).toBe(true);
    expect(spans.every((s) => /^[0-9a-f]{16}$/.test(s))).toBe(true);
    expect(new Set(traces).size).toBe(2000);
    expect(new Set(spans).size).toBe(2000);
    const fractions = traces.map((t) => IdGenerator.fraction(t));
    expect(Math.min(...fractions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...fractions)).toBeLessThan(1);
    // Uniform enough for a sampling ratio: about half below 0.5.
    expect(fractions.filter((f) => f < 0.5).length / 2000).toBeCloseTo(0.5, 1);
  });
});

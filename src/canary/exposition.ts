import { MlctlError } from '../errors';

/** One sample of a /metrics page. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricsPage {
  samples: Sample[];
  /** `# TYPE` of each family (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses Prometheus' text exposition format (0.0.4, and OpenMetrics text as Prometheus scrapes it:
 * `# EOF`, `# UNIT`, exemplars). Label values keep their escapes' meaning (\\, \", \n); values take
 * Go's float syntax (NaN, +Inf, -Inf, exponents). A malformed line is an error naming its number,
 * never a silent skip: a gate must not decide on half a page.
 */
export function parseExposition(text: string, source: string): MetricsPage {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\w+)\s*$/.exec(line);
      if (m) types.set(m[1] as string, (m[2] as string).toLowerCase());
      continue;
    }
    try {
      samples.push(parseSample(line));
    } catch (err) {
      throw new MlctlError(
        'METRICS_QUERY_FAILED',
        `${source}, line ${n + 1}: not a Prometheus sample (${(err as Error).message}): ${line.slice(0, 120)}`,
        { hint: 'Is this URL a Prometheus /metrics page? mlctl serve exposes one at /metrics.' },
      );
    }
  }
  return { samples, types };
}

function parseSample(line: string): Sample {
  let rest = line.trimStart();
  const name = NAME.exec(rest)?.[0];
  if (!name) throw new Error('no metric name');
  rest = rest.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const label = LABEL.exec(rest)?.[0];
      if (!label) throw new Error('bad label name');
      rest = rest.slice(label.length).trimStart();
      if (!rest.startsWith('=')) throw new Error(`expected = after ${label}`);
      rest = rest.slice(1).trimStart();
      if (!rest.startsWith('"')) throw new Error(`the value of ${label} is not quoted`);
      let value = '';
      let i = 1;
      for (; i < rest.length; i++) {
        const ch = rest[i] as string;
        if (ch === '\\') {
          const next = rest[++i];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new Error(`bad escape \\${next ?? ''} in ${label}`);
        } else if (ch === '"') break;
        else value += ch;
      }
      if (i >= rest.length) throw new Error(`unterminated value of ${label}`);
      labels[label] = value;
      rest = rest.slice(i + 1).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) throw new Error('expected , or }');
    }
    rest = rest.slice(1);
  }
  // OpenMetrics exemplars follow " # ".
  const hash = rest.indexOf(' # ');
  if (hash >= 0) rest = rest.slice(0, hash);
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '')
    throw new Error('expected a value and an optional timestamp');
  const value = parseFloatGo(fields[0] as string);
  if (value === undefined) throw new Error(`bad value ${fields[0]}`);
  return { name, labels, value };
}

function parseFloatGo(text: string): number | undefined {
  const t = text.toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === '+inf' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

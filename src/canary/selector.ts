import { MlctlError } from '../errors';

/** One label matcher of a PromQL vector selector. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** For =~ and !~: the value anchored as PromQL anchors it (`^(?:…)$`). */
  regex?: RegExp;
}

/** `name{label="value", other=~"re"}`: the series a scrape measurement reads. */
export interface Selector {
  name: string;
  matchers: LabelMatcher[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses a PromQL vector selector (no offset, no range): a metric name and optional matchers. */
export function parseSelector(text: string): Selector {
  let rest = text.trim();
  const fail = (why: string): never => {
    throw new MlctlError('POLICY_INVALID', `not a metric selector: ${JSON.stringify(text)} (${why})`, {
      hint: 'Write it as in PromQL: name or name{label="value", other=~"regex"}.',
    });
  };
  const name = NAME.exec(rest)?.[0];
  if (!name) fail('it must start with a metric name');
  rest = rest.slice((name as string).length).trimStart();
  const matchers: LabelMatcher[] = [];
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const label = LABEL.exec(rest)?.[0];
      if (!label) fail('expected a label name');
      rest = rest.slice((label as string).length).trimStart();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => rest.startsWith(o));
      if (!op) fail(`expected =, !=, =~ or !~ after ${label}`);
      rest = rest.slice((op as string).length).trimStart();
      const [value, after] = readString(rest, fail);
      rest = after.trimStart();
      const matcher: LabelMatcher = { label: label as string, op: op as LabelMatcher['op'], value };
      if (op === '=~' || op === '!~') {
        try {
          matcher.regex = new RegExp(`^(?:${value})$`);
        } catch {
          fail(`${label}${op}${JSON.stringify(value)} is not a valid regular expression`);
        }
      }
      matchers.push(matcher);
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) fail('expected , or } after a matcher');
    }
    rest = rest.slice(1).trimStart();
  }
  if (rest !== '') fail(`unexpected ${JSON.stringify(rest)} after the selector`);
  return { name: name as string, matchers };
}

function readString(text: string, fail: (why: string) => never): [string, string] {
  const quote = text[0];
  if (quote !== '"' && quote !== "'") fail('label values must be quoted');
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\') {
      const next = text[i + 1];
      value += next === 'n' ? '\n' : next === 't' ? '\t' : (next ?? '');
      i++;
    } else if (ch === quote) {
      return [value, text.slice(i + 1)];
    } else {
      value += ch;
    }
  }
  return fail('unterminated string');
}

/** True when a series' labels satisfy every matcher (a missing label counts as ""), as in PromQL. */
export function matches(selector: Selector, labels: Record<string, string>, name = selector.name): boolean {
  if (name !== selector.name) return false;
  for (const m of selector.matchers) {
    const v = labels[m.label] ?? '';
    const ok = m.regex ? m.regex.test(v) : v === m.value;
    if (m.op === '=' || m.op === '=~' ? !ok : ok) return false;
  }
  return true;
}

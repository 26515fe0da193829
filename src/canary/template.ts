import { MlctlError } from '../errors';

/**
 * `{{name}}` placeholders in PromQL, filled so that no value can change the query's meaning. What escaping
 * a value needs depends on where the placeholder stands, so the template is scanned as PromQL is lexed:
 * - inside a "…" or '…' string: backslash, the quote and newlines are escaped, so the value stays one
 *   string whatever it holds (in a regex matcher, =~ or !~, it is still a regex: `a|b` means either);
 * - inside a `…` raw string: nothing can be escaped, so a value holding a backtick is refused;
 * - outside strings (e.g. a range `[{{window}}]`): only a plain word (letters, digits, _ : .) is allowed.
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the variables a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

type Context = { kind: 'code' } | { kind: 'string'; quote: '"' | "'" } | { kind: 'raw' };

/** Fills every placeholder; an unknown variable or a value unsafe where it stands is an error. */
export function renderQuery(template: string, variables: Record<string, string>): string {
  let out = '';
  let ctx: Context = { kind: 'code' };
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const at = new RegExp(PLACEHOLDER.source, 'y');
      at.lastIndex = i;
      const m = at.exec(template);
      if (m) {
        const name = m[1] as string;
        const value = variables[name];
        if (value === undefined) {
          throw new MlctlError('POLICY_INVALID', `the query uses {{${name}}}, which is not set`, {
            hint: `Set it under variables: in the policy or with --var ${name}=<value>.`,
          });
        }
        out += escapeFor(ctx, name, value);
        i += m[0].length;
        continue;
      }
    }
    const ch = template[i] as string;
    out += ch;
    if (ctx.kind === 'code') {
      if (ch === '"' || ch === "'") ctx = { kind: 'string', quote: ch };
      else if (ch === '`') ctx = { kind: 'raw' };
    } else if (ctx.kind === 'string') {
      if (ch === '\\' && i + 1 < template.length) {
        out += template[i + 1];
        i += 2;
        continue;
      }
      if (ch === ctx.quote) ctx = { kind: 'code' };
    } else if (ch === '`') {
      ctx = { kind: 'code' };
    }
    i++;
  }
  return out;
}

function escapeFor(ctx: Context, name: string, value: string): string {
  if (ctx.kind === 'string') {
    return value
      .replace(/\\/g, '\\\\')
      .replace(ctx.quote === '"' ? /"/g : /'/g, `\\${ctx.quote}`)
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r');
  }
  if (ctx.kind === 'raw') {
    if (value.includes('`')) {
      throw new MlctlError(
        'POLICY_INVALID',
        `{{${name}}} stands in a \`raw\` string, and its value holds a backtick: ${JSON.stringify(value)}`,
        {
          hint: 'Use a "double-quoted" string in the query, where mlctl can escape any value.',
        },
      );
    }
    return value;
  }
  if (!/^[A-Za-z0-9_:.]+$/.test(value)) {
    throw new MlctlError(
      'POLICY_INVALID',
      `{{${name}}} stands outside quotes in the query, so its value must be a plain word (letters, digits, _ : .), got ${JSON.stringify(value)}`,
      { hint: 'Put the placeholder inside "double quotes" when it is a label value.' },
    );
  }
  return value;
}

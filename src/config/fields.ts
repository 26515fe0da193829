import { isFiniteNumberText } from '../data/numeric-text';

/**
 * Typed setting values. Flags and environment variables arrive as strings, mlctl.yaml as YAML scalars;
 * every field accepts both and says what it expected and what it got.
 */
export interface Field<T> {
  /** The value, or what is wrong with the input (a message naming what was expected and what came). */
  readonly parse: (value: unknown) => Parsed<T>;
  /** Human description of the accepted values, for errors and docs/CONFIGURATION.md. */
  readonly type: string;
  /** How a flag takes it: `--x <value>`, a bare switch `--x`, or repeated/comma-separated values. */
  readonly arity: 'value' | 'switch' | 'list';
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** What a field's parser returns: the value, or what is wrong with the input. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (message: string): Parsed<never> => ({ ok: false, message });

function field<T>(
  type: string,
  parse: (value: unknown) => Parsed<T>,
  arity: Field<T>['arity'] = 'value',
): Field<T> {
  return { parse, type, arity };
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  // Decimal only: Number() would also take "0x1f" and "Infinity".
  if (typeof value === 'string' && isFiniteNumberText(value.trim())) return Number(value.trim());
  return Number.NaN;
}

export interface NumberBounds {
  min?: number;
  max?: number;
  /** Excluded bounds, e.g. a fraction in (0, 1). */
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

function boundsText(b: NumberBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`${b.exclusiveMin ? '>' : '≥'} ${b.min}`);
  if (b.max !== undefined) parts.push(`${b.exclusiveMax ? '<' : '≤'} ${b.max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

function checkBounds(n: number, b: NumberBounds, what: string, raw: unknown): Parsed<number> {
  const below = b.min !== undefined && (b.exclusiveMin ? n <= b.min : n < b.min);
  const above = b.max !== undefined && (b.exclusiveMax ? n >= b.max : n > b.max);
  return below || above ? fail(`expected ${what}${boundsText(b)}, got ${show(raw)}`) : ok(n);
}

export function integer(bounds: NumberBounds = {}): Field<number> {
  return field(`integer${boundsText(bounds)}`, (raw) => {
    const n = toNumber(raw);
    if (!Number.isInteger(n)) return fail(`expected an integer, got ${show(raw)}`);
    return checkBounds(n, bounds, 'an integer', raw);
  });
}

export function number(bounds: NumberBounds = {}): Field<number> {
  return field(`number${boundsText(bounds)}`, (raw) => {
    const n = toNumber(raw);
    if (!Number.isFinite(n)) return fail(`expected a number, got ${show(raw)}`);
    return checkBounds(n, bounds, 'a number', raw);
  });
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

export function boolean(): Field<boolean> {
  return field(
    'boolean (true/false, 1/0, yes/no)',
    (raw) => {
      if (typeof raw === 'boolean') return ok(raw);
      const s = String(raw).trim().toLowerCase();
      if (TRUE.has(s)) return ok(true);
      if (FALSE.has(s)) return ok(false);
      return fail(`expected true or false, got ${show(raw)}`);
    },
    'switch',
  );
}

export function oneOf<const T extends string>(
  values: readonly T[],
  options: { lowercase?: boolean } = {},
): Field<T> {
  return field(values.map((v) => `\`${v}\``).join(' | '), (raw) => {
    let s = typeof raw === 'string' ? raw.trim() : raw;
    if (options.lowercase && typeof s === 'string') s = s.toLowerCase();
    return (values as readonly unknown[]).includes(s)
      ? ok(s as T)
      : fail(`expected one of ${values.join(', ')}, got ${show(raw)}`);
  });
}

export function text(options: { nonEmpty?: boolean } = { nonEmpty: true }): Field<string> {
  return field('string', (raw) => {
    if (typeof raw !== 'string' && typeof raw !== 'number')
      return fail(`expected a string, got ${show(raw)}`);
    const s = String(raw);
    return options.nonEmpty !== false && s.trim() === '' ? fail('expected a non-empty string') : ok(s);
  });
}

/** An HTTP header name: an RFC 9110 token, e.g. `X-Correlation-ID` (node:http refuses any other). */
export function headerName(): Field<string> {
  return field('header name', (raw) => {
    if (typeof raw === 'string' && HEADER_TOKEN.test(raw)) return ok(raw);
    return fail(
      `expected an HTTP header name (letters, digits and !#$%&'*+-.^_\`|~, no spaces or colons, e.g. X-Request-ID), got ${show(raw)}`,
    );
  });
}

const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A list given as repeated flags, a comma-separated string, or a YAML sequence. */
export function list(): Field<string[]> {
  return field(
    'list (comma-separated)',
    (raw) => {
      const items = Array.isArray(raw) ? raw.flatMap((v) => String(v).split(',')) : String(raw).split(',');
      return ok(items.map((s) => s.trim()).filter((s) => s !== ''));
    },
    'list',
  );
}

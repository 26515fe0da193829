import type { FeatureSpec } from '../data/feature-types';
import type { ReferenceRows } from './write';

export const INPUT_EXAMPLE_FILE = 'input_example.json';
export const SERVING_INPUT_EXAMPLE_FILE = 'serving_input_example.json';
/** Rows in the input example: the first rows of reference.csv. */
export const INPUT_EXAMPLE_ROWS = 5;

/** A value of the example: a number, a category (text or integer), or null for a missing value. */
type Cell = { float: number } | string | number | null;

/** A pandas DataFrame in its `split` orientation, without the index (what MLflow stores). */
export interface SplitFrame {
  columns: string[];
  data: Cell[][];
}

/**
 * The input example, as `mlflow.<flavor>.log_model(input_example=<DataFrame>)` stores one: the first
 * training rows of reference.csv, features only. Numeric features are doubles, categories their text or
 * integer, a missing value null (what MLflow's `_handle_dataframe_nans` means to write).
 */
export function inputExample(reference: ReferenceRows, specs: readonly FeatureSpec[]): SplitFrame {
  const rows = Array.from(reference.rows.subarray(0, INPUT_EXAMPLE_ROWS));
  const data = rows.map((row) =>
    reference.columns.map((column, f): Cell => {
      const v = column[row] as number;
      if (v !== v) return null;
      const categories = reference.categories[f];
      if (!categories) return { float: v };
      const category = categories[v] as string | number;
      return typeof category === 'number' && !Number.isInteger(category) ? { float: category } : category;
    }),
  );
  return { columns: specs.map((s) => s.name), data };
}

/** input_example.json: Python's `json.dumps` of the split frame, byte for byte. */
export function inputExampleJson(frame: SplitFrame): string {
  return pythonJson({ columns: frame.columns, data: frame.data });
}

/** serving_input_example.json: the request body `mlflow models serve` takes, indented as MLflow writes it. */
export function servingInputExampleJson(frame: SplitFrame): string {
  return pythonJson({ dataframe_split: { columns: frame.columns, data: frame.data } }, '  ');
}

/** Python's `json.dumps(value)` (indent: `json.dumps(value, indent=len(indent))`), for the values above. */
export function pythonJson(value: unknown, indent = '', depth = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && 'float' in value) return pythonFloat((value as { float: number }).float);
  const inner = depth + indent;
  const open = indent === '' ? '' : `\n${inner}`;
  const close = indent === '' ? '' : `\n${depth}`;
  const comma = indent === '' ? ', ' : `,\n${inner}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${open}${value.map((v) => pythonJson(v, indent, inner)).join(comma)}${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const items = entries.map(([k, v]) => `${pythonString(k)}: ${pythonJson(v, indent, inner)}`);
  return `{${open}${items.join(comma)}${close}}`;
}

/** `repr(float)`: the shortest round-trip digits, fixed from 1e-4 up to 1e16, else `1.5e-05` style. */
export function pythonFloat(x: number): string {
  if (x !== x) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const e = Number(exponent);
  if (e >= -4 && e < 16) {
    const fixed = String(x); // JavaScript writes these exponents in fixed notation too, same digits
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const sign = e < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** `json.dumps` of a string (ensure_ascii): everything outside printable ASCII as `\uXXXX`. */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

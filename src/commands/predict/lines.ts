import { csvField } from '../../artifact/write';
import type { ClassLabel } from '../../forest/predictor';

/** What every output line needs to know of the model. */
export interface LineShape {
  proba: boolean;
  classes: readonly ClassLabel[];
  features: readonly string[];
  /** Per feature: categorical (its text is echoed) or numeric. */
  categorical: readonly boolean[];
  naValues: ReadonlySet<string>;
}

export function csvHeader(fields: string[], shape: LineShape): string {
  const extra = ['prediction', ...(shape.proba ? shape.classes.map((c) => `proba_${String(c)}`) : [])];
  return [...fields, ...extra].map(csvField).join(',');
}

/**
 * A field of a line without quotes that `csvField` would quote: a line end in it, or white space at its
 * start or end. Any other such line is what re-quoting its fields would give, character for character.
 */
const NEEDS_QUOTES = /[\r\n]|^\s|\s$|,\s|\s,/;

/** Whether csvLine writes this record's text as it is (then its fields are not needed). */
export function echoes(text: string | undefined): text is string {
  return text !== undefined && !NEEDS_QUOTES.test(text);
}

/**
 * The input line as it was, then the prediction (and probabilities). A record read from a chunk without
 * quotes is echoed as its `text` when none of its fields needs quoting — the same characters as quoting
 * each field and joining them, without the work that was a tenth of `mlctl predict`'s CPU time. Fields
 * undefined: the record echoes (its fields were not kept).
 */
export function csvLine(
  fields: string[] | undefined,
  text: string | undefined,
  prediction: string | number,
  p: Float64Array,
  shape: LineShape,
): string {
  let line = fields === undefined ? (text as string) : echoes(text) ? text : fields.map(csvField).join(',');
  line += `,${csvField(String(prediction))}`;
  if (shape.proba) for (let c = 0; c < p.length; c++) line += `,${p[c] as number}`;
  return line;
}

/**
 * `{"features": {...}, "prediction": …}`: numeric features as numbers, categorical ones as their text,
 * missing values as null.
 */
export function jsonLine(
  raw: readonly string[],
  row: Float64Array,
  prediction: string | number,
  p: Float64Array,
  shape: LineShape,
): string {
  const doc: Record<string, unknown> = { features: featuresDocument(raw, row, shape), prediction };
  if (shape.proba) doc.probabilities = Object.fromEntries(shape.classes.map((c, i) => [String(c), p[i]]));
  return JSON.stringify(doc);
}

/**
 * A row's `features` object of a JSON line (predict's and explain's): numeric features as numbers,
 * categorical ones as their text, missing values as null.
 */
export function featuresDocument(
  raw: readonly string[],
  row: ArrayLike<number>,
  shape: Pick<LineShape, 'features' | 'categorical' | 'naValues'>,
): Record<string, unknown> {
  const features: Record<string, unknown> = {};
  shape.features.forEach((name, f) => {
    const v = row[f] as number;
    const text = (raw[f] as string).trim();
    if (!shape.categorical[f]) features[name] = v !== v ? null : v;
    else features[name] = text === '' || shape.naValues.has(text) ? null : text;
  });
  return features;
}

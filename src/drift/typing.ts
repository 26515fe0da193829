import { thousands } from './reports/format-number';
import type { ColumnSide } from './values/column-side';

/** What a column is, as Evidently 0.7 types columns: the type picks the tests. */
export type ColumnType = 'numerical' | 'categorical' | 'text';

/**
 * `evidently`: Evidently 0.7's `infer_column_type` on the current data (its default API); `legacy`: the
 * reference decides — numbers are numerical, texts categorical (Evidently's legacy API, mlctl before 0.7).
 */
export const COLUMN_TYPINGS = ['evidently', 'legacy'] as const;
export type ColumnTyping = (typeof COLUMN_TYPINGS)[number];

/** Evidently 0.7's `INTEGER_CARDINALITY_LIMIT` (evidently/core/datasets.py). */
export const INTEGER_CARDINALITY_LIMIT = 10;

/** Non-numeric cells a numeric column may hold and still be read as numbers (the rest counted as typos). */
export const MAX_NON_NUMERIC_SHARE = 0.05;

/**
 * How a column's values are compared: as `numbers` (cells that are not numbers counted apart as
 * non-numeric), as `texts` (numbers compared by their text), or `none` when neither side has a value.
 * Pooled over both sides, so a few typos on one side do not turn a numeric column into text.
 */
export function valueKind(reference: ColumnSide, current: ColumnSide): 'numbers' | 'texts' | 'none' {
  const numbers = reference.numbers.count + current.numbers.count;
  const texts = reference.texts.total + current.texts.total;
  if (numbers + texts === 0) return 'none';
  return numbers > 0 && texts <= MAX_NON_NUMERIC_SHARE * (numbers + texts) ? 'numbers' : 'texts';
}

/** pandas would read this side as int64: integers only, none missing, no text. */
export function isIntegerColumn(side: ColumnSide): boolean {
  return side.numbers.count > 0 && side.numbers.integerText && side.missing === 0 && side.texts.total === 0;
}

export interface Typed {
  type: ColumnType;
  /** The rule that gave the type, for the reports. */
  rule: string;
}

/**
 * The type of a column compared as numbers. Evidently 0.7 (`infer_column_type`): a float column is
 * numerical; an int64 column is categorical with at most 10 distinct values, else numerical. pandas
 * holds a column with missing values as float, so only a complete integer column can be categorical.
 */
export function numberType(typing: ColumnTyping, current: ColumnSide, currentDistinct: number): Typed {
  if (typing === 'legacy') return { type: 'numerical', rule: 'numbers (legacy typing)' };
  if (!isIntegerColumn(current))
    return { type: 'numerical', rule: 'numbers with a fraction or gaps (float)' };
  return currentDistinct <= INTEGER_CARDINALITY_LIMIT
    ? { type: 'categorical', rule: `complete integers, ${currentDistinct} distinct (≤ 10)` }
    : { type: 'numerical', rule: `complete integers, ${thousands(currentDistinct)} distinct (> 10)` };
}

/**
 * The type of a column compared as texts. Evidently 0.7: text when more than half the values are
 * distinct (identifier-like: names, ids, free text), else categorical. With `legacy`, the reference
 * decides, and an identifier-like reference column is text too: it is never counted as drifted.
 */
export function textType(
  typing: ColumnTyping,
  side: { distinct: number; values: number; overflow: boolean },
): Typed {
  const which = typing === 'legacy' ? 'reference' : 'current';
  // Past the count limit `distinct` is a lower bound: enough to call a column text, not categorical.
  const many = side.distinct > 0.5 * side.values;
  const counted = `texts, ${thousands(side.distinct)}${side.overflow ? '+' : ''} distinct of ${thousands(side.values)} ${which} values`;
  return many
    ? { type: 'text', rule: `${counted} (more than half)` }
    : { type: 'categorical', rule: counted };
}

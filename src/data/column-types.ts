import type { ColumnStats } from './infer';

/** An integer target with more distinct values than this is taken for a quantity (regression). */
export const MAX_INFERRED_CLASSES = 30;
/** A text column this large whose values are nearly all distinct is an identifier, not a category. */
const IDENTIFIER_MIN_VALUES = 20;
const IDENTIFIER_DISTINCT_SHARE = 0.9;

/** Nearly every value distinct (an id, a name, free text): no use as a category. */
export function identifierLike(s: ColumnStats): boolean {
  const values = s.values ?? 0;
  return s.distinct !== undefined && values > IDENTIFIER_MIN_VALUES && s.distinct.size >= IDENTIFIER_DISTINCT_SHARE * values;
}

export type Task = 'classification' | 'regression';

/**
 * classification or regression from the target's statistics: text is a class label; a number with a
 * fraction, or more than 30 distinct integers, is a quantity. `reason` says why, for the user.
 */
export function inferTask(s: ColumnStats): { task: Task; reason: string } {
  const name = JSON.stringify(s.name);
  if (!s.numeric) return { task: 'classification', reason: `the target ${name} holds text` };
  if (!s.integer) return { task: 'regression', reason: `the target ${name} holds numbers with fractions` };
  const distinct = s.distinct?.size;
  if (distinct === undefined || distinct > MAX_INFERRED_CLASSES) {
    const count = distinct === undefined ? 'more than 100' : String(distinct);
    return {
      task: 'regression',
      reason: `the target ${name} has ${count} distinct integers, more than a class column plausibly has (${MAX_INFERRED_CLASSES})`,
    };
  }
  return { task: 'classification', reason: `the target ${name} has ${distinct} distinct integers` };
}

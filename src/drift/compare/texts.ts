import { EMPTY_HISTOGRAM, categoriesHistogram } from '../histogram';
import type { ReferenceColumn } from '../profile/profile';
import { thousands } from '../reports/format-number';
import { textType } from '../typing';
import { MAX_DISTINCT_TEXTS } from '../values/column-side';
import type { ColumnSide } from '../values/column-side';
import { openRuns } from '../values/runs';
import { base, notEvaluated, scoreColumn } from './column';
import type { ColumnDrift, CompareOptions } from './column';
import { CountStats } from './count-stats';

/** A side's values as texts — numbers by their shortest text, as in the prediction log — with counts. */
export interface TextCounts {
  counts: Map<string, number>;
  values: number;
  overflow: boolean;
}

export function textCounts(side: ColumnSide): TextCounts {
  const counts = new Map(side.texts.counts);
  let overflow = side.texts.overflow;
  const cursor = openRuns(side.numbers.runs);
  while (cursor.next()) {
    const key = String(cursor.value);
    const had = counts.get(key);
    if (had !== undefined) counts.set(key, had + cursor.count);
    else if (counts.size < MAX_DISTINCT_TEXTS) counts.set(key, cursor.count);
    else overflow = true;
  }
  cursor.close();
  return { counts, values: side.texts.total + side.numbers.count, overflow };
}

/**
 * A column compared as texts: categorical (chi-square, z, Jensen–Shannon over the categories), or text
 * when it is identifier-like — Evidently 0.7 gives text columns a content test (a classifier trained on
 * their words) that mlctl does not run, so they are left out, never counted as drifted.
 */
export function compareTexts(
  reference: ReferenceColumn,
  current: ColumnSide,
  options: CompareOptions,
): ColumnDrift {
  const ref = textCounts(reference);
  const cur = textCounts(current);
  const decider = options.typing === 'legacy' ? ref : cur;
  const typed = textType(options.typing, {
    distinct: decider.counts.size,
    values: decider.values,
    overflow: decider.overflow,
  });
  const fields = base(reference, current, typed, 0, 0);
  const n = { reference: ref.values, current: cur.values };
  // An identifier-like column has nothing to draw: every value is its own category.
  const histogram = typed.type === 'text' ? EMPTY_HISTOGRAM : categoriesHistogram(ref.counts, cur.counts, n);
  const counted = { reference_rows: ref.values, current_rows: cur.values, histogram };
  let reason: string | null = null;
  if (ref.values === 0) reason = 'no values in the reference';
  else if (cur.values === 0) reason = 'no values in the current data';
  else if (typed.type === 'text') {
    reason = `identifier-like text (${typed.rule}): Evidently 0.7 tests text columns with a classifier trained on their words, which mlctl does not run; left out of the drift share`;
  } else if (ref.overflow || cur.overflow) {
    reason = `more than ${thousands(MAX_DISTINCT_TEXTS)} distinct values (mlctl counts at most that many per column)`;
  } else if (cur.values < options.minRows) {
    reason = `${cur.values} current value${cur.values === 1 ? '' : 's'}, fewer than --min-rows ${options.minRows}`;
  }
  if (reason !== null) return notEvaluated(fields, typed.type, reason, counted);
  // Keys in code-point order, as Python sorts them: the z-test compares "not the smallest key".
  const keys = [...new Set([...ref.counts.keys(), ...cur.counts.keys()])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const stats = new CountStats(ref.values, cur.values);
  for (const k of keys) stats.add(ref.counts.get(k) ?? 0, cur.counts.get(k) ?? 0);
  const verdict = scoreColumn(
    reference.name,
    {
      type: 'categorical',
      nReference: ref.values,
      nCurrent: cur.values,
      distinct: keys.length,
      perValue: stats.result(),
    },
    options,
  );
  return { ...fields, ...verdict, reason: null, ...counted };
}

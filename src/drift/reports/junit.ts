import { escapeXml } from '../../format/xml';
import type { ColumnDrift } from '../dataset-drift';
import type { DriftResult } from '../run-drift';
import { formatScore } from './format-number';
import { missingText } from './order';

/**
 * JUnit XML for CI test tabs: one test case per column (a failure when it drifted, skipped with its reason
 * when it could not be evaluated), one for the prediction, one for the dataset rule; every case is
 * skipped when the run was not evaluated.
 */
export function renderJunit(r: DriftResult): string {
  const cases: string[] = [];
  const skip =
    r.status === 'not_evaluated' ? `<skipped message="${escapeXml(`not evaluated: ${r.reason}`)}"/>` : '';
  const testcase = (name: string, body: string): string =>
    `    <testcase classname="mlctl.drift" name="${escapeXml(name)}">${body}</testcase>`;
  cases.push(
    testcase(
      'dataset drift',
      skip ||
        (r.dataset_drift
          ? `<failure message="${escapeXml(`${r.drifted_columns} of ${r.number_of_columns} columns drifted (share ${formatScore(r.drift_share)} ≥ ${r.drift_share_threshold})`)}"/>`
          : ''),
    ),
  );
  for (const c of r.columns) cases.push(testcase(`column ${c.name}`, skip || outcome(c)));
  if (r.prediction) cases.push(testcase(`prediction ${r.prediction.name}`, skip || outcome(r.prediction)));
  const failures =
    r.status === 'not_evaluated'
      ? 0
      : (r.dataset_drift ? 1 : 0) +
        [...r.columns, ...(r.prediction ? [r.prediction] : [])].filter((c) => c.drift_detected).length;
  const all = [...r.columns, ...(r.prediction ? [r.prediction] : [])];
  const skipped =
    r.status === 'not_evaluated' ? cases.length : all.filter((c) => c.status === 'not_evaluated').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mlctl drift" tests="${cases.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="drift: ${escapeXml(r.current.source)} vs ${escapeXml(r.reference.source)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" timestamp="${r.evaluated_at}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A column's case: skipped (with the reason) when not evaluated, a failure when it drifted. */
function outcome(c: ColumnDrift): string {
  if (c.status === 'not_evaluated') return `<skipped message="${escapeXml(`not evaluated: ${c.reason}`)}"/>`;
  const facts = `reference ${c.reference_rows} values, current ${c.current_rows} values; missing ${missingText(c)}`;
  if (!c.drift_detected)
    return `<system-out>${escapeXml(`${c.stattest_display} ${formatScore(c.score)} (threshold ${c.threshold}); ${facts}`)}</system-out>`;
  const message = `${c.stattest_display} ${formatScore(c.score)} (threshold ${c.threshold})`;
  return `<failure message="${escapeXml(message)}">${escapeXml(facts)}</failure>`;
}

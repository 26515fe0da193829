import type { DriftResult } from '../run-drift';
import { formatPercent, formatScore } from './format-number';
import { missingText } from './order';

/** A GitHub step summary: the verdict and one table row per column. */
export function driftSummaryMarkdown(r: DriftResult): string {
  const left = r.not_evaluated_columns ? ` ${r.not_evaluated_columns} not evaluated.` : '';
  const head =
    r.status === 'not_evaluated'
      ? `### Data drift: not evaluated\n\n${r.reason}.`
      : `### Data drift ${r.dataset_drift ? 'detected' : 'not detected'}\n\n${r.drifted_columns} of ${r.number_of_columns} columns drifted (${formatPercent(r.drift_share)}; threshold ${formatPercent(r.drift_share_threshold)}).${left}`;
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = [...r.columns, ...(r.prediction ? [r.prediction] : [])].map(
    (c) =>
      `| ${cell(c.name)} | ${c.type ?? '—'} | ${c.stattest_display ?? '—'} | ${formatScore(c.score)} | ${c.drift_detected === null ? `not evaluated: ${cell(c.reason ?? '')}` : c.drift_detected ? '**drift**' : 'ok'} | ${missingText(c)} |`,
  );
  return [
    head,
    '',
    '| Column | Type | Test | Score | Drift | Missing (ref / cur) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

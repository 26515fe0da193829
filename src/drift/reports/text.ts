import { plural } from '../../format/plural';
import type { ColumnDrift } from '../dataset-drift';
import type { DriftResult } from '../run-drift';
import { formatPercent, formatScore, thousands } from './format-number';
import { missingText } from './order';

/** A summary line, the sources, one line per column, then what was not evaluated and why — for a terminal or a CI log. */
export function renderText(result: DriftResult): string {
  const lines = [headline(result), sources(result), ''];
  const rows: string[][] = [['column', 'type', 'test', 'score', 'threshold', 'drift', 'missing ref / cur']];
  for (const c of result.columns) rows.push(row(c));
  if (result.prediction) {
    const p = result.prediction;
    rows.push([
      ...row(p),
      p.psi === null ? '' : `PSI ${formatScore(p.psi)}${p.psi >= p.psi_threshold ? ' (≥ 0.1)' : ''}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) {
    lines.push(
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  const all = [...result.columns, ...(result.prediction ? [result.prediction] : [])];
  const skipped = all.filter((c) => c.reason !== null);
  if (skipped.length) lines.push('', 'Not evaluated:', ...skipped.map((c) => `  ${c.name}: ${c.reason}`));
  const odd = all.filter((c) => c.reference_non_numeric + c.current_non_numeric > 0);
  if (odd.length) {
    lines.push(
      '',
      'Values that are not numbers in numeric columns (left out of the tests):',
      ...odd.map(
        (c) =>
          `  ${c.name}: ${thousands(c.reference_non_numeric)} reference, ${thousands(c.current_non_numeric)} current`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function headline(r: DriftResult): string {
  if (r.status === 'not_evaluated') return `Data drift: NOT EVALUATED — ${r.reason}.`;
  const verdict = r.dataset_drift ? 'DETECTED' : 'not detected';
  const columns = r.not_evaluated_columns
    ? plural(r.number_of_columns, 'evaluated column')
    : plural(r.number_of_columns, 'column');
  const left = r.not_evaluated_columns ? `; ${plural(r.not_evaluated_columns, 'column')} not evaluated` : '';
  return `Data drift ${verdict}: ${r.drifted_columns} of ${columns} drifted (${formatPercent(r.drift_share)}; dataset drift at ≥ ${formatPercent(r.drift_share_threshold)})${left}.`;
}

function sources(r: DriftResult): string {
  const skipped: string[] = [];
  const log = r.current.log;
  if (log?.not_json) skipped.push(`${thousands(log.not_json)} non-JSON`);
  if (log?.other_events) skipped.push(`${thousands(log.other_events)} other events`);
  if (log?.malformed) skipped.push(`${thousands(log.malformed)} malformed`);
  const extra = skipped.length ? `; lines skipped: ${skipped.join(', ')}` : '';
  const truncated = r.current.loki?.truncated ? '; stopped at the Loki entry limit' : '';
  const rows = (n: number): string => `${thousands(n)} ${n === 1 ? 'row' : 'rows'}`;
  return `reference ${r.reference.source} (${rows(r.reference.rows)}) · current ${r.current.source} (${rows(r.current.rows)}${extra}${truncated})`;
}

function row(c: ColumnDrift): string[] {
  const verdict = c.drift_detected === null ? 'not evaluated' : c.drift_detected ? 'DRIFT' : 'ok';
  return [
    c.name,
    c.type ?? '—',
    c.stattest_display ?? '—',
    formatScore(c.score),
    c.threshold === null ? '—' : String(c.threshold),
    verdict,
    missingText(c),
  ];
}

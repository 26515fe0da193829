import type { RollbackResult } from './actions';
import { describeCondition, formatValue } from './analysis';
import type { Measurement } from './analysis';
import type { PromoteReport } from './run-canary';

const HEADLINE = {
  promoted: 'PROMOTED',
  rejected: 'REJECTED',
  inconclusive: 'INCONCLUSIVE (nothing promoted, nothing rolled back)',
} as const;

/** One line per measurement, printed as it is taken. */
export function formatMeasurement(m: Measurement): string {
  const mark = m.phase === 'successful' ? 'ok  ' : m.phase === 'failed' ? 'FAIL' : 'n/a ';
  return `  [${m.round}] ${mark} ${m.metric.padEnd(22)} ${formatValue(m.value).padStart(10)}${m.detail ? `  ${m.detail}` : ''}${m.retries ? ` (after ${m.retries} retried error${m.retries === 1 ? '' : 's'})` : ''}`;
}

/** The human report: decision, why, the table of metrics with their rendered queries, what changed. */
export function formatPromoteReport(r: PromoteReport): string {
  const lines: string[] = [];
  lines.push(
    `Canary ${r.model.uri} → ${r.target}: ${HEADLINE[r.decision]}${r.dry_run ? ' [dry run: nothing changed]' : ''}`,
  );
  lines.push('');
  lines.push('Why:');
  for (const reason of r.reasons) lines.push(`  - ${reason}`);
  if (r.smoke) {
    lines.push('', 'Smoke test:');
    for (const c of r.smoke.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  }
  if (r.analysis) {
    const a = r.analysis;
    lines.push(
      '',
      `Analysis (${r.policy.file}; ${a.rounds} of ${r.policy.count} rounds every ${r.policy.interval}${a.stoppedEarly ? ', stopped early on failure' : ''}; source ${r.source.kind} ${r.source.location}):`,
    );
    const rows = a.metrics.map((s) => {
      const values = a.measurements.filter((m) => m.metric === s.name).map((m) => formatValue(m.value));
      return [
        s.name + (s.critical ? ' (critical)' : ''),
        describeCondition(s.condition),
        values.join(', '),
        `${s.failed}/${s.failureLimit}`,
        s.phase,
      ];
    });
    lines.push(
      ...table(['metric', 'condition', 'values', 'failed/limit', 'result'], rows).map((l) => `  ${l}`),
    );
    lines.push('', 'Queries:');
    for (const s of a.metrics) {
      const q = a.measurements.find((m) => m.metric === s.name)?.query;
      if (q) lines.push(`  ${s.name}: ${q}`);
    }
  }
  lines.push('', r.dry_run ? 'Registry (would change):' : 'Registry:');
  for (const c of r.registry.changes) lines.push(`  - ${c}`);
  if (r.helm.commands.length > 0) {
    lines.push('', r.helm.applied ? 'Helm (ran):' : 'Helm (run these to roll the image):');
    for (const c of r.helm.commands) lines.push(`  ${c}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The GitHub step summary. */
export function promoteSummaryMarkdown(r: PromoteReport): string {
  const icon = r.decision === 'promoted' ? '✅' : r.decision === 'rejected' ? '❌' : '⚠️';
  const out = [
    `## ${icon} Canary \`${r.model.uri}\`: ${r.decision}${r.dry_run ? ' (dry run)' : ''}`,
    '',
    `Target: \`${r.target}\``,
    '',
  ];
  for (const reason of r.reasons) out.push(`- ${escapeMd(reason)}`);
  if (r.analysis) {
    out.push('', '| metric | condition | values | failed / limit | result |', '|---|---|---|---|---|');
    for (const s of r.analysis.metrics) {
      const values = r.analysis.measurements
        .filter((m) => m.metric === s.name)
        .map((m) => formatValue(m.value))
        .join(', ');
      out.push(
        `| ${escapeMd(s.name)} | ${escapeMd(describeCondition(s.condition))} | ${values} | ${s.failed} / ${s.failureLimit} | ${s.phase} |`,
      );
    }
  }
  out.push('', '**Registry**', '');
  for (const c of r.registry.changes) out.push(`- ${escapeMd(c)}`);
  return `${out.join('\n')}\n`;
}

export function formatRollback(r: RollbackResult, dryRun: boolean, helm: string[]): string {
  const lines = [
    `Rolled back ${r.target}: version ${r.from} → version ${r.to} (${r.chosenBy === 'history' ? 'the version it replaced, from the recorded history' : 'as given with --to'})${dryRun ? ' [dry run: nothing changed]' : ''}`,
    ...r.changes.map((c) => `  - ${c}`),
  ];
  if (helm.length) lines.push('Helm:', ...helm.map((c) => `  ${c}`));
  return `${lines.join('\n')}\n`;
}

function escapeMd(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

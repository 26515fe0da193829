import type { TrainResult } from './run-train';

const f4 = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(4));

/** Human output on stdout: the metrics, the gate's verdict, and `MODEL_DIR=` last (CI greps it). */
export function formatTrainText(r: TrainResult): string {
  const m = r.metrics;
  const lines = [
    `Trained ${r.params.n_estimators} trees on ${m.rows.train} rows × ${r.features.length} features (${r.classes.length} classes) in ${r.seconds.fit.toFixed(1)} s on ${r.threads} thread${r.threads === 1 ? '' : 's'}.`,
    `Data: ${r.data.path} (${r.data.rows} rows, sha256 ${r.data.sha256.slice(0, 12)}…)${r.schema ? `, checked against ${r.schema}` : ''}`,
    `Held-out ${m.rows.test} rows: accuracy ${f4(m.accuracy)} · macro F1 ${f4(m.f1_macro)} · out-of-bag accuracy ${f4(m.oob_accuracy)}`,
    '',
    ...classTable(r),
    '',
    'Confusion matrix (rows: true class, columns: predicted):',
    ...confusionTable(r),
    '',
  ];
  if (r.gate) lines.push(`${r.gate.passed ? '✓' : '✗'} quality gate: ${r.gate.reason}`);
  lines.push(`MODEL_DIR=${r.modelDir}`);
  return `${lines.join('\n')}\n`;
}

function classTable(r: TrainResult): string[] {
  const rows = [['class', 'precision', 'recall', 'f1', 'support']];
  for (const c of r.classes) {
    const m = r.metrics.per_class[String(c)];
    if (m) rows.push([String(c), f4(m.precision), f4(m.recall), f4(m.f1), String(m.support)]);
  }
  return align(rows);
}

function confusionTable(r: TrainResult): string[] {
  const rows = [['', ...r.classes.map(String)]];
  r.metrics.confusion_matrix.forEach((row, i) => rows.push([String(r.classes[i]), ...row.map(String)]));
  return align(rows).map((l) => `  ${l}`);
}

function align(rows: string[][]): string[] {
  const widths = (rows[0] as string[]).map((_, j) => Math.max(...rows.map((row) => (row[j] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, j) => (j === 0 ? cell.padEnd(widths[j] as number) : cell.padStart(widths[j] as number)))
      .join('  ')
      .trimEnd(),
  );
}

/** `--json`: one document with everything the run produced. */
export function trainJson(r: TrainResult): Record<string, unknown> {
  return {
    model_dir: r.modelDir,
    data: r.data,
    schema: r.schema ?? null,
    target: r.target,
    features: r.features,
    classes: r.classes,
    params: r.params,
    metrics: r.metrics,
    gate: r.gate
      ? {
          min_accuracy: r.gate.minAccuracy,
          accuracy: r.gate.accuracy,
          passed: r.gate.passed,
          reason: r.gate.reason,
        }
      : null,
    threads: r.threads,
    seconds: r.seconds,
    files: r.files,
  };
}

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function trainSummaryMarkdown(r: TrainResult): string {
  const m = r.metrics;
  const verdict = r.gate ? (r.gate.passed ? ' — gate passed' : ' — gate failed') : '';
  return [
    `### mlctl train${verdict}`,
    '',
    `Model: \`${r.modelDir}\` · data \`${r.data.path}\` (${r.data.rows} rows) · ${r.params.n_estimators} trees, seed ${r.params.seed}`,
    '',
    '| Metric | Value |',
    '|---|---:|',
    `| accuracy | ${f4(m.accuracy)} |`,
    `| macro F1 | ${f4(m.f1_macro)} |`,
    `| out-of-bag accuracy | ${f4(m.oob_accuracy)} |`,
    `| rows (train / test) | ${m.rows.train} / ${m.rows.test} |`,
    ...(r.gate ? ['', `${r.gate.passed ? '✅' : '❌'} ${r.gate.reason}`] : []),
    '',
  ].join('\n');
}

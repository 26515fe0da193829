import type { ClassifierMetrics, RegressorMetrics } from '../../artifact/write';
import type { TrainResult } from './run-train';

const f4 = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(4));
/** A regression error in the target's own unit: four significant digits. */
const sig = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(1) : Number(x.toPrecision(4)).toString());

/** Human output on stdout: the data, the metrics, the gate's verdict, and `MODEL_DIR=` last (CI greps it). */
export function formatTrainText(r: TrainResult): string {
  const m = r.metrics;
  const kind = r.task === 'regression' ? 'regression' : `${r.classes.length} classes`;
  const lines = [
    `Trained ${r.params.n_estimators} trees on ${m.rows.train} rows × ${r.features.length} features (${kind}) in ${r.seconds.fit.toFixed(1)} s on ${r.threads} thread${r.threads === 1 ? '' : 's'}.`,
    `Data: ${r.data.path} (${r.data.rows} rows, sha256 ${r.data.sha256.slice(0, 12)}…)${r.schema ? `, checked against ${r.schema}` : ''}`,
    `Task: ${r.task}: ${r.taskReason}${r.taskReason.startsWith('as asked') ? '' : '; --task to override'}`,
    featureLine(r),
    ...r.leftOut.map((l) => `Left out: "${l.column}" (${l.reason})`),
    ...r.notes.map((n) => `Note: ${n}`),
    '',
  ];
  const where =
    m.evaluation === 'oob'
      ? `Out-of-bag ${m.rows.test} rows (--test-size 0: trained on every row; each scored by the trees that did not draw it)`
      : m.evaluation === 'test_data'
        ? `Test data ${r.testData} (${m.rows.test} rows)`
        : `Held-out ${m.rows.test} rows`;
  if ('r2' in m) lines.push(...regressionLines(where, m));
  else lines.push(...classificationLines(where, m, r));
  if (r.gate) lines.push(`${r.gate.passed ? '✓' : '✗'} quality gate: ${r.gate.reason}`);
  lines.push(`Report: ${r.modelDir}/report.html${r.report !== undefined ? ` (and ${r.report})` : ''}`);
  lines.push(`MODEL_DIR=${r.modelDir}`);
  return `${lines.join('\n')}\n`;
}

function featureLine(r: TrainResult): string {
  const numeric = r.specs.filter((s) => s.type === 'numeric').length;
  const categorical = r.specs.filter((s) => s.type === 'categorical');
  const nullable = r.specs.filter((s) => s.nullable).map((s) => s.name);
  const parts = [`${numeric} numeric`];
  if (categorical.length > 0)
    parts.push(
      `${categorical.length} categorical (${categorical.map((s) => `${s.name}: ${s.categories?.length}`).join(', ')})`,
    );
  return `Features: ${parts.join(', ')}${nullable.length > 0 ? `; missing values in ${nullable.join(', ')}` : ''}`;
}

function regressionLines(where: string, m: RegressorMetrics): string[] {
  return [
    `${where}: R² ${f4(m.r2)} · RMSE ${sig(m.rmse)} · MAE ${sig(m.mae)} · out-of-bag R² ${f4(m.oob_r2)}`,
    '',
  ];
}

function classificationLines(where: string, m: ClassifierMetrics, r: TrainResult): string[] {
  return [
    `${where}: accuracy ${f4(m.accuracy)} · macro F1 ${f4(m.f1_macro)} · out-of-bag accuracy ${f4(m.oob_accuracy)}`,
    `Balanced accuracy ${f4(m.balanced_accuracy)} · log loss ${f4(m.log_loss)} · ROC AUC ${f4(m.roc_auc)}`,
    '',
    ...classTable(m, r),
    '',
    'Confusion matrix (rows: true class, columns: predicted):',
    ...align([
      ['', ...r.classes.map(String)],
      ...m.confusion_matrix.map((row, i) => [String(r.classes[i]), ...row.map(String)]),
    ]).map((l) => `  ${l}`),
    '',
  ];
}

function classTable(m: ClassifierMetrics, r: TrainResult): string[] {
  const rows = [['class', 'precision', 'recall', 'f1', 'support']];
  for (const c of r.classes) {
    const p = m.per_class[String(c)];
    if (p) rows.push([String(c), f4(p.precision), f4(p.recall), f4(p.f1), String(p.support)]);
  }
  return align(rows);
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

/** `--json`: one document with everything the run produced (snake_case keys). */
export function trainJson(r: TrainResult): Record<string, unknown> {
  return {
    model_dir: r.modelDir,
    data: r.data,
    schema: r.schema ?? null,
    test_data: r.testData ?? null,
    task: r.task,
    task_reason: r.taskReason,
    target: r.target,
    features: r.features,
    feature_types: Object.fromEntries(
      r.specs.map((s) => [
        s.name,
        { type: s.type, nullable: s.nullable, ...(s.categories ? { categories: s.categories } : {}) },
      ]),
    ),
    left_out: r.leftOut,
    notes: r.notes,
    classes: r.classes,
    params: r.params,
    metrics: r.metrics,
    gate: r.gate ?? null,
    threads: r.threads,
    seconds: r.seconds,
    files: r.files,
  };
}

/** Markdown for $GITHUB_STEP_SUMMARY. */
export function trainSummaryMarkdown(r: TrainResult): string {
  const m = r.metrics;
  const verdict = r.gate ? (r.gate.passed ? ' — gate passed' : ' — gate failed') : '';
  const rows =
    'r2' in m
      ? [
          `| R² | ${f4(m.r2)} |`,
          `| RMSE | ${sig(m.rmse)} |`,
          `| MAE | ${sig(m.mae)} |`,
          `| out-of-bag R² | ${f4(m.oob_r2)} |`,
        ]
      : [
          `| accuracy | ${f4(m.accuracy)} |`,
          `| macro F1 | ${f4(m.f1_macro)} |`,
          `| balanced accuracy | ${f4(m.balanced_accuracy)} |`,
          `| log loss | ${f4(m.log_loss)} |`,
          `| ROC AUC | ${f4(m.roc_auc)} |`,
          `| out-of-bag accuracy | ${f4(m.oob_accuracy)} |`,
        ];
  return [
    `### mlctl train${verdict}`,
    '',
    `Model: \`${r.modelDir}\` · data \`${r.data.path}\` (${r.data.rows} rows) · ${r.task} · ${r.params.n_estimators} trees, seed ${r.params.seed}`,
    '',
    '| Metric | Value |',
    '|---|---:|',
    ...rows,
    `| rows (train / ${m.evaluation === 'oob' ? 'out-of-bag' : 'test'}) | ${m.rows.train} / ${m.rows.test} |`,
    ...('r2' in m
      ? []
      : ['', '**Confusion matrix** (rows: true class, columns: predicted)', '', ...confusionMarkdown(m, r)]),
    ...(r.gate ? ['', `${r.gate.passed ? '✅' : '❌'} ${r.gate.reason}`] : []),
    '',
    `The training report (curves, feature importance, SHAP summary) is \`${r.modelDir}/report.html\` in the artifact.`,
    '',
  ].join('\n');
}

function confusionMarkdown(m: ClassifierMetrics, r: TrainResult): string[] {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `| true \\ predicted | ${r.classes.map((c) => cell(String(c))).join(' | ')} |`,
    `|---|${r.classes.map(() => '---:').join('|')}|`,
    ...m.confusion_matrix.map(
      (row, i) =>
        `| **${cell(String(r.classes[i]))}** | ${row.map((n, j) => (i === j ? `**${n}**` : String(n))).join(' | ')} |`,
    ),
  ];
}

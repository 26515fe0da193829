import type { ClassifierMetrics, ModelMetrics, RegressorMetrics } from '../artifact/write';
import type { FeatureSpec } from '../data/training-table';
import type { ClassLabel } from '../forest/predictor';
import { argmax } from '../forest/predictor';
import type { Task } from '../forest/tree-arrays';
import { escapeXml } from '../format/xml';
import { beeswarm, beeswarmLegend } from './beeswarm';
import { calibration, prCurve, rocCurve } from './curves';
import type { Curve } from './curves';
import { REPORT_STYLE } from './report-style';
import { barChart, colourOf, heatMap, lineChart, scatterChart, tick } from './svg-charts';

const e = escapeXml;

/** Everything the training report shows (commands/train/report-data.ts computes it). */
export interface TrainReportData {
  task: Task;
  target: string;
  classes: ClassLabel[];
  features: string[];
  specs: FeatureSpec[];
  metrics: ModelMetrics;
  trees: number;
  seed: number;
  data: { path: string; rows: number };
  /** Truth (class indexes or values) and outputs (K per row) of the evaluated rows. */
  truth: Float64Array;
  outputs: Float64Array;
  /** The out-of-bag score after each tree. */
  oobCurve: Array<number | null>;
  impurity: number[];
  permutation: { rows: number; repeats: number; values: Array<{ mean: number; std: number }> };
  /** SHAP of each sampled row's predicted class (or value): `values[r·d + f]`, and the rows' features. */
  shap: { rows: number; values: Float64Array; features: Float64Array; meanAbs: number[] };
}

/** Points drawn in a scatter plot at most: the page stays small whatever the test set. */
const MAX_SCATTER = 1500;
const TOP_FEATURES = 12;

/**
 * The training report: one self-contained HTML page — inline SVG, inline CSS, no script, nothing
 * fetched — in the drift report's visual language. The held-out metrics; for classification the
 * confusion matrix, ROC and precision-recall curves (one-vs-rest past two classes) and a calibration
 * curve; for regression predicted against actual and the residuals; the out-of-bag score against the
 * number of trees; feature importance three ways; a SHAP summary of the top features.
 */
export function renderTrainReport(r: TrainReportData): string {
  const m = r.metrics;
  const sections =
    'r2' in m
      ? [metrics(r, regressionCounters(m)), regressionPlots(r), oob(r), importance(r), shapSummary(r)]
      : [
          metrics(r, classificationCounters(m)),
          confusion(m, r),
          curves(r),
          oob(r),
          importance(r),
          shapSummary(r),
        ];
  const kind = r.task === 'regression' ? 'regression' : `classification, ${r.classes.length} classes`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Training report — ${e(r.target)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
  <h1>Training report — ${e(r.target)}</h1>
  <p class="meta">Data <b>${e(r.data.path)}</b> (${r.data.rows.toLocaleString('en-US')} rows) · ${kind} · ${r.features.length} features · random forest of ${r.trees} trees, seed ${r.seed}</p>
</header>
<main>
${sections.join('\n')}
</main>
<footer>mlctl train · metrics follow scikit-learn's definitions · SHAP values are exact path-dependent TreeSHAP (shap's TreeExplainer) · no script, no network: this page is all there is</footer>
</body>
</html>
`;
}

function counter(label: string, value: number | null): string {
  const shown = value === null ? '—' : Math.abs(value) >= 10 ? value.toPrecision(5) : value.toFixed(4);
  return `<div class="counter"><div class="value">${e(shown)}</div><div class="label">${e(label)}</div></div>`;
}

function classificationCounters(m: ClassifierMetrics): string {
  return [
    counter('Accuracy', m.accuracy),
    counter('Balanced accuracy', m.balanced_accuracy),
    counter('Macro F1', m.f1_macro),
    counter('Log loss', m.log_loss),
    counter('ROC AUC', m.roc_auc),
    counter('Out-of-bag accuracy', m.oob_accuracy),
  ].join('');
}

function regressionCounters(m: RegressorMetrics): string {
  return [
    counter('R²', m.r2),
    counter('RMSE', m.rmse),
    counter('MAE', m.mae),
    counter('Out-of-bag R²', m.oob_r2),
  ].join('');
}

function metrics(r: TrainReportData, counters: string): string {
  const m = r.metrics;
  const where =
    m.evaluation === 'oob'
      ? `the out-of-bag predictions of ${m.rows.test} training rows (trained on every row)`
      : m.evaluation === 'test_data'
        ? `${m.rows.test} rows of the test data file`
        : `${m.rows.test} held-out rows`;
  return `<section id="metrics">
  <h2>Held-out metrics</h2>
  <p class="lead">Measured on ${where}; trained on ${m.rows.train} rows.</p>
  <div class="counters">${counters}</div>
</section>`;
}

function confusion(m: ClassifierMetrics, r: TrainReportData): string {
  const labels = r.classes.map(String);
  return `<section id="confusion">
  <h2>Confusion matrix</h2>
  <p class="legend">Rows: true class; columns: predicted. Shade: share of the true class (green on the diagonal, red off it).</p>
  <figure class="card" style="display:inline-block">${heatMap(m.confusion_matrix, labels, 'confusion matrix')}</figure>
</section>`;
}

/** One-vs-rest curves: the positive class alone for two classes, every class past two. */
function perClass(
  r: TrainReportData,
  curve: (positive: boolean[], scores: number[]) => Curve | null,
): Array<{ name: string; colour: string; curve: Curve }> {
  const K = r.classes.length;
  const n = r.truth.length;
  const which = K === 2 ? [1] : Array.from({ length: K }, (_, c) => c);
  return which.flatMap((c) => {
    const positive = Array.from({ length: n }, (_, i) => r.truth[i] === c);
    const scores = Array.from({ length: n }, (_, i) => r.outputs[i * K + c] as number);
    const made = curve(positive, scores);
    return made ? [{ name: String(r.classes[c]), colour: colourOf(c), curve: made }] : [];
  });
}

function legend(items: Array<{ name: string; colour: string; curve: Curve }>, score: string): string {
  return `<p class="legend">${items.map((i) => `<span class="swatch" style="background:${i.colour}"></span>${e(i.name)} (${score} ${tick(i.curve.score)})`).join(' ')}</p>`;
}

function curves(r: TrainReportData): string {
  const K = r.classes.length;
  const roc = perClass(r, rocCurve);
  const pr = perClass(r, prCurve);
  const n = r.truth.length;
  // Binary: the positive class's probability; past two classes, the predicted class's (top-label).
  const positive: boolean[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = r.outputs.subarray(i * K, i * K + K);
    const c = K === 2 ? 1 : argmax(p);
    positive.push(K === 2 ? r.truth[i] === 1 : r.truth[i] === c);
    scores.push(p[c] as number);
  }
  const bins = calibration(positive, scores);
  const which = K === 2 ? `class ${e(String(r.classes[1]))} against the rest` : 'each class against the rest';
  const chart = (items: typeof roc, title: string, labels: [string, string], diagonal: boolean): string =>
    items.length === 0
      ? '<p class="muted">Needs both kinds of rows among the evaluated ones.</p>'
      : lineChart(
          items.map((i) => ({ name: i.name, colour: i.colour, x: i.curve.x, y: i.curve.y })),
          { title, labels, x: [0, 1], y: [0, 1], diagonal },
        );
  return `<section id="curves">
  <h2>ROC and precision-recall curves</h2>
  <p class="lead">${which}; area under the ROC curve and average precision in the legend.</p>
  <div class="cards">
    <figure class="card" id="roc"><figcaption><b>ROC</b></figcaption>${chart(roc, 'ROC curves', ['false positive rate', 'true positive rate'], true)}${legend(roc, 'AUC')}</figure>
    <figure class="card" id="pr"><figcaption><b>Precision-recall</b></figcaption>${chart(pr, 'precision-recall curves', ['recall', 'precision'], false)}${legend(pr, 'AP')}</figure>
    <figure class="card" id="calibration"><figcaption><b>Calibration</b> <span class="muted">${K === 2 ? `probability of ${e(String(r.classes[1]))}` : "the predicted class's probability"} in ten bins, against how often it was right</span></figcaption>${lineChart(
      [
        {
          name: 'model',
          colour: colourOf(0),
          x: bins.map((b) => b.predicted),
          y: bins.map((b) => b.observed),
          points: true,
        },
      ],
      {
        title: 'calibration curve',
        labels: ['mean predicted probability', 'fraction positive'],
        x: [0, 1],
        y: [0, 1],
        diagonal: true,
      },
    )}<p class="legend">Dashed: perfectly calibrated. ${bins.map((b) => b.count).join(' · ')} rows per bin.</p></figure>
  </div>
</section>`;
}

function regressionPlots(r: TrainReportData): string {
  const n = r.truth.length;
  const step = Math.max(1, Math.ceil(n / MAX_SCATTER));
  const picked = Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step);
  const actual = picked.map((i) => r.truth[i] as number);
  const predicted = picked.map((i) => r.outputs[i] as number);
  const residuals = picked.map((_, k) => (actual[k] as number) - (predicted[k] as number));
  const shown = step > 1 ? ` (every ${step}th of ${n} rows)` : '';
  return `<section id="residuals">
  <h2>Predicted against actual, and the residuals</h2>
  <div class="cards">
    <figure class="card" id="predicted-actual"><figcaption><b>Predicted against actual</b>${shown}</figcaption>${scatterChart(actual, predicted, { title: 'predicted against actual', labels: [`actual ${r.target}`, `predicted ${r.target}`], reference: 'identity' })}</figure>
    <figure class="card" id="residual-plot"><figcaption><b>Residuals</b> (actual − predicted)${shown}</figcaption>${scatterChart(predicted, residuals, { title: 'residuals against predicted', labels: [`predicted ${r.target}`, 'residual'], reference: 'zero' })}</figure>
  </div>
</section>`;
}

function oob(r: TrainReportData): string {
  const name = r.task === 'regression' ? 'out-of-bag R²' : 'out-of-bag accuracy';
  const x = r.oobCurve.map((_, i) => i + 1);
  const known = r.oobCurve.filter((v): v is number => v !== null);
  const last = known[known.length - 1];
  const tenth = r.oobCurve[Math.floor(r.oobCurve.length * 0.8) - 1];
  const verdict =
    last === undefined || tenth === undefined || tenth === null
      ? ''
      : ` From ${Math.floor(r.oobCurve.length * 0.8)} to ${r.oobCurve.length} trees it moved by ${tick(last - tenth)}: ${Math.abs(last - tenth) < 0.005 ? 'more trees would change little.' : 'more trees may still help.'}`;
  return `<section id="oob">
  <h2>Out-of-bag score against the number of trees</h2>
  <p class="lead">The ${name} of the first k trees, on the training rows each did not draw.${verdict}</p>
  <figure class="card" style="display:inline-block">${
    known.length === 0
      ? '<p class="muted">No row was ever out of bag.</p>'
      : lineChart([{ name, colour: colourOf(0), x, y: r.oobCurve }], {
          title: `${name} against trees`,
          labels: ['trees', name],
          x: [0, r.oobCurve.length],
        })
  }</figure>
</section>`;
}

function importance(r: TrainReportData): string {
  const top = (values: number[]): number[] =>
    values
      .map((_, f) => f)
      .sort((a, b) => (values[b] as number) - (values[a] as number))
      .slice(0, TOP_FEATURES);
  const bars = (
    values: number[],
    spread?: number[],
  ): Array<{ label: string; value: number; spread?: number }> =>
    top(values).map((f) => ({
      label: r.features[f] as string,
      value: values[f] as number,
      ...(spread ? { spread: spread[f] as number } : {}),
    }));
  const perm = r.permutation.values;
  const metric = r.task === 'regression' ? 'R²' : 'accuracy';
  const output = r.task === 'regression' ? r.target : "the predicted class's probability";
  return `<section id="importance">
  <h2>Feature importance, three ways</h2>
  <div class="cards narrow">
    <figure class="card" id="importance-shap"><figcaption><b>Mean |SHAP value|</b> <span class="muted">on ${r.shap.rows} evaluated rows: average effect on ${e(output)}</span></figcaption>${barChart(bars(r.shap.meanAbs), 'mean absolute SHAP value', 'mean |SHAP|')}</figure>
    <figure class="card" id="importance-permutation"><figcaption><b>Permutation</b> <span class="muted">drop in ${metric} when a feature is shuffled, ${r.permutation.rows} evaluated rows, ${r.permutation.repeats} shuffles (± spread)</span></figcaption>${barChart(
      bars(
        perm.map((p) => p.mean),
        perm.map((p) => p.std),
      ),
      'permutation importance',
      `drop in ${metric}`,
    )}</figure>
    <figure class="card" id="importance-impurity"><figcaption><b>Impurity decrease</b> <span class="muted">${r.task === 'regression' ? 'squared error' : 'Gini'} decrease of the splits on each feature, over the training rows (scikit-learn's feature_importances_)</span></figcaption>${barChart(bars(r.impurity), 'impurity decrease', 'share of the decrease')}</figure>
  </div>
</section>`;
}

function shapSummary(r: TrainReportData): string {
  const shown = r.features
    .map((_, f) => f)
    .sort((a, b) => (r.shap.meanAbs[b] as number) - (r.shap.meanAbs[a] as number))
    .slice(0, Math.min(10, r.features.length));
  const of = r.task === 'regression' ? `the predicted ${e(r.target)}` : "each row's predicted class";
  return `<section id="shap-summary">
  <h2>SHAP summary</h2>
  <p class="lead">Each dot is one of ${r.shap.rows} evaluated rows: how much the feature moved ${of} away from the model's expected value, coloured by the feature's value.</p>
  <figure class="card" style="display:inline-block">${beeswarm({ features: r.features, shown, rows: r.shap.rows, shap: r.shap.values, values: r.shap.features }, 'SHAP summary')}${beeswarmLegend()}</figure>
</section>`;
}

import { escapeXml } from '../../format/xml';
import type { ColumnDrift, PredictionDrift } from '../dataset-drift';
import type { DriftResult } from '../run-drift';
import { HTML_STYLE } from './html-style';
import { formatPercent, formatScore, thousands } from './format-number';
import { CURRENT_COLOR, REFERENCE_COLOR, distributionChart, sparkline } from './svg';

const e = escapeXml;

/**
 * One self-contained HTML page: no script, no external fetch. Like Evidently's data drift preset it opens
 * with the dataset verdict and counters, then a table per column with reference and current distributions,
 * test, score and verdict; below, a larger chart per column. Only binned shares are embedded, so the page
 * stays small whatever the row count.
 */
export function renderHtmlReport(r: DriftResult): string {
  const rows = r.columns.map(tableRow).join('\n');
  const cards = [...r.columns, ...(r.prediction ? [r.prediction] : [])].map(card).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data drift report — ${e(r.status === 'drift' ? 'drift detected' : r.status === 'no_drift' ? 'no drift' : 'not evaluated')}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
<header>
  <h1>Data drift report</h1>
  <p class="meta">Reference <b>${e(r.reference.source)}</b> (${thousands(r.reference.rows)} rows) · current <b>${e(r.current.source)}</b> (${thousands(r.current.rows)} rows) · ${e(r.evaluated_at)}</p>
</header>
<main>
${banner(r)}
${counters(r)}
<section>
  <h2>Data Drift Summary</h2>
  <p class="lead">${summarySentence(r)}</p>
  <p class="legend"><span class="swatch" style="background:${REFERENCE_COLOR}"></span>reference <span class="swatch" style="background:${CURRENT_COLOR}"></span>current</p>
  <table id="drift-table">
    <thead><tr><th>Column</th><th>Type</th><th>Reference distribution</th><th>Current distribution</th><th>Data drift</th><th>Stat test</th><th>Drift score</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
</section>
${prediction(r.prediction)}
<section>
  <h2>Distributions</h2>
  <div class="cards">
${cards}
  </div>
</section>
</main>
<footer>mlctl drift · tests and thresholds are Evidently's defaults (K-S, chi-square, z-test up to 1000 reference rows; normed Wasserstein, Jensen–Shannon beyond) · ${skippedNote(r)}</footer>
</body>
</html>
`;
}

function banner(r: DriftResult): string {
  if (r.status === 'not_evaluated') {
    return `<div class="banner warn" id="verdict"><b>Dataset drift was NOT evaluated.</b> ${e(r.reason ?? '')}.</div>`;
  }
  const cls = r.dataset_drift ? 'bad' : 'good';
  const word = r.dataset_drift ? 'detected' : 'NOT detected';
  return `<div class="banner ${cls}" id="verdict"><b>Dataset drift is ${word}.</b> Dataset drift detection threshold is ${r.drift_share_threshold}.</div>`;
}

function counters(r: DriftResult): string {
  const items: Array<[string, string]> = [
    ['Columns', String(r.number_of_columns)],
    ['Drifted columns', r.drifted_columns === null ? '—' : String(r.drifted_columns)],
    ['Share of drifted columns', r.drift_share === null ? '—' : r.drift_share.toFixed(3)],
    ['Current rows', thousands(r.current.rows)],
    ['Prediction PSI', r.prediction ? formatScore(r.prediction.psi) : '—'],
  ];
  return `<div class="counters">${items.map(([k, v]) => `<div class="counter"><div class="value">${e(v)}</div><div class="label">${e(k)}</div></div>`).join('')}</div>`;
}

function summarySentence(r: DriftResult): string {
  if (r.drifted_columns === null) return `No drift test was run: ${e(r.reason ?? '')}.`;
  return `Drift is detected for ${formatPercent(r.drift_share)} of columns (${r.drifted_columns} out of ${r.number_of_columns}).`;
}

function verdict(c: ColumnDrift): string {
  if (c.drift_detected === null) return '<span class="badge muted">Not evaluated</span>';
  return c.drift_detected
    ? '<span class="badge bad">Detected</span>'
    : '<span class="badge good">Not Detected</span>';
}

function tableRow(c: ColumnDrift): string {
  const max = Math.max(...c.histogram.reference, ...c.histogram.current, 0);
  return `      <tr><td class="name">${e(c.name)}</td><td>${c.type}</td><td>${sparkline(c.histogram.reference, max, REFERENCE_COLOR, `reference distribution of ${c.name}`)}</td><td>${sparkline(c.histogram.current, max, CURRENT_COLOR, `current distribution of ${c.name}`)}</td><td>${verdict(c)}</td><td>${e(c.stattest_display ?? '—')}</td><td class="num">${e(formatScore(c.score))}</td></tr>`;
}

function prediction(p: PredictionDrift | null): string {
  if (!p) return '';
  const psiDrift = p.psi !== null && p.psi >= p.psi_threshold;
  return `<section>
  <h2>Prediction drift</h2>
  <p>Column <b>${e(p.name)}</b> (${p.type}): ${e(p.stattest_display ?? 'not tested')} ${e(formatScore(p.score))} — ${verdict(p)} · PSI <b>${e(formatScore(p.psi))}</b> ${p.psi === null ? '' : psiDrift ? '<span class="badge bad">≥ 0.1</span>' : '<span class="badge good">&lt; 0.1</span>'}</p>
</section>`;
}

function card(c: ColumnDrift): string {
  const detail = `${c.stattest_display ?? 'not tested'}: ${formatScore(c.score)}${c.threshold === null ? '' : ` (threshold ${c.threshold})`}`;
  const dropped =
    c.reference_dropped + c.current_dropped > 0
      ? ` · dropped (missing/NaN/inf): ${thousands(c.reference_dropped)} reference, ${thousands(c.current_dropped)} current`
      : '';
  return `    <figure class="card"><figcaption><b>${e(c.name)}</b> ${verdict(c)}<br><span class="muted">${e(detail)} · ${thousands(c.reference_rows)} reference / ${thousands(c.current_rows)} current values${e(dropped)}</span></figcaption>${distributionChart(c.histogram, `distributions of ${c.name}`)}</figure>`;
}

function skippedNote(r: DriftResult): string {
  const log = r.current.log;
  if (!log) return 'current data from a CSV file';
  return `log lines read: ${thousands(log.lines)}, prediction events: ${thousands(log.events)}, skipped: ${thousands(log.not_json)} not JSON, ${thousands(log.other_events)} other events, ${thousands(log.malformed)} malformed`;
}

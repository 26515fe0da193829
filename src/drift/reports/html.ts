import { escapeXml } from '../../format/xml';
import type { ColumnDrift, PredictionDrift } from '../dataset-drift';
import type { DriftResult } from '../run-drift';
import { HTML_STYLE } from './html-style';
import { formatPercent, formatScore, thousands } from './format-number';
import { missingText, reportOrder } from './order';
import { CURRENT_COLOR, REFERENCE_COLOR, distributionChart, sparkline } from './svg';

const e = escapeXml;

// Filters table rows and charts by column name. Without JavaScript the box does nothing and every
// column stays visible; the page needs nothing else to be read.
const FILTER_SCRIPT = `(function(){var box=document.getElementById('filter');if(!box)return;box.disabled=false;box.addEventListener('input',function(){var q=box.value.trim().toLowerCase();var shown=0;document.querySelectorAll('[data-column]').forEach(function(el){var hit=q===''||el.getAttribute('data-column').toLowerCase().indexOf(q)>=0;el.hidden=!hit;if(hit&&el.tagName==='TR')shown++;});document.getElementById('filter-count').textContent=q===''?'':shown+' shown';});})();`;

/**
 * One self-contained HTML page (no fetch of any kind). Like Evidently's data drift preset it opens with
 * the dataset verdict and counters, then a table of columns — drifted first, then by how far past the
 * threshold their score is, not-evaluated last — with both distributions, missing shares, test, score and
 * verdict; below, a larger chart per column in the same order. Only binned shares are embedded, so the
 * page stays small whatever the row count.
 */
export function renderHtmlReport(r: DriftResult): string {
  const ordered = reportOrder(r.columns);
  const rows = ordered.map(tableRow).join('\n');
  const cards = [...ordered, ...(r.prediction ? [r.prediction] : [])].map(card).join('\n');
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
  <p class="tools"><label>Filter columns <input type="search" id="filter" placeholder="column name" disabled></label> <span id="filter-count" class="muted"></span><noscript><span class="muted">(filtering needs JavaScript; every column is shown)</span></noscript>
  <span class="legend"><span class="swatch" style="background:${REFERENCE_COLOR}"></span>reference <span class="swatch" style="background:${CURRENT_COLOR}"></span>current</span></p>
  <table id="drift-table">
    <thead><tr><th>Column</th><th>Type</th><th>Reference distribution</th><th>Current distribution</th><th>Missing (ref / cur)</th><th>Data drift</th><th>Stat test</th><th>Drift score</th></tr></thead>
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
<footer>mlctl drift · column types: ${r.column_typing === 'legacy' ? 'legacy rules (the reference decides)' : 'Evidently 0.7 rules (the current data decides)'} · tests and thresholds are Evidently's defaults (K-S, chi-square, z-test up to 1000 reference values; normed Wasserstein, Jensen–Shannon beyond) · ${skippedNote(r)}</footer>
<script>${FILTER_SCRIPT}</script>
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
  ];
  if (r.not_evaluated_columns > 0) items.push(['Not evaluated', String(r.not_evaluated_columns)]);
  items.push(['Current rows', thousands(r.current.rows)]);
  if (r.prediction) items.push(['Prediction PSI', formatScore(r.prediction.psi)]);
  return `<div class="counters">${items.map(([k, v]) => `<div class="counter"><div class="value">${e(v)}</div><div class="label">${e(k)}</div></div>`).join('')}</div>`;
}

function summarySentence(r: DriftResult): string {
  const left = r.not_evaluated_columns
    ? ` ${r.not_evaluated_columns} column${r.not_evaluated_columns === 1 ? ' was' : 's were'} not evaluated (reasons in the table) and ${r.not_evaluated_columns === 1 ? 'is' : 'are'} not counted.`
    : '';
  if (r.drifted_columns === null) return `No drift test was run: ${e(r.reason ?? '')}.`;
  return `Drift is detected for ${formatPercent(r.drift_share)} of columns (${r.drifted_columns} out of ${r.number_of_columns}).${left}`;
}

function verdict(c: ColumnDrift): string {
  if (c.drift_detected === null)
    return `<span class="badge muted" title="${e(c.reason ?? '')}">Not evaluated</span>`;
  return c.drift_detected
    ? '<span class="badge bad">Detected</span>'
    : '<span class="badge good">Not Detected</span>';
}

function tableRow(c: ColumnDrift): string {
  const max = Math.max(...c.histogram.reference, ...c.histogram.current, 0);
  const reason = c.reason ? `<div class="reason">${e(c.reason)}</div>` : '';
  const odd = c.reference_non_numeric + c.current_non_numeric;
  const typos = odd
    ? `<div class="reason">non-numeric: ${thousands(c.reference_non_numeric)} / ${thousands(c.current_non_numeric)}</div>`
    : '';
  return `      <tr data-column="${e(c.name)}"><td class="name"><a href="#col-${e(anchor(c.name))}">${e(c.name)}</a></td><td title="${e(c.type_rule)}">${e(c.type ?? '—')}</td><td>${sparkline(c.histogram.reference, max, REFERENCE_COLOR, `reference distribution of ${c.name}`)}</td><td>${sparkline(c.histogram.current, max, CURRENT_COLOR, `current distribution of ${c.name}`)}</td><td class="num">${e(missingText(c))}${typos}</td><td>${verdict(c)}${reason}</td><td>${e(c.stattest_display ?? '—')}</td><td class="num">${e(formatScore(c.score))}</td></tr>`;
}

function prediction(p: PredictionDrift | null): string {
  if (!p) return '';
  const psiDrift = p.psi !== null && p.psi >= p.psi_threshold;
  const psi =
    p.psi === null
      ? ''
      : ` · PSI <b>${e(formatScore(p.psi))}</b> ${psiDrift ? '<span class="badge bad">≥ 0.1</span>' : '<span class="badge good">&lt; 0.1</span>'}`;
  return `<section>
  <h2>Prediction drift</h2>
  <p>Column <b>${e(p.name)}</b> (${e(p.type ?? '—')}): ${e(p.stattest_display ?? 'not tested')} ${e(formatScore(p.score))} — ${verdict(p)}${psi}${p.reason ? ` <span class="muted">${e(p.reason)}</span>` : ''}</p>
</section>`;
}

function card(c: ColumnDrift): string {
  const detail =
    c.stattest_display === null
      ? 'not evaluated'
      : `${c.stattest_display}: ${formatScore(c.score)} (threshold ${c.threshold})`;
  const facts = [
    `${c.type ?? 'no type'}: ${c.type_rule}`,
    `${thousands(c.reference_rows)} reference / ${thousands(c.current_rows)} current values`,
    `missing ${missingText(c)}`,
  ];
  if (c.reference_non_numeric + c.current_non_numeric) {
    facts.push(
      `non-numeric ${thousands(c.reference_non_numeric)} reference / ${thousands(c.current_non_numeric)} current`,
    );
  }
  const reason = c.reason ? `<br><span class="reason">${e(c.reason)}</span>` : '';
  return `    <figure class="card" id="col-${e(anchor(c.name))}" data-column="${e(c.name)}"><figcaption><b>${e(c.name)}</b> ${verdict(c)}<br><span class="muted">${e(detail)} · ${e(facts.join(' · '))}</span>${reason}</figcaption>${distributionChart(c.histogram, `distributions of ${c.name}`)}</figure>`;
}

function anchor(name: string): string {
  return encodeURIComponent(name).replace(/%/g, '_');
}

function skippedNote(r: DriftResult): string {
  const log = r.current.log;
  if (!log) return 'current data from a CSV file';
  return `log lines read: ${thousands(log.lines)}, prediction events: ${thousands(log.events)}, skipped: ${thousands(log.not_json)} not JSON, ${thousands(log.other_events)} other events, ${thousands(log.malformed)} malformed`;
}

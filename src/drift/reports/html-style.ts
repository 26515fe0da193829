import { REPORT_BASE_STYLE } from '../../format/report-base-style';

/** The report's stylesheet, inlined so the page needs nothing else. */
export const HTML_STYLE = `
${REPORT_BASE_STYLE}table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:middle; }
th { background:#f1f3f5; font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:#495057; }
td.name { font-weight:600; } td.num { font-variant-numeric:tabular-nums; }
svg.spark .bg { fill:#f8f9fa; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; }
.badge.good { background:var(--good); } .badge.bad { background:var(--bad); } .badge.muted { background:#adb5bd; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(580px,1fr)); gap:14px; }
.card { margin:0; background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px; }
svg.chart text { font-size:11px; fill:#495057; }
svg.chart .grid { stroke:#eef0f2; } svg.chart .axis { stroke:#adb5bd; } svg.chart .note { font-style:italic; fill:#868e96; }
.reason { color:var(--muted); font-size:12px; max-width:340px; white-space:normal; }
.tools { display:flex; gap:12px; align-items:center; flex-wrap:wrap; } .tools input { font:inherit; padding:3px 8px; border:1px solid var(--line); border-radius:4px; margin-left:6px; }
tr[hidden], figure[hidden] { display:none; }
td.name a { color:inherit; text-decoration:none; } td.name a:hover { text-decoration:underline; }
footer { color:var(--muted); font-size:12px; padding:12px 32px 24px; }
`;

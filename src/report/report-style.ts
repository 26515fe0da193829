import { REPORT_BASE_STYLE } from '../format/report-base-style';

/**
 * The training report's stylesheet, inlined so the page needs nothing else: the drift report's visual
 * language (src/format/report-base-style.ts, shared with src/drift/reports/html-style.ts) —
 * with what plots of curves, heat maps and beeswarms add.
 */
export const REPORT_STYLE = `
${REPORT_BASE_STYLE}.ramp { display:inline-block; width:90px; height:10px; margin:0 6px; border-radius:2px; vertical-align:middle; }
table { border-collapse:collapse; background:#fff; border:1px solid var(--line); }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:middle; }
th { background:#f1f3f5; font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:#495057; }
td.num { font-variant-numeric:tabular-nums; text-align:right; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(560px,1fr)); gap:14px; }
.cards.narrow { grid-template-columns:repeat(auto-fill,minmax(400px,1fr)); }
.card { margin:0; background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px; }
.card figcaption { margin-bottom:6px; }
svg.chart text { font-size:11px; fill:#495057; }
svg.chart text.label { font-size:12px; fill:#6b7280; }
svg.chart text.cell { font-size:12px; font-weight:600; }
svg.chart .grid { stroke:#eef0f2; } svg.chart .axis { stroke:#adb5bd; }
svg.chart .diagonal { stroke:#adb5bd; stroke-dasharray:4 3; }
footer { color:var(--muted); font-size:12px; padding:12px 32px 24px; }
`;

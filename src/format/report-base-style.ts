/**
 * What the HTML reports (drift's and the training report) share: the palette, page header, banner,
 * counters, legend and swatches. Each report inlines it before its own rules, so the pages look alike and
 * need nothing else.
 */
export const REPORT_BASE_STYLE = `:root { color-scheme: light; --fg:#1f2933; --muted:#6b7280; --line:#e5e7eb; --bg:#f7f8fa; --good:#2f9e44; --bad:#d9480f; --warn:#b7791f; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; color:var(--fg); background:var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); padding:18px 32px 12px; }
h1 { margin:0 0 4px; font-size:22px; }
h2 { font-size:17px; margin:28px 0 8px; }
.meta, .muted { color:var(--muted); }
main { padding:8px 32px 32px; max-width:1280px; }
.banner { margin:18px 0 8px; padding:12px 16px; border-radius:6px; border-left:6px solid; background:#fff; font-size:15px; }
.banner.good { border-color:var(--good); } .banner.bad { border-color:var(--bad); } .banner.warn { border-color:var(--warn); }
.counters { display:flex; gap:12px; flex-wrap:wrap; }
.counter { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px 18px; min-width:150px; }
.counter .value { font-size:24px; font-weight:600; }
.counter .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
.lead { font-size:15px; }
.legend { color:var(--muted); font-size:12px; }
.swatch { display:inline-block; width:10px; height:10px; margin:0 4px 0 10px; border-radius:2px; }
`;

/**
 * Metric names used by a PromQL expression (or a Grafana/canary-policy query holding template variables).
 * Not a full PromQL parser: it removes what can never be a metric name — string literals, label matchers,
 * range and subquery durations, label lists of by/without/on/ignoring/group_*, `{{var}}` and `$var`
 * templates, numbers — and keeps the identifiers that are not followed by `(` (functions, aggregations)
 * and are not keywords.
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'atmodifier',
  'start',
  'end',
  'inf',
  'nan',
]);

export function promqlMetricNames(expr: string): string[] {
  let s = expr
    .replace(/\{\{[^}]*\}\}/g, 'x') // canary-policy templates: {{track}}, {{window}}
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '1'); // Grafana variables: $track, $__rate_interval
  s = s.replace(/\{[^}]*\}/g, ' '); // label matchers
  s = s.replace(/\[[^\]]*\]/g, ' '); // [5m], [1h:1m]
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = new Set<string>();
  const identifier = /(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:])(\s*\()?/g;
  for (const m of s.matchAll(identifier)) {
    const [, name, call] = m;
    if (call || KEYWORDS.has(name!.toLowerCase())) continue;
    names.add(name!);
  }
  return [...names].sort();
}

/** The metric of a Grafana `label_values(metric, label)` variable query, when it names one. */
export function grafanaVariableMetric(query: string): string | undefined {
  const m = /^\s*label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{[^}]*\})?\s*,/.exec(query);
  return m?.[1];
}

/** Metric names with their sample names: a histogram `h` also exports h_bucket, h_sum and h_count. */
export function exportedSampleNames(exposition: string): Map<string, string> {
  const names = new Map<string, string>(); // sample name → type of its family
  for (const line of exposition.split(/\r?\n/)) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const [, name, type] = m as unknown as [string, string, string];
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.set(name + suffix, type);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.set(name + suffix, type);
    else names.set(name, type);
  }
  return names;
}

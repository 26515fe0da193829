import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createCliContext } from '../../src/cli/context';
import { createProgram } from '../../src/cli/main';
import { REPO_ROOT } from '../helpers/cli';

// The set-up guide, runbooks and policies may name only commands, alerts, metrics, workflows and
// dashboards that exist: a runbook that sends you to a missing command at 3 a.m. is worse than none.
const DOCS = [
  'docs/SET-UP.md',
  ...readdirSync(join(REPO_ROOT, 'docs', 'runbooks')).map((f) => `docs/runbooks/${f}`),
  ...readdirSync(join(REPO_ROOT, 'docs', 'policies')).map((f) => `docs/policies/${f}`),
];
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

const program = createProgram(
  createCliContext({ stdout: process.stdout, stderr: process.stderr, env: {}, cwd: REPO_ROOT }),
);
const subcommands = new Map(
  program.commands.map((c) => [c.name(), new Set(c.commands.map((s) => s.name()))]),
);

const rules = parse(read('infra/prometheus/rules/mlctl.rules.yml')) as {
  groups: Array<{ rules: Array<{ alert?: string; record?: string }> }>;
};
const alerts = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))));
const records = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
const metrics = new Set(
  ['src/telemetry/serve-metrics.ts', 'src/drift/metrics.ts'].flatMap((f) =>
    [...read(f).matchAll(/name: '(ml_\w+)'/g)].map((m) => m[1]!),
  ),
);
const dashboards = new Set(
  readdirSync(join(REPO_ROOT, 'infra', 'grafana', 'dashboards')).map(
    (f) => (JSON.parse(read(`infra/grafana/dashboards/${f}`)) as { title: string }).title,
  ),
);

/** Inline code and code blocks: where commands are written. */
const code = (text: string) => [...text.matchAll(/```[\s\S]*?```|`[^`\n]+`/g)].map((m) => m[0]);

describe.each(DOCS)('%s', (doc) => {
  const text = read(doc);

  it('names only mlctl commands that exist', () => {
    const used = code(text)
      .flatMap((c) => c.split('\n'))
      .filter((line) => !/\bhelm |kubectl |deploy\/mlctl/.test(line))
      .flatMap((line) => [...line.matchAll(/(?:^|[\s`(])mlctl ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)]);
    for (const [, command, sub] of used) {
      const known = subcommands.get(command!);
      expect([command, known !== undefined]).toEqual([command, true]);
      if (known && known.size > 0 && sub && !sub.startsWith('-'))
        expect([`${command} ${sub}`, known.has(sub)]).toEqual([`${command} ${sub}`, true]);
    }
  });

  it('names only alerts of the rules, metrics mlctl exports and recording rules that exist', () => {
    for (const [name] of text.matchAll(
      /\b(?!MlctlError\b)(?:Mlctl[A-Z]\w+|DataDriftDetected|HighPredictionPSI|DriftMonitor\w+)\b/g,
    ))
      expect([name, alerts.has(name)]).toEqual([name, true]);
    for (const [name] of text.matchAll(/(?<![:\w])ml_[a-z_]+[a-z]\b(?!:)/g))
      expect([name, metrics.has(name.replace(/_(bucket|sum|count)$/, ''))]).toEqual([name, true]);
    for (const [name] of text.matchAll(/\btrack:ml_\w+:\w+/g))
      expect([name, records.has(name)]).toEqual([name, true]);
  });

  it('names only workflows, dashboards and repository files that exist', () => {
    for (const [, file] of text.matchAll(/(?<![\w./-])([a-z-]+\.yml)\b/g)) {
      if (file === 'alertmanager.yml') continue;
      expect([file, existsSync(join(REPO_ROOT, '.github', 'workflows', file!))]).toEqual([file, true]);
    }
    for (const [, title] of text.matchAll(/\*(mlctl \/ [^*]+)\*/g))
      expect([title, dashboards.has(title!)]).toEqual([title, true]);
    for (const [, path] of text.matchAll(/`((?:infra|scripts|docs|bin|data|templates)\/[\w./-]+)`/g)) {
      expect([path, existsSync(join(REPO_ROOT, path!.replace(/\/\*.*$/, '')))]).toEqual([path, true]);
    }
  });
});

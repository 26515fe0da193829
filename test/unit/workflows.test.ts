import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';
import { createProgram } from '../../src/cli/main';
import { createCliContext } from '../../src/cli/context';

// Properties of the workflows (mlctl's own and the templates `mlctl init` writes) that actionlint does not
// check: pinned actions, least privilege, mlctl used for the work, and the canary gate's exit code handled.
interface Step {
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const DIRS = {
  repo: join(REPO_ROOT, '.github', 'workflows'),
  template: join(REPO_ROOT, 'templates', 'service', '_github', 'workflows'),
};
const workflows = Object.entries(DIRS).flatMap(([kind, dir]) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((file) => ({ kind, file, text: readFileSync(join(dir, file), 'utf8') })),
);
const load = (text: string) => parse(text) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);

const registered = new Set(
  createProgram(
    createCliContext({ stdout: process.stdout, stderr: process.stderr, env: {}, cwd: REPO_ROOT }),
  ).commands.map((c) => c.name()),
);

describe('workflows', () => {
  it('are all there, in the repository and in the init templates', () => {
    const names = [
      'ci.yml',
      'data-validation.yml',
      'model-training.yml',
      'deploy-canary-and-promote.yml',
      'rollback.yml',
    ];
    for (const kind of Object.keys(DIRS))
      expect(
        workflows
          .filter((w) => w.kind === kind)
          .map((w) => w.file)
          .sort(),
      ).toEqual([...names].sort());
  });

  it.each(workflows.map((w) => [`${w.kind} ${w.file}`, w.text]))(
    '%s: actions pinned to a full commit SHA',
    (_, text) => {
      for (const step of steps(load(text)).filter((s) => s.uses))
        expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      for (const line of text.split('\n').filter((l) => /uses: /.test(l)))
        expect(line).toMatch(/ # v\d+(\.\d+)*$/);
    },
  );

  it.each(workflows.map((w) => [`${w.kind} ${w.file}`, w.text]))(
    '%s: read-only token by default, writes granted per job and only where needed',
    (name, text) => {
      const wf = load(text);
      expect(wf.permissions).toEqual({ contents: 'read' });
      const writes = Object.entries(wf.jobs).flatMap(([job, j]) =>
        Object.entries(j.permissions ?? {})
          .filter(([, level]) => level === 'write')
          .map(([scope]) => `${job}:${scope}`),
      );
      const allowed: Record<string, string[]> = {
        'deploy-canary-and-promote.yml': ['image:packages'],
        'model-training.yml': ['deploy:actions'],
      };
      const file = name.split(' ')[1]!;
      for (const w of writes) expect(allowed[file] ?? []).toContain(w);
      expect(text).not.toMatch(/permissions: write-all|pull_request_target/);
    },
  );

  it.each(workflows.map((w) => [`${w.kind} ${w.file}`, w.text]))(
    '%s: the work is done by mlctl commands that exist',
    (_, text) => {
      const used = [...text.matchAll(/npx mlctl (\w+)/g)].map((m) => m[1]!);
      expect(used.length).toBeGreaterThan(0);
      for (const command of used) expect([command, registered.has(command)]).toEqual([command, true]);
    },
  );

  it.each(workflows.filter((w) => w.file === 'deploy-canary-and-promote.yml').map((w) => [w.kind, w.text]))(
    '%s deploy: the gate exit code is captured, never lost to set -e, and every outcome but promoted removes the canary',
    (_, text) => {
      const all = steps(load(text));
      const gate = all.find((s) => s.id === 'gate')!;
      expect(gate.run).toMatch(/set \+e\n\s*npx mlctl canary promote [^\n]*\n\s*code=\$\?\n\s*set -e/);
      expect(gate.run).toContain('echo "exit_code=$code" >> "$GITHUB_OUTPUT"');
      expect(gate.run).toMatch(/\b3\) /);
      const rollback = all.find((s) => /Roll back/.test(String((s as { name?: string }).name)))!;
      expect(rollback.if).toMatch(/^always\(\) && .*steps\.gate\.outputs\.exit_code != '0'/);
      expect(rollback.run).toContain('--set canary.enabled=false');
      const finish = all.find((s) => /Finish the rollout/.test(String((s as { name?: string }).name)))!;
      expect(finish.if).toMatch(/steps\.gate\.outputs\.exit_code == '0'/);
      // The run fails unless promoted, after the rollback ran.
      const result = all[all.length - 1]!;
      expect(result.if).toMatch(/^always\(\)/);
      expect(result.run).toMatch(/if \[ "\$CODE" = 0 \]; then exit 0; fi[\s\S]*exit 1/);
    },
  );

  it('the templates follow the repository workflows where they do the same job', () => {
    const text = (kind: string, file: string) =>
      workflows.find((w) => w.kind === kind && w.file === file)!.text;
    expect(text('template', 'data-validation.yml')).toBe(text('repo', 'data-validation.yml'));
    expect(text('template', 'model-training.yml')).toBe(
      text('repo', 'model-training.yml')
        .replace(/\biris\)/, '__MODEL_NAME__)')
        .replace("|| 'iris'", "|| '__MODEL_NAME__'"),
    );
  });
});

import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/main';
import { createCliContext } from '../../src/cli/context';
import { SETTINGS_GROUPS } from '../../src/config/catalog';
import { kebab } from '../../src/config/settings';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { eventually, startServeProcess } from '../helpers/serve-process';
import { useTmpDir } from '../helpers/tmp';

// The flags as a user meets them in --help: every switch that is on by default can be turned off, value
// placeholders say what the value is, required flags say so, and every command shows examples and its
// exit codes.
const tmp = useTmpDir('mlctl-flags-');
const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');

function allCommands(): Array<{ path: string; command: Command; help: string }> {
  let out = '';
  const stdout = new PassThrough();
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const program = createProgram(createCliContext({ stdout, stderr: stdout, env: {}, cwd: process.cwd() }));
  const found: Array<{ path: string; command: Command; help: string }> = [];
  const visit = (command: Command, path: string): void => {
    out = '';
    command.outputHelp();
    found.push({ path, command, help: out });
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`);
  };
  for (const command of program.commands) visit(command, `mlctl ${command.name()}`);
  return found;
}

describe('flags', () => {
  const commands = allCommands();

  it('every switch that defaults to true has its --no- form', () => {
    const onByDefault = SETTINGS_GROUPS.flatMap((g) =>
      Object.entries(g.settings)
        .filter(([, s]) => s.field.arity === 'switch' && s.default === true && s.flag !== false)
        .map(([key]) => kebab(key)),
    );
    expect(onByDefault).toContain('prediction-log-stdout');
    for (const name of onByDefault) {
      const using = commands.filter((c) => c.command.options.some((o) => o.long === `--${name}`));
      expect(using.length).toBeGreaterThan(0);
      for (const c of using)
        expect([c.path, c.help]).toEqual([c.path, expect.stringContaining(`--no-${name}`)]);
    }
  });

  it('serve --no-prediction-log-stdout keeps predictions off stdout', async () => {
    const model = tmp.path('model');
    const trained = await spawnCli(['train', '--data', IRIS, '--output', model, '--n-estimators', '5']);
    expect(trained.code).toBe(0);
    const s = await startServeProcess(['--model', model, '--no-prediction-log-stdout']);
    try {
      await eventually(async () => (await fetch(`${s.url}/readyz`)).status === 200);
      const res = await fetch(`${s.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2]] }),
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(s.stdout()).not.toMatch(/"event":"prediction"/);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it.each([
    [['drift', 'serve', '--fail-on-drift'], '--fail-on-drift'],
    [['drift', 'serve', '--format', 'json'], '--format'],
    [['drift', 'serve', '--report', 'r.html'], '--report'],
    [['drift', '--fail-on-drift', 'serve'], '--fail-on-drift'],
    [['drift', 'serve', '--json'], '--json'],
  ])('drift serve rejects %j, which only mlctl drift uses: exit 2', async (argv, flag) => {
    const r = await spawnCli([...argv, '--reference', 'ref.csv', '--current', 'cur.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^mlctl: error: mlctl drift serve does not take .*${flag}`, 'm'));
  });

  it('value placeholders name the value; required flags are marked', () => {
    for (const { path, help } of commands) {
      expect([path, help.match(/--[\w-]+ <values?(\.\.\.)?>/g)]).toEqual([path, null]);
    }
    const flag = (path: string, name: string) =>
      commands
        .find((c) => c.path === path)
        ?.help.split('\n')
        .find((l) => l.trimStart().startsWith(name));
    expect(flag('mlctl train', '--data')).toMatch(/^\s+--data <csv>\s+\(required\) /);
    expect(flag('mlctl train', '--output')).toMatch(/^\s+--output <dir>\s+[A-Z]/);
    expect(flag('mlctl register', '--model-dir')).toMatch(/--model-dir <dir>\s+\(required\)/);
    expect(flag('mlctl register', '--name')).toMatch(/--name <name>\s+\(required\)/);
    expect(flag('mlctl predict', '--model')).toMatch(/--model <dir\|json>\s+\(required\)/);
    expect(flag('mlctl serve', '--model')).toMatch(/--model <dir\|uri>/);
    expect(flag('mlctl serve', '--tracking-uri')).toMatch(/--tracking-uri <uri>/);
    expect(flag('mlctl canary promote', '--policy')).toMatch(/--policy <file>\s+\(required\)/);
    expect(flag('mlctl canary rollback', '--name')).toMatch(/--name <model>\s+\(required\)/);
    expect(flag('mlctl drift', '--format')).toMatch(/--format <text\|json\|html\|junit\|prometheus>/);
  });

  it('every command and subcommand shows examples and its exit codes', () => {
    expect(commands.length).toBeGreaterThan(15);
    for (const { path, help } of commands) {
      expect([path, /\nExamples?:\n/.test(help), /\nExit codes: \d/.test(help)]).toEqual([path, true, true]);
    }
  });
});

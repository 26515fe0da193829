import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main';
import { useColor } from '../../src/cli/context';
import { spawnCli } from '../helpers/cli';
import { expectJsonOutput } from '../helpers/json-output';

// What a person at a terminal sees: the result on stdout, and on stderr only what needs attention —
// no block of INFO lines before every result — in colour unless NO_COLOR says otherwise.
const VALIDATE = ['validate', 'data/processed/iris.csv', '--schema', 'data/processed/iris.schema.json'];
// eslint-disable-next-line no-control-regex -- an ANSI colour sequence starts with ESC
const ANSI = /\u001b\[\d+(;\d+)*m/;

/** Runs mlctl in-process with stdout and stderr that say they are terminals. */
async function onTerminal(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = Object.assign(new PassThrough(), { isTTY: true });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await run(argv, { stdout, stderr, env, cwd: process.cwd() });
  return { code, stdout: out, stderr: err };
}

describe('on a terminal', () => {
  it('prints the result and no log lines by default', async () => {
    const r = await onTerminal(VALIDATE);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ data\/processed\/iris\.csv: 150 rows/);
    expect(r.stderr).toBe('');
  });

  it('LOG_LEVEL=info brings the log back, one line per event, coloured', async () => {
    const r = await onTerminal(VALIDATE, { LOG_LEVEL: 'info' });
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*validated.*rows.*150/);
    expect(r.stderr).toMatch(ANSI);
  });

  it('honours NO_COLOR, and FORCE_COLOR over it', async () => {
    expect((await onTerminal(VALIDATE, { LOG_LEVEL: 'info', NO_COLOR: '1' })).stderr).not.toMatch(ANSI);
    const forced = await onTerminal(VALIDATE, { LOG_LEVEL: 'info', NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(forced.stderr).toMatch(ANSI);
    expect((await onTerminal(VALIDATE, { LOG_LEVEL: 'info', FORCE_COLOR: '0' })).stderr).not.toMatch(ANSI);
  });

  it('decides colour as Node does: FORCE_COLOR, then NO_COLOR, then whether it is a terminal', () => {
    expect([useColor({}, true), useColor({}, false)]).toEqual([true, false]);
    expect([useColor({ NO_COLOR: '1' }, true), useColor({ NO_COLOR: '' }, true)]).toEqual([false, true]);
    expect([useColor({ FORCE_COLOR: '1' }, false), useColor({ FORCE_COLOR: '' }, false)]).toEqual([
      true,
      true,
    ]);
    expect([
      useColor({ FORCE_COLOR: 'false' }, true),
      useColor({ FORCE_COLOR: '0', NO_COLOR: '' }, true),
    ]).toEqual([false, false]);
  });
});

describe('errors', () => {
  it('commander’s errors have mlctl’s one prefix and a hint naming the command’s help', async () => {
    const r = await spawnCli(['models', 'list', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "mlctl: error: unknown option '--bogus'\nhint: run `mlctl models list --help` for usage\n",
    );
    const unknown = await spawnCli(['valdate']);
    expect(unknown.stderr).toMatch(/^mlctl: error: unknown command 'valdate'\n\(Did you mean validate\?\)\n/);
  });

  it('with --json they are also an error document on stdout', async () => {
    const r = await spawnCli(['serve', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(doc.error).toMatchObject({ code: 'USAGE', message: "unknown option '--json'" });
    expectJsonOutput('error', doc);
  });
});

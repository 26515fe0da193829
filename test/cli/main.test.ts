import { spawnSync } from 'node:child_process';
import { MLCTL_BIN, spawnCli } from '../helpers/cli';
import { runCli } from '../helpers/cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

describe('mlctl (built CLI)', () => {
  it('prints help listing only working commands: exit 0', async () => {
    const r = await spawnCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: mlctl');
    expect(r.stdout).toContain('validate');
  });

  it('a reader that closes the pipe first (`mlctl --help | true`) gets no stack trace', async () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${MLCTL_BIN}" canary promote --help | true`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.stderr).toBe('');
  });

  it('prints its version: exit 0', async () => {
    const r = await spawnCli(['--version']);
    expect([r.code, r.stdout.trim()]).toEqual([0, `mlctl ${version} (node ${process.version})`]);
  });

  it('prints a command help: exit 0', async () => {
    const r = await spawnCli(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--schema <file>');
    expect(r.stdout).toContain('Exit codes:');
  });

  it('rejects an unknown command: exit 2', async () => {
    const r = await spawnCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('rejects a missing --config file: exit 2', async () => {
    const r = await spawnCli(['--config', 'nope.yaml', 'validate', 'data/processed/iris.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read configuration file nope.yaml');
  });

  it('prints an error as JSON on stdout with --json', async () => {
    const r = await spawnCli(['validate', 'nope.csv', '--schema', 'x.json', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: expect.objectContaining({ code: 'INPUT_NOT_FOUND', message: 'data file not found: nope.csv' }),
    });
  });
});

describe('logging', () => {
  it('writes JSON logs to stderr, never to stdout', async () => {
    const r = await runCli(
      ['validate', 'data/processed/iris.csv', '--schema', 'data/processed/iris.schema.json', '--json'],
      { env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true });
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'validated', rows: 150 }));
  });

  it('writes text logs when LOG_FORMAT=text', async () => {
    const r = await runCli(
      ['validate', 'data/processed/iris.csv', '--schema', 'data/processed/iris.schema.json'],
      {
        env: { LOG_LEVEL: 'info', LOG_FORMAT: 'text' },
      },
    );
    expect(r.stderr).toMatch(/INFO.*validated/);
  });

  it('rejects an unknown LOG_LEVEL: exit 2', async () => {
    const r = await runCli(
      ['validate', 'data/processed/iris.csv', '--schema', 'data/processed/iris.schema.json'],
      {
        env: { LOG_LEVEL: 'loud' },
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });
});

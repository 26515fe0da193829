import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MLCTL_BIN } from '../helpers/cli';
import { tempDir } from '../helpers/data';

const run = promisify(execFile);

/** The node flags of every process `bin/mlctl <args>` ran as (one line each; two when it re-executed). */
async function processes(args: string[]): Promise<string[][]> {
  const probe = join(tempDir('mlctl-bin-'), 'probe.js');
  writeFileSync(probe, "process.stderr.write('execArgv=' + JSON.stringify(process.execArgv) + '\\n');\n");
  const { stderr } = await run(process.execPath, [MLCTL_BIN, ...args], {
    env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${probe}` },
  }).catch((err: { stderr: string }) => err);
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('execArgv='))
    .map((l) => JSON.parse(l.slice('execArgv='.length)) as string[]);
}

const SEMI_SPACE = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

describe('bin/mlctl', () => {
  it('gives `mlctl serve` a fixed young generation, by replacing itself once', async () => {
    const runs = await processes(['serve', '--help']);
    expect(runs).toEqual([[], expect.arrayContaining(SEMI_SPACE)]);
    expect(await processes(['--config', 'x.yaml', 'serve', '--help'])).toHaveLength(2);
  });

  it('decides on the command, not on any word: `register --name serve` runs as it is', async () => {
    for (const args of [
      ['register', '--name', 'serve', '--help'],
      ['models', 'show', 'serve', '--help'],
      ['--config', 'serve', 'validate', '--help'],
    ]) {
      expect([args.join(' '), await processes(args)]).toEqual([args.join(' '), [[]]]);
    }
  });
});

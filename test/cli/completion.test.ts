import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { delimiter } from 'node:path';
import { describeIfAvailable } from '../helpers/requirement';
import { runCli } from '../helpers/cli';
import { useTmpDir } from '../helpers/tmp';

// `mlctl completion <shell>` scripts, run in the real shells: each is asked what completes a line, as
// the shell would on Tab. zsh and fish come from Debian (.ci/run installs them); PowerShell cannot run
// here, so its script is checked for the same table and the parts the completer relies on.
const tmp = useTmpDir('mlctl-completion-');

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  return tmp.write(`mlctl.${shell}`, r.stdout);
}

const has = (shell: string): string | undefined =>
  spawnSync(shell, ['-c', 'exit 0']).status === 0
    ? undefined
    : `${shell} is not installed (apt-get install ${shell})`;

/** Lines to complete and what each must offer (a subset: fish and zsh sort and filter themselves). */
const CASES: Array<[string, string[]]> = [
  ['mlctl ', ['validate', 'train', 'models', 'drift', 'completion', 'help']],
  ['mlctl models ', ['list', 'show', 'alias', 'stage', 'download']],
  ['mlctl train --da', ['--data']],
  ['mlctl --config x.yaml dr', ['drift']],
  ['mlctl drift --reference ref.csv serve --po', ['--port']],
  ['mlctl completion ', ['bash', 'zsh', 'fish', 'powershell']],
];

describe('mlctl completion', () => {
  it('bash: subcommands, flags, and files for a flag’s value', async () => {
    const file = await script('bash');
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const program = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _mlctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter((w) => w !== '');
    };
    for (const [line, expected] of CASES)
      expect([line, complete(line)]).toEqual([line, expect.arrayContaining(expected)]);
    expect(complete('mlctl train --data ')).toEqual([]); // left to -o default: file names
    expect(complete('mlctl models li')).toEqual(['list']);
  });

  describeIfAvailable('zsh', has('zsh'), 'MLCTL_REQUIRE_SHELLS', () => {
    it('offers the same words through compadd, and _files for values', async () => {
      const file = await script('zsh');
      const complete = (line: string): string => {
        const words = line.split(' ').map((w) => `'${w}'`);
        const program = `compadd() { shift; print -r -- "$*" }; _files() { print FILES }; compdef() {}; source '${file}'; words=(${words.join(' ')}); CURRENT=${words.length}; PREFIX=\${words[CURRENT]}; _mlctl`;
        const r = spawnSync('zsh', ['-f', '-c', program], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return r.stdout.trim();
      };
      for (const [line, expected] of CASES)
        for (const word of expected)
          expect([line, complete(line).split(' ')]).toEqual([line, expect.arrayContaining([word])]);
      expect(complete('mlctl train --data ')).toBe('FILES');
    });
  });

  describeIfAvailable('fish', has('fish'), 'MLCTL_REQUIRE_SHELLS', () => {
    it('answers `complete -C` as fish does on Tab', async () => {
      const file = await script('fish');
      // fish completes only commands it can find: a stand-in mlctl on PATH.
      const bin = tmp.write('bin/mlctl', '#!/bin/sh\n');
      chmodSync(bin, 0o755);
      const complete = (line: string): string[] => {
        const r = spawnSync('fish', ['--no-config', '-c', `source '${file}'; complete -C'${line}'`], {
          encoding: 'utf8',
          env: { ...process.env, PATH: `${tmp.path('bin')}${delimiter}${process.env.PATH}` },
        });
        expect(r.stderr).toBe('');
        return r.stdout
          .split('\n')
          .map((l) => l.split('\t')[0] as string)
          .filter((w) => w !== '');
      };
      for (const [line, expected] of CASES)
        expect([line, complete(line)]).toEqual([line, expect.arrayContaining(expected)]);
    });
  });

  it('powershell: a native argument completer with the same table', async () => {
    const text = (await runCli(['completion', 'powershell'])).stdout;
    expect(text).toMatch(
      /^Register-ArgumentCompleter -Native -CommandName mlctl, mlctl\.ps1, mlctl\.cmd -ScriptBlock \{$/m,
    );
    expect(text).toContain("'mlctl models' = @('list', 'show', 'alias', 'stage', 'download')");
    expect(text).toContain("'mlctl train --data'");
    expect(text).toContain('[System.Management.Automation.CompletionResult]::new(');
    for (const [open, close] of [
      ['{', '}'],
      ['(', ')'],
    ] as const)
      expect(text.split(open).length).toBe(text.split(close).length);
  });

  it('refuses a shell it does not know: exit 2', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^mlctl: error: command-argument value 'tcsh' is invalid.*bash, zsh, fish, powershell/,
    );
  });
});

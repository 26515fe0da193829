import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { REPO_ROOT } from '../helpers/cli';

// PowerShell and cmd.exe cannot run here (ci.yml runs the wrappers on windows-latest). These tests check
// what can be checked without them: line endings, the version rule, the entry paths, exit codes, and the
// PowerShell traps the seed fell into.
const read = (...p: string[]) => readFileSync(join(REPO_ROOT, ...p), 'utf8');
const PS1 = read('bin', 'mlctl.ps1');
const CMD = read('bin', 'mlctl.cmd');
const SETUP = read('scripts', 'windows', 'setup.ps1');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

/** Code without comments and string literals, to count brackets in. */
function powershellCode(text: string): string {
  return text
    .replace(/<#[\s\S]*?#>/g, '')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"`]|`.)*"/g, '""')
    .replace(/#.*$/gm, '');
}

describe('Windows wrappers', () => {
  it('use CRLF line endings, as cmd.exe and Windows PowerShell expect', () => {
    for (const text of [PS1, CMD, SETUP]) {
      expect(text).toContain('\r\n');
      expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    }
  });

  it('require the Node version of package.json engines', () => {
    expect(engines).toBe('>=22.12');
    expect(PS1).toMatch(/\$major -lt 22 -or \(\$major -eq 22 -and \$minor -lt 12\)/);
    const check = /-e "([^"]+)"/.exec(CMD)![1]!;
    const exitFor = (version: string): number => {
      let code = -1;
      runInNewContext(check, { process: { versions: { node: version }, exit: (c: number) => (code = c) } });
      return code;
    };
    expect([exitFor('22.11.9'), exitFor('20.18.0'), exitFor('22.12.0'), exitFor('24.1.0')]).toEqual([
      1, 1, 0, 0,
    ]);
  });

  it('run on the Node.js npm ci installed for the project (the pinned node devDependency) before PATH’s', () => {
    const pkg = JSON.parse(read('package.json')) as {
      devDependencies: Record<string, string>;
      devEngines: { runtime: { version: string } };
    };
    expect(pkg.devDependencies.node).toMatch(/^\d+\.\d+\.\d+$/);
    const ownPs1 = PS1.indexOf("'node_modules', 'node', 'bin', $exe");
    expect(ownPs1).toBeGreaterThan(0);
    expect(ownPs1).toBeLessThan(PS1.indexOf('Get-Command -Name node'));
    expect(PS1).toContain("if ($env:OS -eq 'Windows_NT') { 'node.exe' } else { 'node' }");
    const ownCmd = CMD.indexOf('if exist "%~dp0..\\node_modules\\node\\bin\\node.exe" set "MLCTL_NODE_EXE=');
    expect(ownCmd).toBeGreaterThan(0);
    expect(ownCmd).toBeLessThan(CMD.indexOf('%%~$PATH:N'));
    // setup.ps1 only needs a Node that runs npm (devEngines); npm ci brings the one mlctl runs on.
    expect(pkg.devEngines.runtime.version).toBe('>=20.17');
    expect(SETUP).toMatch(/-lt 20 -or .*-eq 20 -and .*-lt 17/);
  });

  it('run bin/mlctl here, or node_modules/mlctl/bin/mlctl in a repository made by mlctl init', () => {
    expect(existsSync(join(REPO_ROOT, 'bin', 'mlctl'))).toBe(true);
    expect(PS1).toContain("Join-Path $PSScriptRoot 'mlctl'");
    expect(PS1).toContain("'node_modules', 'mlctl', 'bin', 'mlctl'");
    expect(CMD).toContain('set "MLCTL_ENTRY=%~dp0mlctl"');
    expect(CMD).toContain('%~dp0..\\node_modules\\mlctl\\bin\\mlctl');
  });

  it('pass the arguments through and exit with mlctl’s exit code', () => {
    expect(PS1).toMatch(/& \$node \$entry @args\r\nexit \$LASTEXITCODE/);
    expect(CMD).toMatch(/"%MLCTL_NODE_EXE%" "%MLCTL_ENTRY%" %\*\r\nexit \/b %ERRORLEVEL%/);
    // `param()` would take $args away from the wrapper.
    expect(powershellCode(PS1)).not.toMatch(/\bparam\s*\(/i);
  });

  it('cmd: every goto has its label, and the script ends before falling into one', () => {
    const labels = new Set([...CMD.matchAll(/^:(\w+)/gm)].map((m) => m[1]));
    const gotos = [...CMD.matchAll(/\bgoto (\w+)/g)].map((m) => m[1]);
    expect(gotos.length).toBeGreaterThan(0);
    for (const g of gotos) expect(labels.has(g)).toBe(true);
    const beforeFirstLabel = CMD.slice(0, CMD.search(/^:\w+/m));
    expect(beforeFirstLabel.trimEnd()).toMatch(/exit \/b %ERRORLEVEL%$/);
  });

  it.each([
    ['bin/mlctl.ps1', PS1],
    ['scripts/windows/setup.ps1', SETUP],
  ])(
    '%s: brackets balance and no "$name:" inside strings (a drive-qualified variable: the seed’s parse error)',
    (_, text) => {
      const code = powershellCode(text);
      for (const [open, close] of [
        ['{', '}'],
        ['(', ')'],
        ['[', ']'],
      ] as const)
        expect(code.split(open).length).toBe(code.split(close).length);
      for (const m of text.matchAll(/"(?:[^"`]|`.)*"/g)) expect(m[0]).not.toMatch(/\$[A-Za-z_]\w*:(?!:)/);
    },
  );

  it('setup.ps1 checks Node, runs npm ci, and smoke-tests files that exist through the wrapper', () => {
    expect(SETUP).toMatch(/& \$npm\.Source ci\b/);
    expect(SETUP).toMatch(/\$LASTEXITCODE -ne 3/);
    for (const path of ['bin\\mlctl.ps1', 'data\\processed\\iris.csv', 'data\\examples\\broken-iris.csv'])
      expect([path, existsSync(join(REPO_ROOT, ...path.split('\\')))]).toEqual([path, true]);
  });
});

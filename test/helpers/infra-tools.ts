import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * The real tools the `infra` project checks with (promtool, amtool, actionlint). A missing tool skips its
 * tests — unless MLCTL_REQUIRE_INFRA_TOOLS=1 (CI), where it fails them: a skip must not hide a missing tool.
 */
export const INFRA_TOOLS_REQUIRED = process.env.MLCTL_REQUIRE_INFRA_TOOLS === '1';

const CACHE = process.env.MLCTL_CACHE ?? join(homedir(), '.cache', 'mlctl');
/** Where scripts/ci/infra-tools-ops.sh installs what Debian does not ship. */
const EXTRA_DIRS = [join(CACHE, 'bin'), join(CACHE, 'venv', 'bin')];

/** Absolute path of a tool on PATH or in the mlctl cache, or undefined. `MLCTL_<TOOL>` overrides. */
export function findTool(name: string): string | undefined {
  const override = process.env[`MLCTL_${name.toUpperCase()}`];
  if (override) return override;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** `describe` when the tool is there, `describe.skip` when not — or a failing test when it is required. */
export function describeWithTool(name: string, title: string, body: (tool: string) => void): void {
  const tool = findTool(name);
  if (tool) {
    describe(title, () => body(tool));
    return;
  }
  if (INFRA_TOOLS_REQUIRED) {
    describe(title, () => {
      it(`needs ${name} (MLCTL_REQUIRE_INFRA_TOOLS=1)`, () => {
        throw new Error(`${name} is not installed; run bash scripts/ci/infra-tools-ops.sh`);
      });
    });
    return;
  }
  describe.skip(`${title} (${name} not installed)`, () => body(name));
}

export interface ToolResult {
  status: number | null;
  output: string;
}

export function runTool(tool: string, args: string[], options: { cwd?: string } = {}): ToolResult {
  const r = spawnSync(tool, args, { cwd: options.cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

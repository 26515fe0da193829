import { execFileSync, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './cli';
import { describeIfAvailable } from './requirement';

/**
 * The real tools the infra suite checks the deployment kit with, found through MLCTL_<TOOL> or PATH
 * (and where scripts/ci/infra-tools-k8s.sh puts them). Without one the suites that need it skip, saying
 * why, unless MLCTL_REQUIRE_INFRA_TOOLS=1 (CI), where they fail.
 */
const CACHE = process.env.MLCTL_CACHE || join(homedir(), '.cache', 'mlctl');
const HOW = 'install with `bash scripts/ci/infra-tools-k8s.sh`';

function onPath(name: string, extra: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extra];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

export const HELM = process.env.MLCTL_HELM || onPath('helm', [join(homedir(), 'go', 'bin')]);
export const TOFU =
  process.env.MLCTL_TOFU || onPath('tofu', [join(homedir(), 'go', 'bin'), join(CACHE, 'bin')]);
export const KUBERNETES_VALIDATE =
  process.env.MLCTL_KUBERNETES_VALIDATE || onPath('kubernetes-validate', [join(CACHE, 'venv', 'bin')]);
export const COMPOSE_CHECK = process.env.MLCTL_COMPOSE_CHECK || undefined;
const crdValidator = join(REPO_ROOT, 'scripts', 'ci', 'crd-validator');
export const CRD_VALIDATOR = existsSync(join(crdValidator, 'node_modules', '@kubernetes-models'))
  ? join(crdValidator, 'validate.mjs')
  : undefined;

/** The Kubernetes version manifests are rendered for and validated against. */
export const KUBE_VERSION = '1.35.0';

/** `describe` when every tool is there; otherwise a skipped test that says why, or a failing one in CI. */
export function describeWithTools(
  title: string,
  tools: Record<string, string | undefined>,
  body: () => void,
): void {
  const missing = Object.keys(tools).filter((name) => tools[name] === undefined);
  const why = missing.length ? `${missing.join(', ')} not found — ${HOW}` : undefined;
  describeIfAvailable(title, why, 'MLCTL_REQUIRE_INFRA_TOOLS', body);
}

/** What a tool did: its exit status, stdout, stderr, and both together as `output`. */
export type ToolResult = Omit<SpawnSyncReturns<string>, 'output'> & { output: string };

/** Runs a tool; never throws, so tests can assert on the exit code and the output. */
export function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): ToolResult {
  const r = spawnSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  return { ...r, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Runs a tool and returns stdout; throws with its stderr when it fails. */
export function toolOutput(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): string {
  return execFileSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

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

/** `describe` with the tool's path when it is there; otherwise skipped, or failed when tools are required. */
export function describeWithTool(name: string, title: string, body: (tool: string) => void): void {
  const tool = findTool(name);
  const missing = tool ? undefined : `${name} is not installed; run bash scripts/ci/infra-tools-ops.sh`;
  describeIfAvailable(title, missing, 'MLCTL_REQUIRE_INFRA_TOOLS', () => body(tool ?? name));
}

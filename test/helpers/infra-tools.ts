import { execFileSync, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './cli';

/**
 * The real tools the infra suite checks the deployment kit with, found through MLCTL_<TOOL> or PATH
 * (and where scripts/ci/infra-tools-k8s.sh puts them). Without one the suites that need it skip, saying
 * why, unless MLCTL_REQUIRE_INFRA_TOOLS=1 (CI), where they fail.
 */
const REQUIRED = process.env.MLCTL_REQUIRE_INFRA_TOOLS === '1';
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
  const missing = Object.entries(tools)
    .filter(([, path]) => path === undefined)
    .map(([name]) => name);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const why = `${missing.join(', ')} not found — ${HOW}`;
  describe(title, () => {
    if (REQUIRED) {
      test(`needs ${missing.join(', ')}`, () => {
        throw new Error(`MLCTL_REQUIRE_INFRA_TOOLS=1 but ${why}`);
      });
    } else {
      console.warn(`${title}: skipped, ${why}`);
      test.skip(`skipped: ${why}; MLCTL_REQUIRE_INFRA_TOOLS=1 makes this a failure`, () => {});
    }
  });
}

/** Runs a tool; never throws, so tests can assert on the exit code and the output. */
export function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
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

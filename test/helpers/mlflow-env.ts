import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRegistry } from '../../src/registry/create-registry';
import type { RegistrySettings } from '../../src/registry/create-registry';
import type { ModelRegistry } from '../../src/registry/types';
import { describeIfAvailable } from './requirement';

/**
 * The real MLflow servers of the integration suite, started by `scripts/ci/mlflow.sh start`. Without
 * them the suites skip, saying why, unless MLCTL_REQUIRE_MLFLOW=1 (CI), where they fail.
 */
export const MLFLOW_URI = process.env.MLCTL_TEST_MLFLOW_URI || undefined;
export const MLFLOW_AUTH_URI = process.env.MLCTL_TEST_MLFLOW_AUTH_URI || undefined;
export const ADMIN_USER = process.env.MLCTL_TEST_MLFLOW_ADMIN_USER || 'admin';
export const ADMIN_PASSWORD = process.env.MLCTL_TEST_MLFLOW_ADMIN_PASSWORD || '';
const CACHE = process.env.MLCTL_CACHE || join(homedir(), '.cache', 'mlctl');
export const TEST_PYTHON = process.env.MLCTL_TEST_PYTHON || join(CACHE, 'venv', 'bin', 'python');
/** An MLflow 2 server (no logged models) and MLflow 2's own client, for the fallback test. */
export const MLFLOW2_URI = process.env.MLCTL_TEST_MLFLOW2_URI || undefined;
export const MLFLOW2_PYTHON =
  process.env.MLCTL_TEST_MLFLOW2_PYTHON || join(CACHE, 'venv-mlflow2', 'bin', 'python');

const run = promisify(execFile);

/**
 * Runs `script` with an MLflow Python (`python`, MLflow's own client) pointed at the server `uri`; the
 * last line the script prints is JSON, returned parsed.
 */
export async function mlflowPython<T = Record<string, unknown>>(
  python: string,
  uri: string,
  script: string,
  args: string[] = [],
): Promise<T> {
  const { stdout } = await run(python, ['-c', script, ...args], {
    env: { ...process.env, MLFLOW_TRACKING_URI: uri, PYTHONWARNINGS: 'ignore' },
    timeout: 150_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').pop() as string;
  return JSON.parse(line) as T;
}

const HOW =
  'start one with `eval "$(scripts/ci/mlflow.sh start)"` (or run `bash scripts/ci/test-integration.sh`)';

/** `describe` when `uri` is set; otherwise skipped saying why, or failed under MLCTL_REQUIRE_MLFLOW=1. */
export function describeWithMlflow(
  title: string,
  uri: string | undefined,
  variable: string,
  body: () => void,
): void {
  describeIfAvailable(
    title,
    uri === undefined ? `${variable} is not set — ${HOW}` : undefined,
    'MLCTL_REQUIRE_MLFLOW',
    body,
  );
}

export function mlflowSettings(uri: string, extra: Partial<RegistrySettings> = {}): RegistrySettings {
  return {
    trackingUri: uri,
    registryDir: '.mlctl/registry',
    modelCacheDir: '.mlctl/cache',
    username: undefined,
    password: undefined,
    token: undefined,
    requestTimeout: 30,
    maxRetries: 2,
    backoffFactor: 0.1,
    backoffJitter: 0.1,
    ...extra,
  };
}

export function openMlflow(
  uri: string,
  extra: Partial<RegistrySettings> = {},
  pageSize?: number,
): ModelRegistry {
  return createRegistry(mlflowSettings(uri, extra), { cwd: process.cwd(), pageSize });
}

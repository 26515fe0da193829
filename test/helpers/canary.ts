import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { CliResult } from './cli';
import { REPO_ROOT } from './cli';

const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');

/**
 * A shipped policy (infra/canary/policy.yaml unless `file` names another there) with test timings: 3
 * measurements 1 s apart, long enough for traffic in each interval on a loaded 2-core machine. Returns the
 * new file's path.
 */
export function writeTestPolicy(dir: string, file = 'policy.yaml'): string {
  const policy = parse(readFileSync(join(REPO_ROOT, 'infra', 'canary', file), 'utf8')) as object;
  const out = join(dir, `policy-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(out, stringify({ ...policy, interval: '1s', count: 3, initialDelay: '0s' }));
  return out;
}

/** Trains a 5-tree iris model into `<dir>/m<seed>` and registers it as `iris` with `alias`. */
export async function trainAndRegister(
  cli: (args: string[]) => Promise<CliResult>,
  dir: string,
  seed: string,
  alias: string,
): Promise<void> {
  const out = join(dir, `m${seed}`);
  const train = await cli([
    'train',
    '--data',
    IRIS,
    '--output',
    out,
    '--n-estimators',
    '5',
    '--seed',
    seed,
    '--threads',
    '1',
  ]);
  expect([train.code, train.stderr]).toEqual([0, expect.any(String)]);
  const register = await cli(['register', '--model-dir', out, '--name', 'iris', '--alias', alias]);
  expect([register.code, register.stderr]).toEqual([0, expect.any(String)]);
}

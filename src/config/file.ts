import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { MlctlError } from '../errors';
import type { ConfigFile } from './settings';

export const DEFAULT_CONFIG_FILE = 'mlctl.yaml';

/**
 * Loads mlctl.yaml: the one named (by --config or MLCTL_CONFIG) must exist; otherwise ./mlctl.yaml is
 * used when present. Returns undefined when there is none.
 */
export function loadConfigFile(named: string | undefined, cwd: string): ConfigFile | undefined {
  const path = named ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && named === undefined) return undefined;
    throw new MlctlError(
      'CONFIG_INVALID',
      `cannot read configuration file ${path}: ${(err as Error).message}`,
      {
        hint: 'Pass an existing file with --config, or unset MLCTL_CONFIG.',
        cause: err,
      },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    const line = err instanceof YAMLParseError ? err.linePos?.[0].line : undefined;
    throw new MlctlError(
      'CONFIG_INVALID',
      `${path}${line ? `:${line}` : ''}: not valid YAML: ${(err as Error).message}`,
      {
        location: { file: path, line },
        cause: err,
      },
    );
  }
  if (data === null || data === undefined) return { path, data: {} };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new MlctlError(
      'CONFIG_INVALID',
      `${path}: expected a mapping of sections (logging, validate, ...)`,
      {
        location: { file: path },
      },
    );
  }
  return { path, data: data as Record<string, unknown> };
}

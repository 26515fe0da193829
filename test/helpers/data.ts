import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'mlctl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeCsv(
  dir: string,
  name: string,
  header: string[],
  rows: Array<Array<string | number>>,
): string {
  const path = join(dir, name);
  writeFileSync(path, `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`);
  return path;
}

/**
 * A noisy 3-class dataset of `n` rows × `d` features (deterministic): classes depend on two features,
 * with some label noise, so trees grow many nodes.
 */
export function syntheticRows(n: number, d: number, noise = 0.1): Array<Array<number>> {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: d }, (_, f) => Number((Math.sin(i * (f + 1.37) + f) * 10).toFixed(4)));
    const score = (x[0] as number) + 0.5 * (x[1] as number);
    let label = score < -3 ? 0 : score < 3 ? 1 : 2;
    if (Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1 < noise) label = (label + 1) % 3;
    rows.push([...x, label]);
  }
  return rows;
}

export const featureNames = (d: number): string[] => Array.from({ length: d }, (_, f) => `f${f}`);

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sample in a fixture: stored values, or a low-discrepancy sequence spec (scripts/fixtures/drift_stats.py). */
export type DataSpec =
  Array<number | string> | { n: number; seed: number; a: number; b: number; sum?: number; step?: number };

const GOLDEN = 0.6180339887498949;

/** Mirrors `lds` in scripts/fixtures/drift_stats.py: only +, * and %, so both languages get the same doubles. */
export function lds(spec: Exclude<DataSpec, unknown[]>): Float64Array {
  const out = new Float64Array(spec.n);
  const k = spec.sum ?? 1;
  for (let i = 0; i < spec.n; i++) {
    let u = 0;
    for (let j = 0; j < k; j++) u += ((i + 1) * GOLDEN + spec.seed + j * 0.1234567) % 1.0;
    let x = spec.a + spec.b * u;
    if (spec.step !== undefined) x = Math.floor(x / spec.step) * spec.step;
    out[i] = x;
  }
  return out;
}

export function numbers(spec: DataSpec): Float64Array {
  return Array.isArray(spec) ? Float64Array.from(spec as number[]) : lds(spec);
}

export interface ScipyFixture {
  scipy: string;
  evidently: string;
  kstwo: Array<{ n: number; x: number; sf: number }>;
  smirnov: Array<{ n: number; x: number; sf: number }>;
  ks_2samp: Array<{
    name: string;
    reference: DataSpec;
    current: DataSpec;
    statistic: number;
    pvalue: number;
  }>;
  wasserstein: Array<{
    name: string;
    reference: DataSpec;
    current: DataSpec;
    distance: number;
    normed: number;
  }>;
  special: {
    chi2: Array<{ x: number; dof: number; sf: number }>;
    norm: Array<{ z: number; sf: number; cdf: number }>;
  };
  evidently_tests: Array<{
    name: string;
    kind: 'num' | 'int' | 'cat';
    reference: DataSpec;
    current: DataSpec;
    default: string;
    scores: Record<string, number | null>;
  }>;
}

export function loadScipyFixture(): ScipyFixture {
  const path = join(__dirname, '..', '..', 'fixtures', 'drift', 'scipy-stats.json');
  return JSON.parse(readFileSync(path, 'utf8')) as ScipyFixture;
}

/** Agreement to 1e-6 absolute, and to 1e-6 relative for values far from zero. */
export function expectClose(actual: number, expected: number | null, label = ''): void {
  if (expected === null || Number.isNaN(expected)) {
    expect([label, actual]).toEqual([label, Number.NaN]);
    return;
  }
  const tolerance = Math.max(1e-6, Math.abs(expected) * 1e-6);
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`${label}: expected ${expected}, got ${actual} (difference ${actual - expected})`);
  }
}

import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MlctlError, fromFsError } from '../../errors';
import { ColumnAccumulator } from '../values/column-side';
import type { ColumnSide, SpoolBudget } from '../values/column-side';
import type { SpillDir } from '../values/spill';
import { WindowedAccumulator } from '../values/window';
import { readCsvColumns } from './csv-columns';
import type { LokiStats } from './loki';
import { isLokiUrl, redactLokiUrl, resolveLokiQuery } from './loki-url';
import type { LokiDefaults } from './loki-url';
import { logThreads, readLogParallel } from './parallel-log';
import { PredictionRows } from './prediction-log';
import { readLines } from './read-lines';
import type { LogStats } from './prediction-log';

/** Numbers buffered while the current data is read, all columns together; past it, runs are spilled. */
export const CURRENT_BUDGET_BYTES = 24 * 1024 * 1024;

export interface CurrentSpec {
  /** A CSV, a JSONL prediction log, or a loki+http(s):// URL; undefined = Loki from the LOKI_* settings. */
  source?: string;
  loki: LokiDefaults;
  maxRows?: number;
  /** Threads reading a prediction log file (default: by size, see logThreads). */
  threads?: number;
}

export interface CurrentData {
  /** Each column read, by name. */
  sides: Map<string, ColumnSide>;
  rows: number;
  kind: 'csv' | 'jsonl' | 'loki';
  /** The source as it may be shown (no credentials). */
  label: string;
  log?: LogStats;
  loki?: LokiStats;
  /** Columns asked for that the current data does not have at all (CSV header). */
  missing: string[];
}

export interface CurrentColumns {
  /** Feature columns to read. */
  features: readonly string[];
  /** The reference's feature order, for log rows given as arrays without feature_names. */
  featureOrder: readonly string[];
  prediction?: string;
}

/**
 * Reads the current data — a CSV, a prediction log or Loki — into one ColumnSide per column. Memory is
 * bounded: numbers beyond the budget go to sorted runs in `spill`; with --max-rows, the window is held.
 */
export async function readCurrent(
  spec: CurrentSpec,
  columns: CurrentColumns,
  deps: { cwd: string; now: () => number; spill: SpillDir },
): Promise<CurrentData> {
  const names = [...columns.features, ...(columns.prediction ? [columns.prediction] : [])];
  const budget: SpoolBudget = {
    capacity: Math.max(65_536, Math.floor(CURRENT_BUDGET_BYTES / 8 / Math.max(names.length, 1))),
    spill: deps.spill,
  };
  const accumulator = (name: string): ColumnAccumulator =>
    spec.maxRows === undefined
      ? new ColumnAccumulator(name, budget)
      : new WindowedAccumulator(name, budget, spec.maxRows);
  const source = spec.source;
  if (source === undefined || isLokiUrl(source)) {
    const query = resolveLokiQuery(source, spec.loki, deps.now());
    const log = logReader(columns, accumulator);
    // undici loads only when Loki is the source.
    const { readLoki } = await import('./loki');
    const loki = await readLoki(query, (line) => log.rows.line(line));
    const label = source !== undefined ? redactLokiUrl(source) : `${query.baseUrl} ${query.query}`;
    return { ...finished(log.accumulators), kind: 'loki', label, log: log.rows.stats, loki, missing: [] };
  }
  const path = resolve(deps.cwd, source);
  if (await looksLikeJsonLines(path, source)) {
    const size = (await stat(path)).size;
    const threads = spec.maxRows === undefined ? logThreads(size, spec.threads) : 1;
    const parallel =
      threads > 1
        ? await readLogParallel(path, size, threads, columns, {
            capacity: budget.capacity,
            spill: deps.spill,
          })
        : undefined;
    if (parallel) {
      const rows = parallel.sides.values().next().value?.rows ?? 0;
      return { sides: parallel.sides, rows, kind: 'jsonl', label: source, log: parallel.stats, missing: [] };
    }
    const log = logReader(columns, accumulator);
    await readLines(path, 'current data', (buf, start, end) => log.rows.bytes(buf, start, end));
    return { ...finished(log.accumulators), kind: 'jsonl', label: source, log: log.rows.stats, missing: [] };
  }
  let accumulators: ColumnAccumulator[] = [];
  const { rows, header } = await readCsvColumns(path, {
    what: 'current data',
    shown: source,
    onHeader(fields) {
      accumulators = names.filter((n) => fields.includes(n)).map(accumulator);
      return fields.map((f) => accumulators.find((a) => a.name === f));
    },
  });
  const sides = new Map(accumulators.map((a) => [a.name, a.finish()]));
  const missing = columns.features.filter((n) => !header.includes(n));
  return {
    sides,
    rows: spec.maxRows === undefined ? rows : Math.min(rows, spec.maxRows),
    kind: 'csv',
    label: source,
    missing,
  };
}

function logReader(
  columns: CurrentColumns,
  accumulator: (name: string) => ColumnAccumulator,
): { rows: PredictionRows; accumulators: ColumnAccumulator[] } {
  const features = columns.features.map(accumulator);
  const prediction = columns.prediction ? accumulator(columns.prediction) : undefined;
  const rows = new PredictionRows(features, columns.featureOrder, prediction);
  return { rows, accumulators: prediction ? [...features, prediction] : features };
}

function finished(accumulators: ColumnAccumulator[]): { sides: Map<string, ColumnSide>; rows: number } {
  const sides = new Map(accumulators.map((a) => [a.name, a.finish()]));
  return { sides, rows: sides.values().next().value?.rows ?? 0 };
}

/** A prediction log by its extension (.jsonl, .ndjson, .json, .log), else by a first character of `{`. */
async function looksLikeJsonLines(path: string, shown: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new MlctlError('INPUT_INVALID', `current data is not a regular file: ${shown}`);
  } catch (err) {
    if (err instanceof MlctlError) throw err;
    throw fromFsError(err, 'current data', shown);
  }
  if (/\.(jsonl|ndjson|json|log)$/i.test(path)) return true;
  if (/\.(csv|tsv|txt)$/i.test(path)) return false;
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256), 0, 256, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('{');
  } finally {
    await handle.close();
  }
}

import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MlctlError, fromFsError } from '../../errors';
import { ColumnBuilder, buildTable } from '../table';
import type { ColumnKind, DriftTable } from '../table';
import { readCsvTable } from './csv';
import type { LokiStats } from './loki';
import { isLokiUrl, redactLokiUrl, resolveLokiQuery } from './loki-url';
import type { LokiDefaults } from './loki-url';
import { logThreads, readLogParallel } from './parallel-log';
import { PredictionRows } from './prediction-log';
import { readLines } from './read-lines';
import type { LogStats } from './prediction-log';

export interface CurrentSpec {
  /** A CSV, a JSONL prediction log, or a loki+http(s):// URL; undefined = Loki from the LOKI_* settings. */
  source?: string;
  loki: LokiDefaults;
  maxRows?: number;
  /** Threads reading a prediction log file (default: by size, see logThreads). */
  threads?: number;
}

export interface CurrentData {
  table: DriftTable;
  kind: 'csv' | 'jsonl' | 'loki';
  /** The source as it may be shown (no credentials). */
  label: string;
  log?: LogStats;
  loki?: LokiStats;
  /** Columns asked for that the current data does not have at all (CSV header). */
  missing: string[];
}

export interface CurrentColumns {
  /** Feature columns and their kinds, from the reference. */
  features: ReadonlyArray<{ name: string; kind: ColumnKind }>;
  /** The reference's feature order, for log rows given as arrays without feature_names. */
  featureOrder: readonly string[];
  prediction?: { name: string; kind: ColumnKind };
}

/** Reads the current data from a CSV, a prediction log or Loki into the reference's columns and kinds. */
export async function readCurrent(
  spec: CurrentSpec,
  columns: CurrentColumns,
  deps: { cwd: string; now: () => number },
): Promise<CurrentData> {
  const source = spec.source;
  if (source === undefined || isLokiUrl(source)) {
    const query = resolveLokiQuery(source, spec.loki, deps.now());
    const { rows, builders } = logReader(columns, spec.maxRows);
    // undici loads only when Loki is the source.
    const { readLoki } = await import('./loki');
    const loki = await readLoki(query, (line) => rows.line(line));
    const label = source !== undefined ? redactLokiUrl(source) : `${query.baseUrl} ${query.query}`;
    return { table: buildTable(builders), kind: 'loki', label, log: rows.stats, loki, missing: [] };
  }
  const path = resolve(deps.cwd, source);
  if (await looksLikeJsonLines(path, source)) {
    const size = (await stat(path)).size;
    const threads = spec.maxRows === undefined ? logThreads(size, spec.threads) : 1;
    const parallel = threads > 1 ? await readLogParallel(path, size, threads, columns) : undefined;
    if (parallel)
      return { table: parallel.table, kind: 'jsonl', label: source, log: parallel.stats, missing: [] };
    const { rows, builders } = logReader(columns, spec.maxRows);
    await readLines(path, 'current data', (buf, start, end) => rows.bytes(buf, start, end));
    return { table: buildTable(builders), kind: 'jsonl', label: source, log: rows.stats, missing: [] };
  }
  const wanted = [...columns.features, ...(columns.prediction ? [columns.prediction] : [])];
  const csv = await readCsvTable(path, source, {
    what: 'current data',
    kinds: new Map(wanted.map((c) => [c.name, c.kind])),
    columns: wanted.map((c) => c.name),
    maxRows: spec.maxRows,
  });
  const missing = columns.features.map((c) => c.name).filter((n) => !csv.header.includes(n));
  return { table: csv.table, kind: 'csv', label: source, missing };
}

function logReader(
  columns: CurrentColumns,
  maxRows: number | undefined,
): { rows: PredictionRows; builders: ColumnBuilder[] } {
  const features = columns.features.map((c) => new ColumnBuilder(c.name, c.kind, maxRows));
  const prediction = columns.prediction
    ? new ColumnBuilder(columns.prediction.name, columns.prediction.kind, maxRows)
    : undefined;
  const rows = new PredictionRows(features, columns.featureOrder, prediction);
  return { rows, builders: prediction ? [...features, prediction] : features };
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

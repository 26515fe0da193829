import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError } from '../errors';
import { writeFileAtomic } from '../io/fs-atomic';
import { analyseDrift } from './dataset-drift';
import type { DriftAnalysis } from './dataset-drift';
import { formatDrift } from './reports';
import type { DriftFormat } from './reports';
import { STAT_TESTS } from './select-test';
import type { StatTestName } from './select-test';
import { peekCsv, readCsvTable } from './sources/csv';
import { readCurrent } from './sources/current';
import type { CurrentColumns, CurrentData } from './sources/current';
import { isLokiUrl } from './sources/loki-url';
import type { ColumnKind } from './table';
import type { LokiDefaults } from './sources/loki-url';
import { locateReference } from './sources/reference';
import type { ModelUriResolver } from './sources/reference';

export interface DriftRunOptions {
  /** A CSV, a model artifact directory, or a models:/ URI. */
  reference: string;
  /** A CSV, a JSONL prediction log, or a loki+http(s):// URL; unset = Loki from the LOKI_* settings. */
  current?: string;
  loki: LokiDefaults;
  columns?: string[];
  stattest: 'auto' | StatTestName;
  threshold?: number;
  driftShare: number;
  bins?: number;
  minRows: number;
  maxRows?: number;
  /** Threads reading a prediction log (default: by file size). */
  threads?: number;
  predictionColumn: string;
  targetColumn: string;
  /** Also write the report here, in `reportFormat`. */
  report?: string;
  reportFormat?: DriftFormat;
}

export interface DriftRunDeps {
  logger: Logger;
  cwd: string;
  /** Wall clock in ms (Loki's window ends now; the report's timestamp). */
  now?: () => number;
  /** Resolves models:/ references; without it they are a usage error. */
  resolveModelUri?: ModelUriResolver;
}

export interface DriftResult extends DriftAnalysis {
  evaluated_at: string;
  reference: { source: string; rows: number; artifact: string | null };
  current: {
    source: string;
    kind: 'csv' | 'jsonl' | 'loki';
    rows: number;
    /** Log sources: lines read, events used, and lines skipped by reason. */
    log: { lines: number; events: number; not_json: number; other_events: number; malformed: number } | null;
    loki: { requests: number; entries: number; truncated: boolean } | null;
  };
  stattest: 'auto' | StatTestName;
  min_rows: number;
}

/** `mlctl drift`: reads the reference and current data, compares them, and writes the report if asked. */
export async function runDrift(options: DriftRunOptions, deps: DriftRunDeps): Promise<DriftResult> {
  const now = deps.now ?? Date.now;
  const location = await locateReference(options.reference, deps.cwd, deps.resolveModelUri);
  const read = (plan: ReadPlan): Promise<CurrentData> =>
    readCurrent(
      { source: options.current, loki: options.loki, maxRows: options.maxRows, threads: options.threads },
      plan.current,
      { cwd: deps.cwd, now },
    );
  // A local current file is read while the reference is (its kinds guessed from the reference's first
  // rows); it is read again only if a guess proves wrong. Remote sources wait for a valid reference.
  const peek =
    options.current !== undefined && !isLokiUrl(options.current) ? await peekCsv(location.path) : undefined;
  const guessed = peek ? planRead(peek.header, (n) => peek.kinds.get(n) ?? 'numerical', options) : undefined;
  const early = guessed ? settle(read(guessed)) : undefined;

  const ref = await readCsvTable(location.path, location.label, { what: 'reference', maxRows: undefined });
  const plan = planRead(ref.header, (name) => ref.table.columns.get(name)!.sample.kind, options);
  checkColumns(plan.columns, ref.header);
  checkStatTest(options.stattest, plan.current.features);
  const featureOrder = plan.current.featureOrder;
  const columns = plan.columns;
  const speculated = early && guessed && samePlan(guessed, plan) ? await early : undefined;
  if (speculated && 'error' in speculated) throw speculated.error;
  const current = speculated?.value ?? (await read(plan));
  if (current.missing.length) {
    throw new MlctlError('INPUT_INVALID', `the current data has no column ${current.missing.join(', ')}`, {
      hint: `The reference has ${featureOrder.join(', ')}; compare fewer with --columns.`,
    });
  }
  deps.logger.debug(
    { reference: location.label, current: current.label, rows: current.table.rows },
    'data read',
  );

  const analysis = analyseDrift(ref.table, current.table, {
    columns,
    stattest: options.stattest,
    threshold: options.threshold,
    driftShare: options.driftShare,
    bins: options.bins,
    minRows: options.minRows,
    predictionColumn: options.predictionColumn,
  });
  const result: DriftResult = {
    ...analysis,
    evaluated_at: new Date(now()).toISOString(),
    reference: { source: location.label, rows: ref.table.rows, artifact: location.artifact ?? null },
    current: {
      source: current.label,
      kind: current.kind,
      rows: current.table.rows,
      log: current.log
        ? {
            lines: current.log.lines,
            events: current.log.events,
            not_json: current.log.notJson,
            other_events: current.log.otherEvents,
            malformed: current.log.malformed,
          }
        : null,
      loki: current.loki ?? null,
    },
    stattest: options.stattest,
    min_rows: options.minRows,
  };
  if (options.report !== undefined) {
    const format = options.reportFormat ?? 'json';
    await writeFileAtomic(resolve(deps.cwd, options.report), await formatDrift(result, format));
    deps.logger.debug({ report: options.report, format }, 'report written');
  }
  return result;
}

interface ReadPlan {
  columns: readonly string[];
  current: CurrentColumns;
}

/** Which columns to compare and read, with the kinds the reference gives them. */
function planRead(
  header: string[],
  kindOf: (name: string) => ColumnKind,
  options: DriftRunOptions,
): ReadPlan {
  const utility = new Set([options.targetColumn, options.predictionColumn]);
  const featureOrder = header.filter((name) => !utility.has(name));
  const columns = options.columns?.length ? options.columns : featureOrder;
  const known = columns.filter((name) => header.includes(name));
  return {
    columns,
    current: {
      features: known.map((name) => ({ name, kind: kindOf(name) })),
      featureOrder,
      prediction: header.includes(options.predictionColumn)
        ? { name: options.predictionColumn, kind: kindOf(options.predictionColumn) }
        : undefined,
    },
  };
}

function samePlan(a: ReadPlan, b: ReadPlan): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A promise that never rejects, so an early read that is not needed cannot crash the process. */
function settle<T>(p: Promise<T>): Promise<{ value: T } | { error: unknown; value?: undefined }> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function checkColumns(columns: readonly string[], header: readonly string[]): void {
  const unknown = columns.filter((c) => !header.includes(c));
  if (unknown.length) {
    throw new MlctlError('USAGE', `the reference has no column ${unknown.join(', ')}`, {
      hint: `Its columns: ${header.join(', ')}.`,
    });
  }
}

/** A forced test must fit every column's type (K-S and Wasserstein need numbers). */
export function checkStatTest(
  stattest: 'auto' | StatTestName,
  columns: ReadonlyArray<{ name: string; kind: 'numerical' | 'categorical' }>,
): void {
  if (stattest === 'auto') return;
  const misfits = columns.filter((c) => !STAT_TESTS[stattest].types.includes(c.kind));
  if (misfits.length) {
    throw new MlctlError(
      'USAGE',
      `--stattest ${stattest} needs numerical columns; ${misfits.map((c) => c.name).join(', ')} ${misfits.length === 1 ? 'is' : 'are'} categorical`,
      {
        hint: 'Pick a test that takes categories (chisquare, z, jensenshannon, psi), or leave those columns out with --columns.',
      },
    );
  }
}

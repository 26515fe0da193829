import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError } from '../errors';
import { writeFileAtomic } from '../io/fs-atomic';
import { analyseDrift } from './dataset-drift';
import type { DriftAnalysis } from './dataset-drift';
import { ProfileStore } from './profile/store';
import type { ProfileOrigin } from './profile/store';
import { formatDrift } from './reports';
import type { DriftFormat } from './reports';
import type { StatTestName } from './select-test';
import { readCurrent } from './sources/current';
import type { LokiDefaults } from './sources/loki-url';
import { locateReference } from './sources/reference';
import type { ModelUriResolver } from './sources/reference';
import type { ColumnTyping } from './typing';
import { SpillDir } from './values/spill';

export interface DriftRunOptions {
  /** A CSV, a model artifact directory, or a models:/ URI. */
  reference: string;
  /** A CSV, a JSONL prediction log, or a loki+http(s):// URL; unset = Loki from the LOKI_* settings. */
  current?: string;
  loki: LokiDefaults;
  columns?: string[];
  /** How columns get their types: Evidently 0.7's rules (default) or the legacy ones. */
  columnTyping?: ColumnTyping;
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
  /** Directory of cached reference profiles (absolute); unset: computed in memory each time. */
  profileCache?: string;
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
  /** Reference profiles kept between runs (`drift serve`); default: a store for this run. */
  profiles?: ProfileStore;
}

export interface DriftResult extends DriftAnalysis {
  evaluated_at: string;
  reference: {
    source: string;
    rows: number;
    artifact: string | null;
    sha256: string;
    /** Where the reference profile came from: computed from the CSV, the disk cache, or memory. */
    profile: ProfileOrigin;
  };
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
  const profiles = deps.profiles ?? new ProfileStore(options.profileCache, deps.logger);
  const { profile, origin } = await profiles.load(location, options.reference);
  deps.logger.debug(
    { reference: location.label, sha256: profile.sha256, profile: origin },
    'reference profile',
  );
  const header = profile.header;
  const utility = new Set([options.targetColumn, options.predictionColumn]);
  const featureOrder = header.filter((name) => !utility.has(name));
  const columns = options.columns?.length ? options.columns : featureOrder;
  checkColumns(columns, header);
  const spill = new SpillDir();
  try {
    const current = await readCurrent(
      { source: options.current, loki: options.loki, maxRows: options.maxRows, threads: options.threads },
      {
        features: columns,
        featureOrder,
        prediction: header.includes(options.predictionColumn) ? options.predictionColumn : undefined,
      },
      { cwd: deps.cwd, now, spill },
    );
    if (current.missing.length) {
      throw new MlctlError('INPUT_INVALID', `the current data has no column ${current.missing.join(', ')}`, {
        hint: `The reference has ${featureOrder.join(', ')}; compare fewer with --columns.`,
      });
    }
    deps.logger.debug({ reference: location.label, current: current.label, rows: current.rows }, 'data read');
    const analysis = analyseDrift(profile, current.sides, {
      columns,
      typing: options.columnTyping ?? 'evidently',
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
      reference: {
        source: location.label,
        rows: profile.rows,
        artifact: location.artifact ?? null,
        sha256: profile.sha256,
        profile: origin,
      },
      current: {
        source: current.label,
        kind: current.kind,
        rows: current.rows,
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
  } finally {
    spill.dispose();
  }
}

function checkColumns(columns: readonly string[], header: readonly string[]): void {
  const unknown = columns.filter((c) => !header.includes(c));
  if (unknown.length) {
    throw new MlctlError('USAGE', `the reference has no column ${unknown.join(', ')}`, {
      hint: `Its columns: ${header.join(', ')}.`,
    });
  }
}

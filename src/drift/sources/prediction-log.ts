import { createReadStream } from 'node:fs';
import { fromFsError } from '../../errors';
import type { ColumnBuilder } from '../table';

/** What reading a prediction log found, beyond the rows themselves. */
export interface LogStats {
  /** Non-empty lines read. */
  lines: number;
  /** Prediction events flattened into rows. */
  events: number;
  /** Lines that are not JSON (e.g. plain-text log lines). */
  notJson: number;
  /** JSON lines that are not prediction events (feedback, request logs, …). */
  otherEvents: number;
  /** Prediction events without a `features` array of rows. */
  malformed: number;
}

export function emptyLogStats(): LogStats {
  return { lines: 0, events: 0, notJson: 0, otherEvents: 0, malformed: 0 };
}

/**
 * Flattens prediction events (docs/PREDICTION-LOG.md) into rows: one row per entry of `features` — an
 * array in `feature_names` order, an array in the reference's feature order when the event names none,
 * or an object keyed by feature name — plus `predictions[i]` as the prediction column.
 */
export class PredictionRows {
  readonly stats = emptyLogStats();
  private readonly layouts = new Map<string, Int32Array>();
  private readonly defaultLayout: Int32Array;

  constructor(
    private readonly features: readonly ColumnBuilder[],
    /** Feature names in the order the model takes them (arrays without `feature_names`). */
    featureOrder: readonly string[],
    private readonly prediction: ColumnBuilder | undefined,
  ) {
    this.defaultLayout = this.positions(featureOrder);
  }

  /** Reads one log line; anything that is not a prediction event is counted and skipped. */
  line(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    this.stats.lines++;
    let event: unknown;
    try {
      event = JSON.parse(trimmed);
    } catch {
      this.stats.notJson++;
      return;
    }
    if (
      typeof event !== 'object' ||
      event === null ||
      (event as { event?: unknown }).event !== 'prediction'
    ) {
      this.stats.otherEvents++;
      return;
    }
    this.event(event as Record<string, unknown>);
  }

  private event(event: Record<string, unknown>): void {
    const rows = event.features;
    if (!Array.isArray(rows)) {
      this.stats.malformed++;
      return;
    }
    this.stats.events++;
    const predictions = Array.isArray(event.predictions) ? (event.predictions as unknown[]) : [];
    const layout = this.layoutFor(event.feature_names);
    const features = this.features;
    for (let i = 0; i < rows.length; i++) {
      const row: unknown = rows[i];
      if (Array.isArray(row)) {
        for (let k = 0; k < features.length; k++) {
          const at = layout[k] as number;
          (features[k] as ColumnBuilder).push(at >= 0 ? row[at] : undefined);
        }
      } else if (typeof row === 'object' && row !== null) {
        for (const b of this.features) b.push((row as Record<string, unknown>)[b.name]);
      } else {
        for (const b of this.features) b.push(undefined);
      }
      this.prediction?.push(predictions[i]);
    }
  }

  /** Where each feature column sits in an array row, cached per distinct `feature_names`. */
  private layoutFor(names: unknown): Int32Array {
    if (!Array.isArray(names)) return this.defaultLayout;
    const key = names.join('\u0000');
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = this.positions(names.map(String));
      this.layouts.set(key, layout);
    }
    return layout;
  }

  private positions(names: readonly string[]): Int32Array {
    return Int32Array.from(this.features, (b) => names.indexOf(b.name));
  }
}

/** Calls `onLine` for every line of a text file, streaming (the file is never held whole). */
export async function readLines(path: string, what: string, onLine: (line: string) => void): Promise<void> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
        onLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (err) {
    throw fromFsError(err, what, path);
  }
  if (rest !== '') onLine(rest);
}

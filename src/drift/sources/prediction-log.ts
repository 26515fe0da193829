import type { ColumnAccumulator } from '../values/column-side';
import { scanJsonObject, wantedKeys } from './json-bytes';
import type { MemberParser } from './json-bytes';
import { Scalars, parseRows, parseScalars } from './json-rows';

// Top-level members the fast path reads, in the order of their slots in `ranges`.
const MEMBERS = wantedKeys(['event', 'features', 'predictions', 'feature_names']);
const [EVENT, FEATURES, PREDICTIONS, NAMES] = [0, 3, 6, 9];
const PREDICTION = Buffer.from('"prediction"');

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
  // Fast-path scratch space, reused for every line.
  private readonly ranges = new Int32Array(3 * MEMBERS.length);
  private readonly cells = new Scalars();
  private readonly predictions = new Scalars();
  // The rows and predictions are read during the scan (their bytes are walked once).
  private readonly parsers: Array<MemberParser | undefined> = [];
  private lastNameBytes: Buffer | undefined;
  private lastNameLayout: Int32Array | undefined;
  // The last feature_names seen and its layout: consecutive events almost always repeat it.
  private lastNames: unknown[] = [];
  private lastLayout: Int32Array | undefined;

  constructor(
    private readonly features: readonly ColumnAccumulator[],
    /** Feature names in the order the model takes them (arrays without `feature_names`). */
    featureOrder: readonly string[],
    private readonly prediction: ColumnAccumulator | undefined,
  ) {
    this.defaultLayout = this.positions(featureOrder);
    this.parsers[FEATURES / 3] = (b, s, e) => parseRows(b, s, e, this.cells);
    this.parsers[PREDICTIONS / 3] = (b, s, e) => parseScalars(b, s, e, this.predictions);
  }

  /** Reads one log line; anything that is not a prediction event is counted and skipped. */
  line(text: string): void {
    const trimmed = text.trim();
    if (trimmed === '') return;
    this.stats.lines++;
    this.parse(trimmed);
  }

  /**
   * Reads one log line given as bytes [start, end) of a buffer — the file reader's fast path: a line the
   * byte scanner validates has only its rows decoded and parsed; any other goes through JSON.parse.
   */
  bytes(buf: Buffer, start: number, end: number): void {
    while (start < end && isSpace(buf[start]!)) start++;
    while (end > start && isSpace(buf[end - 1]!)) end--;
    if (start === end) return;
    this.stats.lines++;
    const r = this.ranges;
    if (scanJsonObject(buf, start, end, MEMBERS, r, this.parsers)) {
      if (r[EVENT] === -1) {
        this.stats.otherEvents++;
        return;
      }
      if (equalBytes(buf, r[EVENT + 1]!, r[EVENT + 2]!, PREDICTION) && this.fastEvent(buf)) return;
      if (
        !includesByte(buf, r[EVENT + 1]!, r[EVENT + 2]!, 0x5c) &&
        !equalBytes(buf, r[EVENT + 1]!, r[EVENT + 2]!, PREDICTION)
      ) {
        this.stats.otherEvents++;
        return;
      }
    }
    this.parse(buf.toString('utf8', start, end));
  }

  /** A scanned prediction event whose rows are arrays of scalars: pushed without JSON.parse. */
  private fastEvent(buf: Buffer): boolean {
    const r = this.ranges;
    if (r[FEATURES] === -1) return false;
    const rows = this.cells.rows;
    const predictions = r[PREDICTIONS] === -1 ? 0 : this.predictions.count;
    let layout = this.defaultLayout;
    if (r[NAMES] !== -1) {
      const s = r[NAMES + 1]!;
      const e = r[NAMES + 2]!;
      // Consecutive events repeat their feature_names: compare bytes before parsing them again.
      if (!this.lastNameBytes || !equalBytes(buf, s, e, this.lastNameBytes)) {
        this.lastNameBytes = Buffer.from(buf.subarray(s, e));
        this.lastNameLayout = this.layoutFor(JSON.parse(buf.toString('utf8', s, e)));
      }
      layout = this.lastNameLayout!;
    }
    this.stats.events++;
    const features = this.features;
    const cells = this.cells;
    let at = 0;
    for (let row = 0; row < rows; row++) {
      const count = cells.lengths[row]!;
      for (let k = 0; k < features.length; k++) {
        const p = layout[k]!;
        if (p >= 0 && p < count) cells.push(features[k]!, at + p, buf);
        else features[k]!.pushMissing();
      }
      at += count;
      if (!this.prediction) continue;
      if (row < predictions) this.predictions.push(this.prediction, row, buf);
      else this.prediction.pushMissing();
    }
    return true;
  }

  private parse(trimmed: string): void {
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
          (features[k] as ColumnAccumulator).pushJson(at >= 0 ? row[at] : undefined);
        }
      } else if (typeof row === 'object' && row !== null) {
        for (const b of this.features) b.pushJson((row as Record<string, unknown>)[b.name]);
      } else {
        for (const b of this.features) b.pushMissing();
      }
      this.prediction?.pushJson(predictions[i]);
    }
  }

  /** Where each feature column sits in an array row, cached per distinct `feature_names`. */
  private layoutFor(names: unknown): Int32Array {
    if (!Array.isArray(names)) return this.defaultLayout;
    const last = this.lastNames;
    if (this.lastLayout && names.length === last.length && names.every((n, i) => n === last[i])) {
      return this.lastLayout;
    }
    const key = names.join('\u0000');
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = this.positions(names.map(String));
      this.layouts.set(key, layout);
    }
    this.lastNames = names;
    this.lastLayout = layout;
    return layout;
  }

  private positions(names: readonly string[]): Int32Array {
    return Int32Array.from(this.features, (b) => names.indexOf(b.name));
  }
}

function equalBytes(buf: Buffer, s: number, e: number, bytes: Uint8Array): boolean {
  if (e - s !== bytes.length) return false;
  for (let k = 0; k < bytes.length; k++) if (buf[s + k] !== bytes[k]) return false;
  return true;
}

function includesByte(buf: Buffer, s: number, e: number, byte: number): boolean {
  for (let k = s; k < e; k++) if (buf[k] === byte) return true;
  return false;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

import pino from 'pino';
import { jsonId } from './http/request-id';
import { predictionsJson } from './labels-json';

/** The model fields of an event; a LoadedModel is passed as is. */
export interface EventModel {
  readonly name: string;
  readonly version: string;
  readonly uri: string;
}

/** One prediction request: one line of the log. */
export interface PredictionEvent {
  requestId: string;
  model: EventModel;
  featureNames: readonly string[];
  /** The rows as scored: numbers, category codes, NaN for a missing value. */
  features: number[][];
  /** Per feature, a categorical one's categories by code: the line carries the category's text. */
  categories?: ReadonlyArray<readonly (string | number)[] | undefined>;
  /** Classes, or a regression model's numbers. */
  predictions: ReadonlyArray<string | number>;
  /** The predictions are a regression model's numbers (each one new: not memoised per label). */
  regression?: boolean;
  /** A synthetic request (the canary's smoke test): logged as `synthetic_prediction`, which drift ignores. */
  synthetic?: boolean;
}

export interface FeedbackEvent {
  requestId?: string;
  model: EventModel;
  labels: ReadonlyArray<string | number>;
  /** Classification: labels equal to their predictions. */
  correct?: number;
  /** Regression: the request's predictions, beside the true values. */
  predictions?: ReadonlyArray<number>;
  /** Feedback sent as synthetic traffic: logged as `synthetic_feedback`, not counted. */
  synthetic?: boolean;
}

/**
 * Writes prediction and feedback events (docs/PREDICTION-LOG.md) as JSON lines: to stdout for the log
 * pipeline (Loki), and appended to a local JSONL file when asked. Events are formatted and written
 * asynchronously in batches of 64, or 100 ms after the first on a quiet server, each line with the time
 * of its event and in the order of the events; `flush()` at shutdown loses nothing.
 */
export interface PredictionLog {
  prediction(event: PredictionEvent): void;
  feedback(event: FeedbackEvent): void;
  flush(): void;
}

export interface PredictionLogOptions {
  /** Also append to this JSONL file. */
  path?: string;
  /** Write to stdout (default true); tests and benchmarks may turn it off. */
  stdout?: boolean | NodeJS.WritableStream;
}

interface Destination {
  write(chunk: Buffer): unknown;
  flushSync?: () => void;
}

/**
 * The lines are exactly what pino wrote for these events before (`level` as a label, ISO `time`, the
 * fields, `msg`; a test holds the two byte for byte), built by hand for this fixed schema: pino's generic
 * serializer and a fresh ISO timestamp per line were a tenth of a prediction's server time.
 */
export function createPredictionLog(options: PredictionLogOptions): PredictionLog {
  const destinations: Destination[] = [];
  if (options.stdout !== false) {
    destinations.push(typeof options.stdout === 'object' ? options.stdout : fileDestination({ fd: 1 }));
  }
  if (options.path) {
    destinations.push(fileDestination({ dest: options.path, append: true, mkdir: true }));
  }
  const isoTime = createIsoClock();
  // `"model":{…},"feature_names":[…]` is the same for every event of a model: serialized once per model.
  let lastModel: EventModel | undefined;
  let lastNames: readonly string[] | undefined;
  let modelJson = '';
  let namesJson = '';
  const modelFields = (model: EventModel): string => {
    if (model !== lastModel) {
      lastModel = model;
      modelJson = `,"model":${JSON.stringify({ name: model.name, version: model.version, uri: model.uri })}`;
    }
    return modelJson;
  };
  // Each line is encoded into one reusable buffer as it is made: no string is made of a batch.
  const out = new ByteBuilder();
  const predictionLine = (time: number, e: PredictionEvent): void => {
    const model = modelFields(e.model);
    if (e.featureNames !== lastNames) {
      lastNames = e.featureNames;
      namesJson = `,"feature_names":${JSON.stringify(e.featureNames)}`;
    }
    // One string per line, encoded once: each write into the buffer is a call into Buffer's encoder
    // with a fixed cost (measured: ten writes a line were a tenth of a request's instructions).
    const event = e.synthetic === true ? SYNTHETIC_PREDICTION : PREDICTION;
    out.add(
      `{"level":"info","time":"${isoTime(time)}","event":${event},"request_id":${jsonId(e.requestId)}${model}${namesJson},"features":${e.categories ? rowsJson(e.features, e.categories) : JSON.stringify(e.features)},"predictions":${e.regression === true ? JSON.stringify(e.predictions) : predictionsJson(e.model, e.predictions)},"msg":${event}}\n`,
    );
  };
  const feedbackLine = (time: number, e: FeedbackEvent): void => {
    const id = e.requestId === undefined ? '' : `,"request_id":${jsonId(e.requestId)}`;
    const event = e.synthetic === true ? SYNTHETIC_FEEDBACK : FEEDBACK;
    out.add(
      `{"level":"info","time":"${isoTime(time)}","event":${event}${id}${modelFields(e.model)},"labels":${JSON.stringify(e.labels)}${e.correct === undefined ? '' : `,"correct":${e.correct}`}${e.predictions === undefined ? '' : `,"predictions":${JSON.stringify(e.predictions)}`},"msg":${event}}\n`,
    );
  };

  // A prediction event waits for its batch as the request's own objects (nothing is copied), and the
  // batch's lines are formatted one after the other. Measured under load (docs/BENCHMARKS.md), a line
  // formatted amid each request's HTTP work cost several times its instructions: the formatting code
  // (string building, JSON.stringify, the UTF-8 encoder) had to be fetched again into the CPU's caches
  // every time; 64 in a row fetch it once.
  const off = destinations.length === 0;
  const times = new Float64Array(MAX_LINES);
  const events: Array<PredictionEvent | undefined> = new Array(MAX_LINES).fill(undefined);
  let pending = 0;
  let lines = 0;
  let timer: NodeJS.Timeout | undefined;
  const format = (): void => {
    for (let i = 0; i < pending; i++) {
      predictionLine(times[i] as number, events[i] as PredictionEvent);
      events[i] = undefined;
    }
    lines += pending;
    pending = 0;
  };
  const write = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    format();
    if (lines === 0) return;
    lines = 0;
    const chunk = out.take();
    for (const d of destinations) d.write(chunk);
  };
  const added = (): void => {
    if (pending + lines >= MAX_LINES) write();
    else if (timer === undefined) {
      timer = setTimeout(write, MAX_WAIT_MS);
      timer.unref();
    }
  };

  return {
    prediction(event) {
      if (off) return;
      times[pending] = Date.now();
      events[pending++] = event;
      added();
    },
    feedback(event) {
      if (off) return;
      // The predictions before it are formatted first: lines stay in the order of their events.
      format();
      feedbackLine(Date.now(), event);
      lines++;
      added();
    },
    flush() {
      write();
      for (const d of destinations) {
        try {
          d.flushSync?.();
        } catch {
          // A destination that never opened has nothing buffered.
        }
      }
    },
  };
}

/**
 * Rows of a model with categorical features as JSON: a category's text (or integer) for its code, null
 * for a missing value (NaN, as JSON.stringify writes it for the numeric features).
 */
function rowsJson(
  rows: readonly number[][],
  categories: ReadonlyArray<readonly (string | number)[] | undefined>,
): string {
  return JSON.stringify(
    rows.map((row) =>
      row.map((v, j) => {
        const names = categories[j];
        return names === undefined || v !== v ? v : names[v];
      }),
    ),
  );
}

/**
 * pino's destination (sonic-boom) for a file descriptor or a path, taking buffers: it writes
 * asynchronously (a libuv worker does the write) what it is handed, one write at a time; what arrives
 * meanwhile waits for the next. (Its type declares string chunks only; in buffer mode it takes buffers.)
 */
function fileDestination(where: { fd: number } | { dest: string; append: true; mkdir: true }): Destination {
  return pino.destination({
    ...where,
    sync: false,
    minLength: 0,
    contentMode: 'buffer',
  }) as unknown as Destination;
}

/**
 * Appends UTF-8 text to one reusable buffer, grown when needed; `take` copies out what was written.
 * A batch joined into one string copied every line once more and kept the lines alive until the batch
 * was written; encoded as it is made, a line's string is garbage at once.
 */
class ByteBuilder {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  add(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (this.length + text.length * 3 > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + text.length * 3));
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    this.length += this.bytes.write(text, this.length);
  }

  /** What was written, as a buffer of its own (the destinations keep it until written); then empty. */
  take(): Buffer {
    const chunk = Buffer.from(this.bytes.subarray(0, this.length));
    this.length = 0;
    return chunk;
  }
}

const PREDICTION = '"prediction"';
const SYNTHETIC_PREDICTION = '"synthetic_prediction"';
const FEEDBACK = '"feedback"';
const SYNTHETIC_FEEDBACK = '"synthetic_feedback"';

/** Lines are handed to the destinations in batches of this many (about 20 KB)… */
const MAX_LINES = 64;
/** …or this long after the first line of a batch, on a quiet server. */
const MAX_WAIT_MS = 100;

/**
 * `new Date(ms).toISOString()`, with the date and time formatted once per second: the milliseconds are
 * appended from a table. (V8 formats a date through a printf-like formatter, several thousand
 * instructions.)
 */
export function createIsoClock(): (ms: number) => string {
  let second = NaN;
  let prefix = '';
  return (ms) => {
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      const whole = new Date(s * 1000).toISOString();
      // `…T10:00:01.000Z` without its `000Z` (years past 9999 make the text longer, not different).
      prefix = whole.slice(0, whole.length - 4);
    }
    return prefix + (MILLIS[ms - s * 1000] as string);
  };
}

/** `000Z` … `999Z`. */
const MILLIS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);

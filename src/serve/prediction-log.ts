import pino from 'pino';
import { jsonId } from './http/request-id';
import { predictionsJson } from './labels-json';

/** The model fields of an event; a LoadedModel is passed as is. */
export interface EventModel {
  readonly name: string;
  readonly version: string;
  readonly uri: string;
}

/**
 * Writes prediction and feedback events (docs/PREDICTION-LOG.md) as JSON lines: to stdout for the log
 * pipeline (Loki), and appended to a local JSONL file when asked. Writes are asynchronous and batched
 * (about 16 KB, or 100 ms on a quiet server); `flush()` at shutdown loses nothing.
 */
export interface PredictionEvent {
  requestId: string;
  model: EventModel;
  featureNames: readonly string[];
  features: number[][];
  predictions: ReadonlyArray<string | number>;
}

export interface FeedbackEvent {
  requestId?: string;
  model: EventModel;
  labels: ReadonlyArray<string | number>;
  correct: number;
}

/**
 * Writes prediction and feedback events (docs/PREDICTION-LOG.md) as JSON lines: to stdout for the log
 * pipeline (Loki), and appended to a local JSONL file when asked. Events are queued as they happen
 * (the caller must not change their arrays afterwards) and written asynchronously in batches;
 * `flush()` at shutdown loses nothing.
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
  // Lines are written piece by piece into one buffer: no string is made of a line or of a batch.
  const out = new ByteBuilder();
  const predictionLine = (time: number, e: PredictionEvent): void => {
    const model = modelFields(e.model);
    if (e.featureNames !== lastNames) {
      lastNames = e.featureNames;
      namesJson = `,"feature_names":${JSON.stringify(e.featureNames)}`;
    }
    out.add('{"level":"info","time":"');
    out.add(isoTime(time));
    out.add('","event":"prediction","request_id":');
    out.add(jsonId(e.requestId));
    out.add(model);
    out.add(namesJson);
    out.add(',"features":');
    out.add(JSON.stringify(e.features));
    out.add(',"predictions":');
    out.add(predictionsJson(e.model, e.predictions));
    out.add(',"msg":"prediction"}\n');
  };
  const feedbackLine = (time: number, e: FeedbackEvent): void => {
    out.add('{"level":"info","time":"');
    out.add(isoTime(time));
    out.add('","event":"feedback"');
    if (e.requestId !== undefined) {
      out.add(',"request_id":');
      out.add(JSON.stringify(e.requestId));
    }
    out.add(modelFields(e.model));
    out.add(',"labels":');
    out.add(JSON.stringify(e.labels));
    out.add(',"correct":');
    out.add(String(e.correct));
    out.add(',"msg":"feedback"}\n');
  };

  let queue: Queued[] = [];
  let timer: NodeJS.Timeout | undefined;
  const write = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    for (const q of batch) {
      if (q.prediction) predictionLine(q.time, q.prediction);
      else feedbackLine(q.time, q.feedback as FeedbackEvent);
    }
    const chunk = out.take();
    for (const d of destinations) d.write(chunk);
  };
  const enqueue = (queued: Queued): void => {
    queue.push(queued);
    if (queue.length >= MAX_QUEUED) write();
    else if (timer === undefined) {
      timer = setTimeout(write, MAX_WAIT_MS);
      timer.unref();
    }
  };

  return {
    prediction(event) {
      enqueue({ time: Date.now(), prediction: event, feedback: undefined });
    },
    feedback(event) {
      enqueue({ time: Date.now(), prediction: undefined, feedback: event });
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

interface Queued {
  /** When the event happened (ms since the epoch): the line's `time`, whenever it is written. */
  time: number;
  prediction: PredictionEvent | undefined;
  feedback: FeedbackEvent | undefined;
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
 * A line built as a string was a dozen short-lived strings, then flattened into the batch: ~1 KB of
 * garbage per prediction, a tenth of what a request allocates (docs/BENCHMARKS.md).
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

/**
 * Events are formatted and handed over in batches of this many (about 20 KB of lines)…
 */
const MAX_QUEUED = 64;
/** …or this long after the first event of a batch, on a quiet server. */
const MAX_WAIT_MS = 100;

/** `new Date(ms).toISOString()`, formatted once per millisecond rather than once per line. */
function createIsoClock(): (ms: number) => string {
  let lastMs = -1;
  let iso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      iso = new Date(ms).toISOString();
    }
    return iso;
  };
}

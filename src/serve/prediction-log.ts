import pino from 'pino';

/** The model fields of an event; a LoadedModel is passed as is. */
export interface EventModel {
  readonly name: string;
  readonly version: string;
  readonly uri: string;
}

/**
 * Writes prediction and feedback events (docs/PREDICTION-LOG.md) as JSON lines: to stdout for the log
 * pipeline (Loki), and appended to a local JSONL file when asked. Writes are asynchronous and batched
 * per event-loop turn; `flush()` at shutdown loses nothing.
 */
export interface PredictionLog {
  prediction(event: {
    requestId: string;
    model: EventModel;
    featureNames: readonly string[];
    features: number[][];
    predictions: ReadonlyArray<string | number>;
  }): void;
  feedback(event: {
    requestId?: string;
    model: EventModel;
    labels: ReadonlyArray<string | number>;
    correct: number;
  }): void;
  flush(): void;
}

export interface PredictionLogOptions {
  /** Also append to this JSONL file. */
  path?: string;
  /** Write to stdout (default true); tests and benchmarks may turn it off. */
  stdout?: boolean | NodeJS.WritableStream;
}

interface Destination {
  write(chunk: string): unknown;
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
    destinations.push(
      typeof options.stdout === 'object' ? options.stdout : pino.destination({ ...BUFFERED, fd: 1 }),
    );
  }
  if (options.path) {
    destinations.push(pino.destination({ ...BUFFERED, dest: options.path, append: true, mkdir: true }));
  }
  const writer = createBatchWriter(destinations);
  const now = createIsoClock();
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

  return {
    prediction(e) {
      const model = modelFields(e.model);
      if (e.featureNames !== lastNames) {
        lastNames = e.featureNames;
        namesJson = `,"feature_names":${JSON.stringify(e.featureNames)}`;
      }
      writer.write(
        `{"level":"info","time":"${now()}","event":"prediction","request_id":${JSON.stringify(e.requestId)}${model}${namesJson},"features":${JSON.stringify(e.features)},"predictions":${JSON.stringify(e.predictions)},"msg":"prediction"}\n`,
      );
    },
    feedback(e) {
      const id = e.requestId === undefined ? '' : `,"request_id":${JSON.stringify(e.requestId)}`;
      writer.write(
        `{"level":"info","time":"${now()}","event":"feedback"${id}${modelFields(e.model)},"labels":${JSON.stringify(e.labels)},"correct":${e.correct},"msg":"feedback"}\n`,
      );
    },
    flush() {
      writer.flush();
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
 * sonic-boom writes asynchronously (a libuv worker does the write) once 8 KB have gathered, and at least
 * every 250 ms: under load one write per ~30 lines, on a quiet server a line waits at most 250 ms.
 */
const BUFFERED = { sync: false, minLength: 8 * 1024, periodicFlush: 250 } as const;

// A batch larger than this is handed over at once rather than at the end of the event-loop turn.
const MAX_BATCH_CHARS = 64 * 1024;

/**
 * Collects the lines of one event-loop turn and hands them to the destinations in one call: under load
 * one call carries the lines of many requests.
 */
function createBatchWriter(destinations: readonly Destination[]) {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    for (const d of destinations) d.write(chunk);
  };
  return {
    write(line: string): void {
      pending += line;
      if (pending.length >= MAX_BATCH_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/** `new Date().toISOString()`, formatted once per millisecond rather than once per line. */
function createIsoClock(): () => string {
  let lastMs = -1;
  let iso = '';
  return () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      iso = new Date(ms).toISOString();
    }
    return iso;
  };
}

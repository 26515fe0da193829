import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/serve/app';
import { createExplainThread } from '../../src/serve/explain-thread';
import type { Explainer } from '../../src/serve/explain-thread';
import { FeedbackTracker } from '../../src/serve/feedback';
import { ModelHolder } from '../../src/serve/model-holder';
import { createPredictionLog } from '../../src/serve/prediction-log';
import { RowDecoder } from '../../src/serve/input';
import type { LoadedModel, ServableModel } from '../../src/serve/model';
import type { ServeDeps, ServeSettings } from '../../src/serve/context';
import { createServeMetrics } from '../../src/telemetry/serve-metrics';

/** Iris rows the stump model classes 0 and 1. */
export const SETOSA = [5.1, 3.5, 1.4, 0.2];
export const VERSICOLOR = [6.2, 2.9, 4.3, 1.3];

/**
 * A stump forest for tests: two "trees" on petal_length, so probabilities and contributions are easy
 * to check by hand. Class 0 below 2.5, class 1 below 5, else class 2.
 */
export function stumpModel(): ServableModel {
  const featureNames = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  const classes = [0, 1, 2];
  const leaf = (x: number): number[] => (x < 2.5 ? [1, 0, 0] : x < 5 ? [0, 1, 0] : [0, 0.5, 0.5]);
  const prior = [1 / 3, 1 / 3, 1 / 3];
  const features = featureNames.map((name) => ({ name, type: 'numeric' as const }));
  return {
    task: 'classification',
    featureNames,
    features,
    classes,
    decoder: new RowDecoder(features, []),
    predict: (row) => leaf(row[2] as number),
    // One split feature: its SHAP value (and Saabas contribution) is the move from the prior to the leaf.
    explain: (row, { allClasses }) => {
      const p = leaf(row[2] as number);
      const predicted = p.indexOf(Math.max(...p));
      const outputs = allClasses ? [0, 1, 2] : [predicted];
      return {
        prediction: classes[predicted] as number,
        predicted,
        outputs: Float64Array.from(p),
        expected: Float64Array.from(outputs, (k) => prior[k] as number),
        shap: Float64Array.from(
          featureNames.flatMap((_, j) =>
            outputs.map((k) => (j === 2 ? (p[k] as number) - (prior[k] as number) : 0)),
          ),
        ),
      };
    },
  };
}

export function loaded(version: string, model: ServableModel = stumpModel(), name = 'iris'): LoadedModel {
  return {
    model,
    name,
    version,
    uri: `models:/${name}/${version}`,
    loadedAt: new Date().toISOString(),
    metrics: { accuracy: 0.9 },
  };
}

export interface TestServer {
  url: string;
  deps: ServeDeps;
  /** Prediction log lines written so far, parsed. */
  events(): Array<Record<string, unknown>>;
  logs(): Array<Record<string, unknown>>;
  close(): Promise<void>;
  server: Server;
}

export interface TestServerOptions {
  model?: LoadedModel | null;
  settings?: Partial<ServeSettings>;
  reload?: ServeDeps['reload'];
  tracer?: ServeDeps['tracer'];
  /** Default: the explanation thread of dist/ (npm test builds it first). */
  explainer?: Explainer;
}

/** The compiled explanation thread: worker threads run JavaScript, and ts-jest compiles in memory only. */
export const EXPLAIN_WORKER = join(__dirname, '..', '..', 'dist', 'serve', 'explain-worker.js');

/** What the app needs, with its own metrics, logs and model holder; the logs are kept for the test. */
export function createTestDeps(
  options: TestServerOptions = {},
): Pick<TestServer, 'deps' | 'events' | 'logs'> {
  const metrics = createServeMetrics({ defaultMetrics: false });
  const holder = new ModelHolder(metrics);
  if (options.model !== null) holder.set(options.model ?? loaded('1'));
  const eventStream = new PassThrough();
  const eventChunks: string[] = [];
  eventStream.on('data', (c: Buffer) => eventChunks.push(c.toString('utf8')));
  const logStream = new PassThrough();
  const logChunks: string[] = [];
  logStream.on('data', (c: Buffer) => logChunks.push(c.toString('utf8')));
  const deps: ServeDeps = {
    holder,
    metrics,
    logger: pino({ level: 'debug' }, logStream),
    predictionLog: createPredictionLog({ stdout: eventStream }),
    feedback: new FeedbackTracker({ maxRequests: 1000, window: 100 }),
    settings: {
      maxBatch: 1000,
      explainMaxRows: 100,
      maxBodyBytes: 1 << 20,
      adminTokenHeader: 'X-Admin-Token',
      correlationHeader: 'X-Correlation-ID',
      ...options.settings,
    },
    explainer: options.explainer ?? createExplainThread({ workerScript: EXPLAIN_WORKER }),
    reload: options.reload,
    version: '0.0.0-test',
    tracer: options.tracer,
  };
  const parse = (chunks: string[]) =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    deps,
    events: () => {
      // The log writes in batches (or after 100 ms): what was logged so far is what a test asks about.
      deps.predictionLog.flush();
      return parse(eventChunks);
    },
    logs: () => parse(logChunks),
  };
}

/** A real HTTP server on 127.0.0.1, port 0, with its own metrics, logs and model holder. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { deps, events, logs } = createTestDeps(options);
  const server = createServer(createApp(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    server,
    events,
    logs,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.explainer.close();
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
}

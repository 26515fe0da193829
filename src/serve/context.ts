import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { ServeMetrics } from '../telemetry/serve-metrics';
import type { FeedbackTracker } from './feedback';
import type { LoadedModel } from './model';
import type { ModelHolder } from './model-holder';
import type { PredictionLog } from './prediction-log';
import type { RefreshResult } from './refresher';

export interface ServeSettings {
  maxBatch: number;
  maxBodyBytes: number;
  /** Admin endpoints are disabled (403) when no token is configured, never open. */
  adminToken?: string;
  adminTokenHeader: string;
  correlationHeader: string;
}

/** Everything the routes use, passed in: no module state, so tests build as many servers as they like. */
export interface ServeDeps {
  holder: ModelHolder;
  metrics: ServeMetrics;
  logger: Logger;
  predictionLog: PredictionLog;
  feedback: FeedbackTracker;
  settings: ServeSettings;
  /** Forces a reload from the model source (admin endpoint). */
  reload?: () => Promise<RefreshResult>;
  version: string;
}

/** One request as a route sees it. `model` is taken once at the start: a hot swap never changes it mid-request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly params: Readonly<Record<string, string>>;
  readonly requestId: string;
  readonly model: LoadedModel | undefined;
  /** The body of a route that declares one (`RouteDef.body`): the parsed JSON, or the bytes. */
  readonly body: unknown;
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Defaults to JSON; a string body with another type is sent as is. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** How errors look on the wire: ours, MLflow's scoring protocol, or the Open Inference Protocol. */
export type ErrorStyle = 'native' | 'mlflow' | 'oip';

export interface RouteDef {
  handler: (ctx: RequestContext, deps: ServeDeps) => Promise<Reply> | Reply;
  errorStyle?: ErrorStyle;
  /**
   * The body the route takes, read by the app (at most MAX_BODY_BYTES, else 413) before the handler
   * runs: `json` is parsed (400 when it is not JSON), `raw` is handed over as bytes.
   */
  body?: 'json' | 'raw';
  /**
   * Checks the request before its body is read, throwing HttpError (e.g. 415 for its content type).
   * For a `json` body the default insists on application/json or a `+json` type.
   */
  accepts?: (req: IncomingMessage) => void;
  /**
   * A cheaper parse of a `json` body tried first: the value JSON.parse would give, or undefined to
   * leave the body to JSON.parse (and its errors).
   */
  parseFast?: (bytes: Buffer) => unknown;
}

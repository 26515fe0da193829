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
  req: IncomingMessage;
  params: Record<string, string>;
  requestId: string;
  model: LoadedModel | undefined;
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
}

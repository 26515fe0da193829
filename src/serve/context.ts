import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ServeMetrics } from '../telemetry/serve-metrics';
import type { Tracer } from '../telemetry/tracing/types';
import { Exchange } from './http/handler';
import type { RouteDef as HttpRouteDef } from './http/handler';
import type { Explainer } from './explain-thread';
import type { FeedbackTracker } from './feedback';
import type { LoadedModel } from './model';
import type { ModelHolder } from './model-holder';
import type { PredictionLog } from './prediction-log';
import type { RefreshResult } from './refresher';
import { SYNTHETIC_HEADER } from './synthetic';

export type { ErrorStyle, Reply } from './http/handler';

export interface ServeSettings {
  maxBatch: number;
  /** Most rows one /explain request may carry (EXPLAIN_MAX_ROWS): TreeSHAP of a deep forest is slow. */
  explainMaxRows: number;
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
  /** Explains /explain's rows on a worker thread, so that they never hold up other requests. */
  explainer: Explainer;
  /** Forces a reload from the model source (admin endpoint). */
  reload?: () => Promise<RefreshResult>;
  version: string;
  /** Exports a span per request when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracer?: Tracer;
}

/**
 * One request to `mlctl serve` as its route sees it. `model` is taken once at the start: a hot swap never
 * changes it mid-request.
 */
export class ServeExchange extends Exchange {
  /** Rows scored for this request (for its span); 0 when none were. */
  rows = 0;
  /** Synthetic traffic (./synthetic.ts): kept out of drift rows, the feedback store and the counters. */
  readonly synthetic: boolean;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    method: string,
    readonly model: LoadedModel | undefined,
  ) {
    super(req, res, requestId, method);
    this.synthetic = req.headers[SYNTHETIC] !== undefined;
  }
}

/** The synthetic-traffic header as node:http keys it. */
const SYNTHETIC = SYNTHETIC_HEADER.toLowerCase();

/** One request as a route sees it. */
export type RequestContext = ServeExchange;

export type RouteDef = HttpRouteDef<ServeExchange, ServeDeps>;

import { MlctlError } from '../errors';
import { argmax } from './model';
import type { LoadedModel } from './model';
import type { RequestContext, ServeDeps } from './context';

export interface Scored {
  predictions: Array<string | number>;
  probabilities: number[][];
}

/** The model of this request, or 503 when none is loaded yet. */
export function requireModel(ctx: RequestContext): LoadedModel {
  if (!ctx.model) {
    throw new MlctlError(
      'MODEL_NOT_READY',
      'no model is loaded yet; the server is starting or the registry is unreachable',
      { hint: 'GET /health shows the registry status and the last error' },
    );
  }
  return ctx.model;
}

/**
 * Scores rows with the request's model, and does what every prediction does whatever the protocol:
 * counts it, logs it as a prediction event, and remembers it for feedback. A synthetic request (the
 * canary's smoke test) is logged as a `synthetic_prediction` event and changes nothing else: no
 * prediction counter, no feedback memory, so drift and live accuracy see real traffic only.
 */
export function scoreRows(
  ctx: RequestContext,
  deps: ServeDeps,
  model: LoadedModel,
  rows: number[][],
): Scored {
  const { classes } = model.model;
  const predictions: Array<string | number> = new Array(rows.length);
  const probabilities: number[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const p = model.model.predictProba(rows[i] as number[]);
    probabilities[i] = p;
    predictions[i] = classes[argmax(p)] as string | number;
  }
  ctx.rows += rows.length;
  const synthetic = ctx.synthetic;
  if (!synthetic) deps.metrics.countPredictions(model.version, predictions);
  deps.predictionLog.prediction({
    requestId: ctx.requestId,
    model,
    featureNames: model.model.featureNames,
    features: rows,
    predictions,
    synthetic,
  });
  if (!synthetic) deps.feedback.remember(ctx.requestId, model.version, predictions);
  return { predictions, probabilities };
}

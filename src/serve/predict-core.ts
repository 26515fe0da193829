import { MlctlError } from '../errors';
import { argmax } from './model';
import type { LoadedModel } from './model';
import type { RequestContext, ServeDeps } from './context';
import type { DecodedRows } from './input';

export interface Scored {
  /** Classes (classification) or numbers (regression), one per row. */
  predictions: Array<string | number>;
  /** Class probabilities per row; undefined for a regression model. */
  probabilities?: number[][];
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
 * Scores decoded rows with the request's model, and does what every prediction does whatever the
 * protocol: counts it (and the unknown categories it met), logs it as a prediction event, and remembers
 * it for feedback. A synthetic request (the canary's smoke test) is logged as a `synthetic_prediction`
 * event and changes nothing else: no counter, no feedback memory, so drift and live quality see real
 * traffic only.
 */
export function scoreRows(
  ctx: RequestContext,
  deps: ServeDeps,
  model: LoadedModel,
  decoded: DecodedRows,
): Scored {
  const { rows } = decoded;
  const served = model.model;
  const predictions: Array<string | number> = new Array(rows.length);
  let probabilities: number[][] | undefined;
  if (served.task === 'regression') {
    for (let i = 0; i < rows.length; i++) predictions[i] = served.predict(rows[i] as number[])[0] as number;
  } else {
    const { classes } = served;
    probabilities = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const p = served.predict(rows[i] as number[]);
      probabilities[i] = p;
      predictions[i] = classes[argmax(p)] as string | number;
    }
  }
  ctx.rows += rows.length;
  const synthetic = ctx.synthetic;
  if (!synthetic) {
    if (probabilities) deps.metrics.countPredictions(model.version, predictions);
    else deps.metrics.countRows(model.version, rows.length);
    if (decoded.unknown) {
      for (const [feature, n] of Object.entries(decoded.unknown))
        deps.metrics.unknownCategories.inc({ feature }, n);
    }
  }
  deps.predictionLog.prediction({
    requestId: ctx.requestId,
    model,
    featureNames: served.featureNames,
    features: rows,
    categories: served.categories,
    predictions,
    regression: probabilities === undefined,
    synthetic,
  });
  if (!synthetic) deps.feedback.remember(ctx.requestId, model.version, predictions);
  return probabilities ? { predictions, probabilities } : { predictions };
}

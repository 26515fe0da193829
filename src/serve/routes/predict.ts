import { MlctlError } from '../../errors';
import { plural } from '../../format/plural';
import { badRequest } from '../http/errors';
import { parseNumberRows } from '../http/number-rows';
import { predictionsJson } from '../labels-json';
import { requireModel, scoreRows } from '../predict-core';
import type { RouteDef } from '../context';
import type { LoadedModel } from '../model';
import { explanationDocument } from '../../forest/shap-rows';
import type { ExplainMethod } from '../../forest/shap-rows';

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the body must be a JSON object, e.g. {"features": [[5.1, 3.5, 1.4, 0.2]]}');
  }
  return body as Record<string, unknown>;
}

/** POST /predict `{"features": [[…], …]}` (rows as arrays in feature order, or objects by name). */
export const predictRoute: RouteDef = {
  body: 'json',
  parseFast(bytes) {
    const features = parseNumberRows(bytes, 'features');
    return features && { features };
  },
  handler(ctx, deps) {
    const body = objectBody(ctx.body);
    const model = requireModel(ctx);
    const decoded = model.model.decoder.rows(body.features, { maxBatch: deps.settings.maxBatch });
    const scored = scoreRows(ctx, deps, model, decoded);
    // The same JSON as JSON.stringify of {predictions, probabilities, classes, model_version,
    // request_id}, with the model's part serialized once per model. A request id needs no escaping
    // (requestIdFrom adopts only ids of JSON-safe characters, or makes a UUID). A regression model
    // answers its numbers alone: no probabilities, no classes.
    const { probabilities } = scored;
    return {
      body:
        probabilities === undefined
          ? `{"predictions":${JSON.stringify(scored.predictions)}${replyTail(model)}"${ctx.requestId}"}`
          : `{"predictions":${predictionsJson(model, scored.predictions)},"probabilities":${JSON.stringify(probabilities)}${replyTail(model)}"${ctx.requestId}"}`,
      contentType: JSON_TYPE,
    };
  },
};

const JSON_TYPE = 'application/json; charset=utf-8';
// A memo of immutable models (a hot swap brings a new one), not state: the same model, the same text.
const replyTails = new WeakMap<LoadedModel, string>();

/** `,"classes":[…],"model_version":"…","request_id":` of a model's /predict replies (no classes: regression). */
function replyTail(model: LoadedModel): string {
  let tail = replyTails.get(model);
  if (tail === undefined) {
    const classes =
      model.model.task === 'regression' ? '' : `,"classes":${JSON.stringify(model.model.classes)}`;
    tail = `${classes},"model_version":${JSON.stringify(model.version)},"request_id":`;
    replyTails.set(model, tail);
  }
  return tail;
}

const EXPLAIN_METHODS = ['tree_shap', 'saabas'] as const;

/**
 * POST /explain `{"features": row or [rows], "all_classes"?: bool, "method"?: "tree_shap"|"saabas"}`:
 * for each row its prediction and, for the predicted class (or every class), the expected value and one
 * value per feature — exact TreeSHAP values by default, `expected_value + Σ shap_values = probability`
 * (or the predicted value). Rows are decoded as every other route decodes them (text categories, null
 * for a missing value) and count as predictions, as on /predict. The explaining happens on serve's
 * explanation thread (deps.explainer), with the model the request started with, at most
 * EXPLAIN_MAX_ROWS rows a request.
 */
export const explainRoute: RouteDef = {
  body: 'json',
  async handler(ctx, deps) {
    const body = objectBody(ctx.body);
    const model = requireModel(ctx);
    const { classes, featureNames } = model.model;
    const method = body.method === undefined ? 'tree_shap' : body.method;
    if (!EXPLAIN_METHODS.includes(method as never)) {
      throw badRequest(`method is ${JSON.stringify(method)}; expected "tree_shap" (default) or "saabas"`, {
        field: 'method',
      });
    }
    const allClasses = body.all_classes === undefined ? false : body.all_classes;
    if (typeof allClasses !== 'boolean')
      throw badRequest('all_classes must be true or false', { field: 'all_classes' });
    const { task } = model.model;
    if (allClasses && task === 'regression')
      throw badRequest('all_classes: a regression model has one output, with no classes', {
        field: 'all_classes',
      });
    // One row (an array of values, or an object by name) or a list of rows, as /predict takes them.
    const raw = body.features;
    const one = (Array.isArray(raw) && !raw.some((v) => Array.isArray(v) || isRecord(v))) || isRecord(raw);
    const { explainMaxRows } = deps.settings;
    if (!one && Array.isArray(raw) && raw.length > explainMaxRows)
      throw explainTooLarge(raw.length, explainMaxRows);
    const decoded = model.model.decoder.rows(one ? [raw] : raw, { maxBatch: deps.settings.maxBatch });
    const { rows } = decoded;
    const explained = await deps.explainer.explain(model.model, rows, {
      allClasses,
      method: method as ExplainMethod,
    });
    // Counted and logged once explained: a request whose explaining failed predicted nothing.
    const scored = scoreRows(ctx, deps, model, decoded);
    const shape = { task, classes, features: featureNames, allClasses } as const;
    const key = method === 'saabas' ? 'contributions' : 'shap_values';
    const explanations = explained.map((e, i) => ({
      ...explanationDocument(e, shape, key),
      prediction: scored.predictions[i],
    }));
    return {
      body: {
        method,
        classes,
        explanations,
        model_version: model.version,
        request_id: ctx.requestId,
      },
    };
  },
};

/** More rows than EXPLAIN_MAX_ROWS: 413, as a batch over MAX_BATCH_SIZE is. */
function explainTooLarge(rows: number, max: number): MlctlError {
  return new MlctlError(
    'REQUEST_TOO_LARGE',
    `/explain takes at most ${plural(max, 'row')} a request (EXPLAIN_MAX_ROWS); this one has ${rows}`,
    {
      details: { field: 'features' },
      hint: `Split the rows into requests of at most ${max}, or raise EXPLAIN_MAX_ROWS (each row costs TreeSHAP time on the one explanation thread)`,
    },
  );
}

function isRecord(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * POST /feedback: ground truth for an earlier request (`{"request_id", "labels"}`), or for rows sent
 * again (`{"features", "labels"}`). Classification: labels are classes, and update the live accuracy;
 * regression: labels are the true numbers, and update the live RMSE and MAE.
 */
export const feedbackRoute: RouteDef = {
  body: 'json',
  handler(ctx, deps) {
    const body = objectBody(ctx.body);
    const model = requireModel(ctx);
    const regression = model.model.task === 'regression';
    const labels = checkLabels(body.labels, model);
    let predictions: Array<string | number>;
    let version = model.version;
    let requestId: string | undefined;
    if (typeof body.request_id === 'string' && body.request_id !== '') {
      requestId = body.request_id;
      const remembered = deps.feedback.lookup(requestId);
      if (!remembered) {
        throw new MlctlError(
          'RESOURCE_DOES_NOT_EXIST',
          `unknown request_id ${JSON.stringify(requestId)}: not predicted here, or too long ago`,
          {
            details: { field: 'request_id' },
            hint: 'Send {"features", "labels"} instead to score the rows again',
          },
        );
      }
      predictions = remembered.predictions;
      version = remembered.version;
      if (regression && predictions.some((p) => typeof p !== 'number')) {
        throw badRequest(
          `request ${JSON.stringify(requestId)} was answered with classes (model version ${version}); this model takes numbers`,
          { field: 'request_id' },
        );
      }
    } else if (body.features !== undefined) {
      const decoded = model.model.decoder.rows(body.features, { maxBatch: deps.settings.maxBatch });
      predictions = scoreRows(ctx, deps, model, decoded).predictions;
    } else {
      throw badRequest('send either request_id (of an earlier /predict) or features, with labels', {
        field: 'request_id',
      });
    }
    if (labels.length !== predictions.length) {
      throw badRequest(
        `labels has ${plural(labels.length, 'entry', 'entries')}; the request had ${plural(predictions.length, 'row')}`,
        {
          field: 'labels',
        },
      );
    }
    const event = { requestId, model: { name: model.name, version, uri: model.uri }, labels };
    const tail = { window: 0, request_id: ctx.requestId };
    if (regression) {
      const values = predictions as number[];
      const truth = labels as number[];
      // Synthetic feedback is logged, but counts nowhere: live error is real traffic's.
      if (!ctx.synthetic) {
        deps.feedback.scoreValues(version, values, truth);
        deps.metrics.feedback.inc(truth.length);
      }
      const live = deps.feedback.error(model.version);
      if (live !== undefined && !ctx.synthetic) {
        deps.metrics.modelError.set({ source: 'feedback', metric: 'rmse' }, live.rmse);
        deps.metrics.modelError.set({ source: 'feedback', metric: 'mae' }, live.mae);
      }
      deps.predictionLog.feedback({ ...event, predictions: values, synthetic: ctx.synthetic });
      tail.window = deps.feedback.windowSize;
      return {
        body: {
          accepted: truth.length,
          model_version: version,
          live_rmse: live?.rmse ?? null,
          live_mae: live?.mae ?? null,
          ...tail,
        },
      };
    }
    // Synthetic feedback is scored and logged, but counts nowhere: live accuracy is real traffic's.
    const outcome = ctx.synthetic
      ? countCorrect(predictions, labels)
      : deps.feedback.score(version, predictions, labels);
    if (!ctx.synthetic) {
      deps.metrics.feedback.inc({ correct: 'true' }, outcome.correct);
      deps.metrics.feedback.inc({ correct: 'false' }, outcome.accepted - outcome.correct);
    }
    const live = deps.feedback.accuracy(model.version);
    if (live !== undefined && !ctx.synthetic) deps.metrics.accuracy.set({ source: 'feedback' }, live);
    deps.predictionLog.feedback({ ...event, correct: outcome.correct, synthetic: ctx.synthetic });
    tail.window = deps.feedback.windowSize;
    return {
      body: {
        accepted: outcome.accepted,
        correct: outcome.correct,
        model_version: version,
        live_accuracy: live ?? null,
        ...tail,
      },
    };
  },
};

/** Labels: one of the model's classes each, or (regression) finite numbers. */
function checkLabels(labels: unknown, model: LoadedModel): Array<string | number> {
  const regression = model.model.task === 'regression';
  if (!Array.isArray(labels) || labels.length === 0) {
    throw badRequest(`labels must be a non-empty array of ${regression ? 'numbers' : 'classes'}`, {
      field: 'labels',
    });
  }
  const known = new Set(model.model.classes.map(String));
  labels.forEach((label, i) => {
    const ok = regression
      ? typeof label === 'number' && Number.isFinite(label)
      : (typeof label === 'number' || typeof label === 'string') && known.has(String(label));
    if (!ok) {
      throw badRequest(
        `labels[${i}] is ${JSON.stringify(label)}; expected ${regression ? 'the true value, a finite number' : `one of ${[...known].join(', ')}`}`,
        { field: 'labels', row: i },
      );
    }
  });
  return labels as Array<string | number>;
}

/** How many labels match their predictions, without recording anything. */
function countCorrect(
  predictions: ReadonlyArray<string | number>,
  labels: ReadonlyArray<string | number>,
): { accepted: number; correct: number } {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (String(predictions[i]) === String(labels[i])) correct++;
  return { accepted: labels.length, correct };
}

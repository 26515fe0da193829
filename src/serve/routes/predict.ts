import { MlctlError } from '../../errors';
import { badRequest } from '../http/errors';
import { parseNumberRows } from '../http/number-rows';
import { predictionsJson } from '../labels-json';
import { parseRow, parseRows } from '../input';
import { argmax } from '../model';
import { requireModel, scoreRows } from '../predict-core';
import type { RouteDef } from '../context';
import type { LoadedModel } from '../model';

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
    const rows = parseRows(body.features, model.model.featureNames, { maxBatch: deps.settings.maxBatch });
    const scored = scoreRows(ctx, deps, model, rows);
    // The same JSON as JSON.stringify of {predictions, probabilities, classes, model_version,
    // request_id}, with the model's part serialized once per model. A request id needs no escaping
    // (requestIdFrom adopts only ids of JSON-safe characters, or makes a UUID).
    return {
      body: `{"predictions":${predictionsJson(model, scored.predictions)},"probabilities":${JSON.stringify(scored.probabilities)}${replyTail(model)}"${ctx.requestId}"}`,
      contentType: JSON_TYPE,
    };
  },
};

const JSON_TYPE = 'application/json; charset=utf-8';
// A memo of immutable models (a hot swap brings a new one), not state: the same model, the same text.
const replyTails = new WeakMap<LoadedModel, string>();

/** `,"classes":[…],"model_version":"…","request_id":` of a model's /predict replies. */
function replyTail(model: LoadedModel): string {
  let tail = replyTails.get(model);
  if (tail === undefined) {
    tail = `,"classes":${JSON.stringify(model.model.classes)},"model_version":${JSON.stringify(model.version)},"request_id":`;
    replyTails.set(model, tail);
  }
  return tail;
}

/**
 * POST /explain: one row → the predicted class and each feature's contribution to its probability
 * (exact tree-path decomposition: bias + Σ contributions = probability).
 */
export const explainRoute: RouteDef = {
  body: 'json',
  handler(ctx, deps) {
    const body = objectBody(ctx.body);
    const model = requireModel(ctx);
    let raw = body.features;
    if (Array.isArray(raw) && raw.length === 1 && (Array.isArray(raw[0]) || typeof raw[0] === 'object'))
      raw = raw[0];
    if (Array.isArray(raw) && raw.some((v) => Array.isArray(v))) {
      throw badRequest('/explain takes exactly one row; call it once per row', { field: 'features' });
    }
    const row = parseRow(raw, 0, model.model.featureNames);
    const scored = scoreRows(ctx, deps, model, [row]);
    const probabilities = scored.probabilities[0] as number[];
    const k = argmax(probabilities);
    const { bias, contributions } = model.model.explain(row);
    const names = model.model.featureNames;
    return {
      body: {
        prediction: scored.predictions[0],
        probability: probabilities[k],
        probabilities,
        classes: model.model.classes,
        bias: bias[k],
        contributions: Object.fromEntries(names.map((name, j) => [name, (contributions[j] as number[])[k]])),
        feature_values: Object.fromEntries(names.map((name, j) => [name, row[j]])),
        method:
          'tree-path decomposition (Saabas): bias + Σ contributions = probability of the predicted class',
        model_version: model.version,
        request_id: ctx.requestId,
      },
    };
  },
};

/**
 * POST /feedback: ground truth for an earlier request (`{"request_id", "labels"}`), or for rows sent
 * again (`{"features", "labels"}`). Updates the live accuracy.
 */
export const feedbackRoute: RouteDef = {
  body: 'json',
  handler(ctx, deps) {
    const body = objectBody(ctx.body);
    const model = requireModel(ctx);
    const labels = body.labels;
    if (!Array.isArray(labels) || labels.length === 0) {
      throw badRequest('labels must be a non-empty array of classes', { field: 'labels' });
    }
    const known = new Set(model.model.classes.map(String));
    labels.forEach((label, i) => {
      if ((typeof label !== 'number' && typeof label !== 'string') || !known.has(String(label))) {
        throw badRequest(
          `labels[${i}] is ${JSON.stringify(label)}; expected one of ${[...known].join(', ')}`,
          {
            field: 'labels',
            row: i,
          },
        );
      }
    });
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
    } else if (body.features !== undefined) {
      const rows = parseRows(body.features, model.model.featureNames, { maxBatch: deps.settings.maxBatch });
      predictions = scoreRows(ctx, deps, model, rows).predictions;
    } else {
      throw badRequest('send either request_id (of an earlier /predict) or features, with labels', {
        field: 'request_id',
      });
    }
    if (labels.length !== predictions.length) {
      throw badRequest(`labels has ${labels.length} entries; the request had ${predictions.length} rows`, {
        field: 'labels',
      });
    }
    const feedback = labels as Array<string | number>;
    // Synthetic feedback is scored and logged, but counts nowhere: live accuracy is real traffic's.
    const outcome = ctx.synthetic
      ? countCorrect(predictions, feedback)
      : deps.feedback.score(version, predictions, feedback);
    if (!ctx.synthetic) {
      deps.metrics.feedback.inc({ correct: 'true' }, outcome.correct);
      deps.metrics.feedback.inc({ correct: 'false' }, outcome.accepted - outcome.correct);
    }
    const live = deps.feedback.accuracy(model.version);
    if (live !== undefined && !ctx.synthetic) deps.metrics.accuracy.set({ source: 'feedback' }, live);
    deps.predictionLog.feedback({
      requestId,
      model: { name: model.name, version, uri: model.uri },
      labels: feedback,
      correct: outcome.correct,
      synthetic: ctx.synthetic,
    });
    return {
      body: {
        accepted: outcome.accepted,
        correct: outcome.correct,
        model_version: version,
        live_accuracy: live ?? null,
        window: deps.feedback.windowSize,
        request_id: ctx.requestId,
      },
    };
  },
};

/** How many labels match their predictions, without recording anything. */
function countCorrect(
  predictions: ReadonlyArray<string | number>,
  labels: ReadonlyArray<string | number>,
): { accepted: number; correct: number } {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (String(predictions[i]) === String(labels[i])) correct++;
  return { accepted: labels.length, correct };
}

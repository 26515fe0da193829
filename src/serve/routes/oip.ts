import { HttpError, badRequest } from '../http/errors';
import { parseRows } from '../input';
import { scoreRows } from '../predict-core';
import type { LoadedModel } from '../model';
import type { RequestContext, RouteDef } from '../context';

/**
 * The Open Inference Protocol v2 (KServe, Triton, MLServer): one model, named as the registry names it.
 * Errors are `{"error": "..."}`; an unknown model is 404, a model not loaded 503.
 */
function namedModel(ctx: RequestContext): LoadedModel {
  const model = ctx.model;
  const { name, version } = ctx.params;
  if (model && name !== model.name) throw new HttpError(404, `Model with name ${name} does not exist.`);
  if (!model) throw new HttpError(503, `Model with name ${name} is not ready.`);
  if (version !== undefined && version !== model.version) {
    throw new HttpError(
      404,
      `Model with name ${name} and version ${version} does not exist (serving version ${model.version}).`,
    );
  }
  return model;
}

export const oipServerMetadata: RouteDef = {
  errorStyle: 'oip',
  handler: (_ctx, deps) => ({ body: { name: 'mlctl', version: deps.version, extensions: [] } }),
};

export const oipLive: RouteDef = { errorStyle: 'oip', handler: () => ({ body: { live: true } }) };

export const oipReady: RouteDef = {
  errorStyle: 'oip',
  handler: (ctx) => ({ status: ctx.model ? 200 : 503, body: { ready: ctx.model !== undefined } }),
};

export const oipModelReady: RouteDef = {
  errorStyle: 'oip',
  handler(ctx) {
    const ready = ctx.model !== undefined && ctx.model.name === ctx.params.name;
    if (ctx.model && ctx.model.name !== ctx.params.name)
      throw new HttpError(404, `Model with name ${ctx.params.name} does not exist.`);
    return { status: ready ? 200 : 503, body: { name: ctx.params.name, ready } };
  },
};

export const oipModelMetadata: RouteDef = {
  errorStyle: 'oip',
  handler(ctx) {
    const model = namedModel(ctx);
    return {
      body: {
        name: model.name,
        versions: [model.version],
        platform: 'mlctl-random-forest',
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, model.model.featureNames.length] }],
        outputs: [
          {
            name: 'predict',
            datatype: typeof model.model.classes[0] === 'number' ? 'INT64' : 'BYTES',
            shape: [-1],
          },
          { name: 'predict_proba', datatype: 'FP64', shape: [-1, model.model.classes.length] },
        ],
        parameters: { feature_names: model.model.featureNames, classes: model.model.classes },
      },
    };
  },
};

export const OIP_NUMERIC_TYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
] as const;
const NUMERIC = new Set<string>(OIP_NUMERIC_TYPES);

export const oipInfer: RouteDef = {
  errorStyle: 'oip',
  body: 'json',
  handler(ctx, deps) {
    const doc = ctx.body;
    const model = namedModel(ctx);
    const request = doc as { id?: unknown; inputs?: unknown; outputs?: unknown } | null;
    if (
      !request ||
      typeof request !== 'object' ||
      !Array.isArray(request.inputs) ||
      request.inputs.length !== 1
    ) {
      throw badRequest('inputs must hold exactly one tensor of shape [rows, features]');
    }
    const tensor = request.inputs[0] as {
      name?: unknown;
      shape?: unknown;
      datatype?: unknown;
      data?: unknown;
    } | null;
    if (tensor === null || typeof tensor !== 'object' || Array.isArray(tensor)) {
      throw badRequest('inputs[0] must be a tensor object {name, shape, datatype, data}');
    }
    if (typeof tensor.datatype !== 'string' || !NUMERIC.has(tensor.datatype)) {
      throw badRequest(`inputs[0].datatype must be a numeric type, got ${JSON.stringify(tensor.datatype)}`);
    }
    const d = model.model.featureNames.length;
    const shape = tensor.shape;
    if (
      !Array.isArray(shape) ||
      shape.length !== 2 ||
      shape[1] !== d ||
      !Number.isInteger(shape[0]) ||
      (shape[0] as number) < 1
    ) {
      throw badRequest(`inputs[0].shape must be [rows, ${d}], got ${JSON.stringify(shape)}`);
    }
    const n = shape[0] as number;
    const flat = Array.isArray(tensor.data) ? (tensor.data as unknown[]).flat(Infinity as 1) : undefined;
    if (!flat || flat.length !== n * d) {
      throw badRequest(
        `inputs[0].data must hold ${n * d} values (shape ${JSON.stringify(shape)}), row-major, nested or flat`,
      );
    }
    const rows = parseRows(
      Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d)),
      model.model.featureNames,
      { maxBatch: deps.settings.maxBatch },
      'inputs[0].data',
    );
    const scored = scoreRows(ctx, deps, model, rows);
    const numericClasses = typeof model.model.classes[0] === 'number';
    return {
      body: {
        model_name: model.name,
        model_version: model.version,
        id: typeof request.id === 'string' ? request.id : ctx.requestId,
        outputs: [
          {
            name: 'predict',
            shape: [n],
            datatype: numericClasses ? 'INT64' : 'BYTES',
            data: scored.predictions,
          },
          {
            name: 'predict_proba',
            shape: [n, model.model.classes.length],
            datatype: 'FP64',
            data: scored.probabilities.flat(),
          },
        ],
      },
    };
  },
};

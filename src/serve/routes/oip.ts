import { MlctlError } from '../../errors';
import { contentTypeParts, parseJson } from '../http/body';
import { badRequest } from '../http/errors';
import { parseRows } from '../input';
import { scoreRows } from '../predict-core';
import type { LoadedModel } from '../model';
import { ELEMENT_BYTES, decodeTensor, encodeTensor, splitBinaryBody } from './oip-binary';
import type { RequestContext, RouteDef } from '../context';

/**
 * The Open Inference Protocol v2 (KServe, Triton, MLServer): one model, named as the registry names it.
 * Errors are `{"error": "..."}`; an unknown model is 404, a model not loaded 503.
 */
function namedModel(ctx: RequestContext): LoadedModel {
  const model = ctx.model;
  const { name, version } = ctx.params;
  if (model && name !== model.name) {
    throw new MlctlError('MODEL_NOT_FOUND', `Model with name ${name} does not exist.`);
  }
  if (!model) throw new MlctlError('MODEL_NOT_READY', `Model with name ${name} is not ready.`);
  if (version !== undefined && version !== model.version) {
    throw new MlctlError(
      'MODEL_NOT_FOUND',
      `Model with name ${name} and version ${version} does not exist (serving version ${model.version}).`,
    );
  }
  return model;
}

export const oipServerMetadata: RouteDef = {
  errorStyle: 'oip',
  handler: (_ctx, deps) => ({
    body: { name: 'mlctl', version: deps.version, extensions: ['binary_tensor_data'] },
  }),
};

export const oipLive: RouteDef = { errorStyle: 'oip', handler: () => ({ body: { live: true } }) };

export const oipReady: RouteDef = {
  errorStyle: 'oip',
  handler: (ctx) => ({ status: ctx.model ? 200 : 503, body: { ready: ctx.model !== undefined } }),
};

export const oipModelReady: RouteDef = {
  errorStyle: 'oip',
  handler(ctx) {
    // Another name or version is 404; the model's own name while none is loaded, 503 not ready.
    if (ctx.model === undefined) return { status: 503, body: { name: ctx.params.name, ready: false } };
    namedModel(ctx);
    return { body: { name: ctx.params.name, ready: true } };
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
          { name: 'predict', datatype: predictDatatype(model.model.classes), shape: [-1] },
          { name: 'predict_proba', datatype: 'FP64', shape: [-1, model.model.classes.length] },
        ],
        parameters: { feature_names: model.model.featureNames, classes: model.model.classes },
      },
    };
  },
};

/** The datatypes a feature tensor may have: every numeric one. */
export const OIP_NUMERIC_TYPES = Object.keys(ELEMENT_BYTES);
const OUTPUTS = ['predict', 'predict_proba'];

/** INT64 for integer class labels, FP64 for other numbers, BYTES for text. */
function predictDatatype(classes: readonly (string | number)[]): 'INT64' | 'FP64' | 'BYTES' {
  if (classes.every((c) => typeof c === 'number' && Number.isSafeInteger(c))) return 'INT64';
  return classes.every((c) => typeof c === 'number') ? 'FP64' : 'BYTES';
}

interface Tensor {
  name?: unknown;
  shape?: unknown;
  datatype?: unknown;
  data?: unknown;
  parameters?: { binary_data_size?: unknown } | null;
}

interface InferRequest {
  id?: unknown;
  inputs?: unknown;
  outputs?: unknown;
  parameters?: { binary_data_output?: unknown } | null;
}

/**
 * POST /v2/models/{name}/infer: one input tensor of shape [rows, features], its data as JSON (nested or
 * flat) or binary; outputs `predict` and `predict_proba` (those asked for), as JSON or binary.
 */
export const oipInfer: RouteDef = {
  errorStyle: 'oip',
  body: 'raw',
  accepts(req) {
    // JSON, binary (the extension), or no content type at all: tritonclient sends none.
    const type = contentTypeParts(req)[0] ?? '';
    if (
      type === '' ||
      type === 'application/json' ||
      type.endsWith('+json') ||
      type === 'application/octet-stream'
    )
      return;
    throw new MlctlError(
      'UNSUPPORTED_MEDIA_TYPE',
      `unsupported content type ${JSON.stringify(type)}; send application/json (or the binary tensor extension)`,
    );
  },
  handler(ctx, deps) {
    const model = namedModel(ctx);
    const body = ctx.body as Buffer;
    const lengthHeader = ctx.req.headers['inference-header-content-length'];
    const [json, binary] = lengthHeader === undefined ? [body, EMPTY] : splitBinaryBody(body, lengthHeader);
    const request = parseJson(json) as InferRequest | null;
    if (
      !request ||
      typeof request !== 'object' ||
      !Array.isArray(request.inputs) ||
      request.inputs.length !== 1
    ) {
      throw badRequest('inputs must hold exactly one tensor of shape [rows, features]');
    }
    if (request.id !== undefined && typeof request.id !== 'string') throw badRequest('id must be a string');
    optionalObject(request.parameters, 'parameters');
    const tensor = request.inputs[0] as Tensor | null;
    if (tensor === null || typeof tensor !== 'object' || Array.isArray(tensor)) {
      throw badRequest('inputs[0] must be a tensor object {name, shape, datatype, data}');
    }
    if (typeof tensor.name !== 'string') throw badRequest('inputs[0].name must be a string');
    optionalObject(tensor.parameters, 'inputs[0].parameters');
    const datatype = tensor.datatype;
    if (typeof datatype !== 'string' || ELEMENT_BYTES[datatype] === undefined) {
      throw badRequest(`inputs[0].datatype must be a numeric type, got ${JSON.stringify(datatype)}`);
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
    const flat = tensorData(tensor, datatype, n * d, binary);
    const rows = parseRows(
      Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d)),
      model.model.featureNames,
      { maxBatch: deps.settings.maxBatch },
      'inputs[0].data',
    );
    const scored = scoreRows(ctx, deps, model, rows);
    const values: Record<string, { datatype: string; shape: number[]; data: Array<string | number> }> = {
      predict: { datatype: predictDatatype(model.model.classes), shape: [n], data: scored.predictions },
      predict_proba: {
        datatype: 'FP64',
        shape: [n, model.model.classes.length],
        data: scored.probabilities.flat(),
      },
    };
    const outputs: Array<Record<string, unknown>> = [];
    const blobs: Buffer[] = [];
    for (const { name, binary: asBinary } of requestedOutputs(request)) {
      const { datatype: type, shape: dims, data } = values[name] as (typeof values)[string];
      if (asBinary) {
        const blob = encodeTensor(data, type);
        blobs.push(blob);
        outputs.push({ name, datatype: type, shape: dims, parameters: { binary_data_size: blob.length } });
      } else {
        outputs.push({ name, datatype: type, shape: dims, data });
      }
    }
    const doc = {
      model_name: model.name,
      model_version: model.version,
      id: typeof request.id === 'string' ? request.id : ctx.requestId,
      outputs,
    };
    if (blobs.length === 0) return { body: doc };
    const header = Buffer.from(JSON.stringify(doc), 'utf8');
    return {
      body: Buffer.concat([header, ...blobs]),
      contentType: 'application/octet-stream',
      headers: { 'inference-header-content-length': String(header.length) },
    };
  },
};

const EMPTY = Buffer.alloc(0);

/** OIP's `parameters` are objects when given. */
function optionalObject(value: unknown, field: string): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw badRequest(`${field} must be an object`);
  }
}

/** The input's values, flat and row-major: from its JSON `data`, or from the binary part of the body. */
function tensorData(tensor: Tensor, datatype: string, count: number, binary: Buffer): unknown[] {
  const size = tensor.parameters?.binary_data_size;
  if (size !== undefined) {
    const expected = count * (ELEMENT_BYTES[datatype] as number);
    if (size !== expected || binary.length !== expected) {
      throw badRequest(
        `inputs[0] is ${count} ${datatype} values (${expected} bytes), but binary_data_size is ${JSON.stringify(size)} and the body has ${binary.length} bytes after the JSON header`,
      );
    }
    return decodeTensor(binary, datatype, count);
  }
  if (binary.length > 0) {
    throw badRequest(
      `the body has ${binary.length} bytes after the JSON header, but no input declares binary_data_size`,
    );
  }
  const flat = Array.isArray(tensor.data) ? (tensor.data as unknown[]).flat(Infinity as 1) : undefined;
  if (!flat || flat.length !== count) {
    throw badRequest(
      `inputs[0].data must hold ${count} values, row-major, nested or flat (or be sent as binary)`,
    );
  }
  // JSON BOOL data are true and false (numbers are taken too); no other datatype takes booleans.
  return datatype === 'BOOL' ? flat.map((v) => (v === true ? 1 : v === false ? 0 : v)) : flat;
}

/** The outputs asked for (all by default), each as JSON or binary (`binary_data`, `binary_data_output`). */
function requestedOutputs(request: InferRequest): Array<{ name: string; binary: boolean }> {
  const all = request.parameters?.binary_data_output;
  if (all !== undefined && typeof all !== 'boolean') {
    throw badRequest('parameters.binary_data_output must be true or false');
  }
  if (request.outputs === undefined) return OUTPUTS.map((name) => ({ name, binary: all === true }));
  if (!Array.isArray(request.outputs) || request.outputs.length === 0) {
    throw badRequest(`outputs must be a non-empty list of {"name"}: ${OUTPUTS.join(', ')}`);
  }
  return request.outputs.map((output: unknown, i) => {
    if (output === null || typeof output !== 'object' || Array.isArray(output)) {
      throw badRequest(`outputs[${i}] must be an object {"name"}`);
    }
    const { name, parameters } = output as { name?: unknown; parameters?: Record<string, unknown> };
    optionalObject(parameters, `outputs[${i}].parameters`);
    if (typeof name !== 'string' || !OUTPUTS.includes(name)) {
      throw badRequest(
        `outputs[${i}].name is ${JSON.stringify(name)}; this model has the outputs ${OUTPUTS.join(', ')}`,
      );
    }
    if (parameters?.classification !== undefined) {
      throw badRequest('the classification extension is not supported; ask for predict or predict_proba');
    }
    const binary = parameters?.binary_data ?? all;
    if (binary !== undefined && typeof binary !== 'boolean') {
      throw badRequest(`outputs[${i}].parameters.binary_data must be true or false`);
    }
    return { name, binary: binary === true };
  });
}

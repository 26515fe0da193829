import { MlctlError } from '../../errors';
import { contentTypeParts, parseJson } from '../http/body';
import { badRequest } from '../http/errors';
import { scoreRows } from '../predict-core';
import { batchTooLarge } from '../input';
import type { DecodedRows } from '../input';
import type { EncodedFeature } from '../../data/row-encoder';
import type { LoadedModel } from '../model';
import { ELEMENT_BYTES, decodeBytesTensor, decodeTensor, encodeTensor, splitBinaryBody } from './oip-binary';
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
    const served = model.model;
    const regression = served.task === 'regression';
    // A model of numeric features takes one [rows, features] tensor; one with categorical features one
    // input per feature, text categories as BYTES (the single tensor is taken from both).
    const inputs = served.categories
      ? served.features.map((f) => ({ name: f.name, datatype: featureDatatype(f), shape: [-1, 1] }))
      : [{ name: 'input-0', datatype: 'FP64', shape: [-1, served.featureNames.length] }];
    return {
      body: {
        name: model.name,
        versions: [model.version],
        platform: 'mlctl-random-forest',
        inputs,
        outputs: regression
          ? [{ name: 'predict', datatype: 'FP64', shape: [-1] }]
          : [
              { name: 'predict', datatype: predictDatatype(served.classes), shape: [-1] },
              { name: 'predict_proba', datatype: 'FP64', shape: [-1, served.classes.length] },
            ],
        parameters: {
          task: served.task,
          feature_names: served.featureNames,
          ...(regression ? {} : { classes: served.classes }),
        },
      },
    };
  },
};

/** The numeric datatypes a feature tensor may have. */
export const OIP_NUMERIC_TYPES = Object.keys(ELEMENT_BYTES);

/** The outputs of a model: regression has no probabilities. */
export function oipOutputs(model: LoadedModel): string[] {
  return model.model.task === 'regression' ? ['predict'] : ['predict', 'predict_proba'];
}

/** BYTES for a feature of text categories, FP64 for numbers (NaN missing), integer categories too. */
export function featureDatatype(feature: {
  type: string;
  categories?: readonly (string | number)[];
}): 'BYTES' | 'FP64' {
  return feature.type === 'categorical' && !(feature.categories ?? []).every((c) => typeof c === 'number')
    ? 'BYTES'
    : 'FP64';
}

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
    const d = model.model.featureNames.length;
    if (
      !request ||
      typeof request !== 'object' ||
      !Array.isArray(request.inputs) ||
      (request.inputs.length !== 1 && request.inputs.length !== d)
    ) {
      throw badRequest(
        `inputs must hold one tensor of shape [rows, ${d}], or ${d} tensors of shape [rows, 1], one per feature in order (${model.model.featureNames.join(', ')})`,
      );
    }
    if (request.id !== undefined && typeof request.id !== 'string') throw badRequest('id must be a string');
    optionalObject(request.parameters, 'parameters');
    // The outputs are checked before anything is scored: a refused request is neither logged nor counted.
    const wanted = requestedOutputs(request, oipOutputs(model));
    const limits = { maxBatch: deps.settings.maxBatch };
    const parts = { bytes: binary, at: 0 };
    // A model with categorical features of one feature takes the per-feature form only (one shape).
    const single = request.inputs.length === 1 && !(d === 1 && model.model.categories);
    const decoded = single
      ? oneTensor(request.inputs[0], model, parts, limits)
      : perFeature(request.inputs, model, parts, limits);
    if (parts.at !== binary.length) {
      throw badRequest(
        `the body has ${binary.length - parts.at} bytes after the JSON header, but no input declares binary_data_size for them`,
      );
    }
    const n = decoded.rows.length;
    const scored = scoreRows(ctx, deps, model, decoded);
    const regression = scored.probabilities === undefined;
    const values: Record<string, { datatype: string; shape: number[]; data: Array<string | number> }> = {
      predict: {
        datatype: regression ? 'FP64' : predictDatatype(model.model.classes),
        shape: [n],
        data: scored.predictions,
      },
    };
    if (scored.probabilities) {
      values.predict_proba = {
        datatype: 'FP64',
        shape: [n, model.model.classes.length],
        data: scored.probabilities.flat(),
      };
    }
    const outputs: Array<Record<string, unknown>> = [];
    const blobs: Buffer[] = [];
    for (const { name, binary: asBinary } of wanted) {
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

type BinaryParts = { bytes: Buffer; at: number };

/** A tensor object `{name, shape, datatype, data | parameters.binary_data_size}` (inputs[i]). */
function checkTensor(
  value: unknown,
  at: string,
  expected: 'BYTES' | 'FP64' = 'FP64',
): Tensor & { name: string; datatype: string } {
  const tensor = value as Tensor | null;
  if (tensor === null || typeof tensor !== 'object' || Array.isArray(tensor)) {
    throw badRequest(`${at} must be a tensor object {name, shape, datatype, data}`);
  }
  if (typeof tensor.name !== 'string') throw badRequest(`${at}.name must be a string`);
  optionalObject(tensor.parameters, `${at}.parameters`);
  const datatype = tensor.datatype;
  const allowed = expected === 'BYTES' ? ['BYTES'] : OIP_NUMERIC_TYPES;
  if (typeof datatype !== 'string' || !allowed.includes(datatype)) {
    throw badRequest(
      `${at}.datatype must be ${expected === 'BYTES' ? 'BYTES (the feature takes text)' : 'a numeric type'}, got ${JSON.stringify(datatype)}`,
    );
  }
  return tensor as Tensor & { name: string; datatype: string };
}

/** The one tensor of shape [rows, features], any name, of a numeric datatype. */
function oneTensor(
  value: unknown,
  model: LoadedModel,
  binary: BinaryParts,
  limits: { maxBatch: number },
): DecodedRows {
  const tensor = checkTensor(value, 'inputs[0]');
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
  if (n > limits.maxBatch) throw batchTooLarge(n, limits, 'inputs[0]');
  const flat = tensorData(tensor, 'inputs[0]', tensor.datatype, n * d, binary);
  return model.model.decoder.rows(
    Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d)),
    limits,
    { field: 'inputs[0].data' },
  );
}

/**
 * One tensor per feature, in the model's feature order and named as its features, each of shape [rows]
 * or [rows, 1]: BYTES for text, a numeric type for numbers (NaN or JSON null for a missing value).
 */
function perFeature(
  inputs: unknown[],
  model: LoadedModel,
  binary: BinaryParts,
  limits: { maxBatch: number },
): DecodedRows {
  const names = model.model.featureNames;
  let n = -1;
  const columns = inputs.map((value, j) => {
    const at = `inputs[${j}]`;
    const tensor = checkTensor(value, at, featureDatatype(model.model.features[j] as EncodedFeature));
    if (tensor.name !== names[j]) {
      throw badRequest(
        `${at}.name is ${JSON.stringify(tensor.name)}; one input per feature, in order: ${names.join(', ')}`,
      );
    }
    const shape = tensor.shape;
    const rows = Array.isArray(shape) ? shape[0] : undefined;
    if (
      !Array.isArray(shape) ||
      !(shape.length === 1 || (shape.length === 2 && shape[1] === 1)) ||
      !Number.isInteger(rows) ||
      (rows as number) < 1 ||
      (n !== -1 && rows !== n)
    ) {
      throw badRequest(
        `${at}.shape must be [rows] or [rows, 1]${n === -1 ? '' : ` with the rows of inputs[0] (${n})`}, got ${JSON.stringify(shape)}`,
      );
    }
    n = rows as number;
    if (n > limits.maxBatch) throw batchTooLarge(n, limits, at);
    return tensorData(tensor, at, tensor.datatype, n, binary);
  });
  const rows = Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
  // Text in a numeric feature, or a number for a text category, is named by the decoder.
  return model.model.decoder.rows(rows, limits, { field: 'rows' });
}

/** OIP's `parameters` are objects when given. */
function optionalObject(value: unknown, field: string): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw badRequest(`${field} must be an object`);
  }
}

/**
 * The input's values, flat and row-major: from its JSON `data`, or from its part of the binary body
 * (`binary.at` moves past it: the inputs' binary data follow one another in input order).
 */
function tensorData(
  tensor: Tensor,
  at: string,
  datatype: string,
  count: number,
  binary: { bytes: Buffer; at: number },
): unknown[] {
  const size = tensor.parameters?.binary_data_size;
  if (size !== undefined) {
    const rest = binary.bytes.length - binary.at;
    const fixed = ELEMENT_BYTES[datatype];
    const expected = fixed === undefined ? undefined : count * fixed;
    if (
      !Number.isInteger(size) ||
      (size as number) < 0 ||
      (size as number) > rest ||
      (expected !== undefined && size !== expected)
    ) {
      throw badRequest(
        `${at} is ${count} ${datatype} values${expected === undefined ? '' : ` (${expected} bytes)`}, but binary_data_size is ${JSON.stringify(size)} and the body has ${rest} bytes left after the JSON header`,
      );
    }
    const bytes = binary.bytes.subarray(binary.at, binary.at + (size as number));
    binary.at += size as number;
    if (fixed !== undefined) return decodeTensor(bytes, datatype, count);
    const texts = decodeBytesTensor(bytes);
    if (texts === undefined || texts.length !== count) {
      throw badRequest(
        `${at}: its binary BYTES data must be ${count} elements, each a 4-byte little-endian length and that many bytes of UTF-8`,
      );
    }
    return texts;
  }
  const flat = Array.isArray(tensor.data) ? (tensor.data as unknown[]).flat(Infinity as 1) : undefined;
  if (!flat || flat.length !== count) {
    throw badRequest(
      `${at}.data must hold ${count} values, row-major, nested or flat (or be sent as binary)`,
    );
  }
  if (datatype === 'BYTES') {
    const i = flat.findIndex((v) => typeof v !== 'string' && v !== null);
    if (i >= 0)
      throw badRequest(`${at}.data[${i}] is ${JSON.stringify(flat[i])}; BYTES data are strings (or null)`);
  }
  // JSON BOOL data are true and false (numbers are taken too); no other datatype takes booleans.
  return datatype === 'BOOL' ? flat.map((v) => (v === true ? 1 : v === false ? 0 : v)) : flat;
}

/** The outputs asked for (all by default), each as JSON or binary (`binary_data`, `binary_data_output`). */
function requestedOutputs(
  request: InferRequest,
  OUTPUTS: readonly string[],
): Array<{ name: string; binary: boolean }> {
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

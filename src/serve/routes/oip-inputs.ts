import type { EncodedFeature } from '../../data/row-encoder';
import { badRequest } from '../http/errors';
import { batchTooLarge } from '../input';
import type { DecodedRows } from '../input';
import type { LoadedModel } from '../model';
import { ELEMENT_BYTES, decodeBytesTensor, decodeTensor } from './oip-binary';

/**
 * The inputs of an OIP inference request as rows for the row decoder: one tensor of shape [rows,
 * features], or one tensor per feature (BYTES for text), their data as JSON or as binary parts.
 */

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

export interface Tensor {
  name?: unknown;
  shape?: unknown;
  datatype?: unknown;
  data?: unknown;
  parameters?: { binary_data_size?: unknown } | null;
}

export type BinaryParts = { bytes: Buffer; at: number };

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
export function oneTensor(
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
export function perFeature(
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
export function optionalObject(value: unknown, field: string): void {
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

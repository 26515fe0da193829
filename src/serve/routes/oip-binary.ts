import { badRequest } from '../http/errors';

/**
 * The Open Inference Protocol's binary tensor data extension (Triton's and KServe's "binary_tensor_data",
 * which tritonclient uses by default): tensor data as little-endian, row-major bytes after the JSON
 * header of the request or response, whose length the `Inference-Header-Content-Length` header gives.
 * An input or output in binary form says its byte size in `parameters.binary_data_size`.
 */

/** Bytes per element of the numeric datatypes (BYTES, of variable length, is not a feature type). */
export const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
};

/** Splits a request body into its JSON header and the binary part, by Inference-Header-Content-Length. */
export function splitBinaryBody(body: Buffer, header: string | string[] | undefined): [Buffer, Buffer] {
  const text = Array.isArray(header) ? header[0] : header;
  const length = Number(text);
  if (!Number.isInteger(length) || length < 0 || length > body.length || String(text).trim() === '') {
    throw badRequest(
      `Inference-Header-Content-Length is ${JSON.stringify(text)}; it must be the byte length of the JSON header, at most the body's ${body.length} bytes`,
    );
  }
  return [body.subarray(0, length), body.subarray(length)];
}

/** Reads `count` elements of `datatype` (little-endian) as numbers. */
export function decodeTensor(bytes: Buffer, datatype: string, count: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(count);
  const size = ELEMENT_BYTES[datatype] as number;
  for (let i = 0; i < count; i++) out[i] = readElement(view, i * size, datatype);
  return out;
}

function readElement(view: DataView, at: number, datatype: string): number {
  switch (datatype) {
    case 'BOOL':
      return view.getUint8(at) === 0 ? 0 : 1;
    case 'UINT8':
      return view.getUint8(at);
    case 'UINT16':
      return view.getUint16(at, true);
    case 'UINT32':
      return view.getUint32(at, true);
    case 'UINT64':
      return Number(view.getBigUint64(at, true));
    case 'INT8':
      return view.getInt8(at);
    case 'INT16':
      return view.getInt16(at, true);
    case 'INT32':
      return view.getInt32(at, true);
    case 'INT64':
      return Number(view.getBigInt64(at, true));
    case 'FP16':
      return halfToNumber(view.getUint16(at, true));
    case 'FP32':
      return view.getFloat32(at, true);
    default:
      return view.getFloat64(at, true);
  }
}

/** IEEE 754 binary16 to a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * BYTES elements in binary form: each a 4-byte little-endian length and that many bytes, read as UTF-8;
 * undefined when the bytes are not of that form.
 */
export function decodeBytesTensor(bytes: Buffer): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) return undefined;
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) return undefined;
    out.push(bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** A tensor's data in binary form: FP64 and INT64 little-endian, BYTES as 4-byte lengths and UTF-8. */
export function encodeTensor(values: ReadonlyArray<string | number>, datatype: string): Buffer {
  if (datatype === 'BYTES') {
    const parts = values.map((v) => Buffer.from(String(v), 'utf8'));
    const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.writeUInt32LE(p.length, at);
      p.copy(out, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) {
    if (datatype === 'INT64') out.writeBigInt64LE(BigInt(values[i] as number), i * 8);
    else out.writeDoubleLE(values[i] as number, i * 8);
  }
  return out;
}

import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { MlctlError } from '../../errors';
import { badRequest } from './errors';

/** The media type of a request and its parameters, lower-cased (`['application/json', 'charset=utf-8']`). */
export function contentTypeParts(req: IncomingMessage): string[] {
  return (req.headers['content-type'] ?? '').split(';').map((s) => s.trim().toLowerCase());
}

/** The media type of a request without parameters, lower-cased (`application/json`). */
export function mediaType(req: IncomingMessage): string {
  return contentTypeParts(req)[0] ?? '';
}

/**
 * Refuses (415) a request whose content type is neither JSON (application/json or a `+json` type) nor
 * absent. No content type is accepted: the protocols do not require one, and clients such as
 * tritonclient send none (Triton ignores the header).
 */
export function acceptJson(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  if (header === undefined || header === 'application/json' || header === 'application/json; charset=utf-8')
    return;
  const type = mediaType(req);
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw new MlctlError(
      'UNSUPPORTED_MEDIA_TYPE',
      `unsupported content type ${JSON.stringify(type)}; send application/json`,
    );
  }
}

/**
 * Reads the whole body and calls back once: with the bytes, or with an error — 413 as soon as it is
 * larger than `maxBytes` (the rest is drained, not buffered), 415 for a content encoding other than
 * gzip or deflate, 400 when the stream or the decompression fails. A gzip or deflate body
 * (Content-Encoding) is decompressed as it arrives and the limit applies to its decompressed size, so a
 * decompression bomb stops at `maxBytes`. Callbacks rather than a promise: on the request path a
 * promise costs a microtask turn per request, ~10 µs measured under load (docs/BENCHMARKS.md).
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  done: (error: MlctlError | undefined, body: Buffer) => void,
): void {
  if (Number(req.headers['content-length']) > maxBytes) {
    req.resume();
    done(tooLarge(maxBytes), EMPTY);
    return;
  }
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined) {
    collect(req, maxBytes, done, req);
    return;
  }
  let decoder: Transform | undefined;
  try {
    decoder = createDecoder(encoding);
  } catch (err) {
    req.resume();
    done(err as MlctlError, EMPTY);
    return;
  }
  if (decoder === undefined) {
    collect(req, maxBytes, done, req);
    return;
  }
  const inflated: Transform = decoder;
  // The compressed size is bounded by maxBytes too (Content-Length above; here as it streams).
  let compressed = 0;
  req.on('data', (chunk: Buffer) => {
    compressed += chunk.length;
    if (compressed > maxBytes) {
      req.unpipe(inflated);
      inflated.destroy(tooLarge(maxBytes));
      req.resume();
    }
  });
  req.pipe(inflated);
  req.on('error', (err) => inflated.destroy(err));
  collect(inflated, maxBytes, done, req, `${encoding} `);
}

const EMPTY = Buffer.alloc(0);

/** The decompressor of a Content-Encoding; undefined for `identity`; 415 for any other. */
function createDecoder(header: string): Transform | undefined {
  const encoding = header.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  // Content-Encoding "deflate" is the zlib format (RFC 9110 §8.4.1.2), as tritonclient sends it.
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'identity' || encoding === '') return undefined;
  throw new MlctlError(
    'UNSUPPORTED_MEDIA_TYPE',
    `unsupported content encoding ${JSON.stringify(header)}; send the body as is, or compressed with gzip or deflate`,
  );
}

/**
 * Gathers a stream's chunks up to `maxBytes`. `req` is drained (not buffered) once the limit is passed;
 * `what` names the decoding in the error of a stream that fails (`gzip `), empty for the raw body.
 */
function collect(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
  done: (error: MlctlError | undefined, body: Buffer) => void,
  req: IncomingMessage,
  what = '',
): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const fail = (error: MlctlError): void => {
    if (settled) return;
    settled = true;
    first = more = undefined;
    req.resume();
    done(error, EMPTY);
  };
  stream.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > maxBytes) {
      fail(tooLarge(maxBytes));
      if (stream !== req) (stream as Transform).destroy();
    } else if (first === undefined) {
      first = chunk;
    } else {
      (more ??= [first]).push(chunk);
    }
  });
  stream.on('end', () => {
    if (settled) return;
    settled = true;
    done(undefined, more ? Buffer.concat(more, size) : (first ?? EMPTY));
  });
  stream.on('error', (err: Error) => {
    if (err instanceof MlctlError) fail(err);
    else if (what === '') fail(badRequest(`request body could not be read: ${err.message}`));
    else fail(badRequest(`request body is not valid ${what}data: ${err.message}`));
  });
}

function tooLarge(max: number): MlctlError {
  return new MlctlError('REQUEST_TOO_LARGE', `request body larger than ${max} bytes`, {
    hint: 'Send smaller batches (MAX_BODY_BYTES sets the limit; it applies to the decompressed body)',
  });
}

/** Parses a JSON body; a body that is not UTF-8 JSON is a 400 naming the position. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw badRequest('empty request body; expected JSON');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`invalid JSON: ${(err as Error).message}`);
  }
}

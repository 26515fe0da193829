import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

/** The media type of a request and its parameters, lower-cased (`['application/json', 'charset=utf-8']`). */
export function contentTypeParts(req: IncomingMessage): string[] {
  return (req.headers['content-type'] ?? '').split(';').map((s) => s.trim().toLowerCase());
}

/** The media type of a request without parameters, lower-cased (`application/json`). */
export function mediaType(req: IncomingMessage): string {
  return contentTypeParts(req)[0] ?? '';
}

/** Refuses (415) a request whose content type is not application/json or a `+json` type. */
export function acceptJson(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  if (header === 'application/json' || header === 'application/json; charset=utf-8') return;
  const type = mediaType(req);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(
      415,
      `unsupported content type ${JSON.stringify(type || '(none)')}; send application/json`,
    );
  }
}

/**
 * Reads the whole body and calls back once: with the bytes, or with 413 as soon as it is larger than
 * `maxBytes` (the rest is drained, not buffered), or with 400 when the stream fails. Callbacks rather
 * than a promise: on the request path a promise costs a microtask turn per request, ~10 µs measured
 * under load (docs/BENCHMARKS.md).
 */
export function readBody(
  req: IncomingMessage,
  maxBytes: number,
  done: (error: HttpError | undefined, body: Buffer) => void,
): void {
  if (Number(req.headers['content-length']) > maxBytes) {
    req.resume();
    done(tooLarge(maxBytes), EMPTY);
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > maxBytes) {
      settled = true;
      first = more = undefined;
      req.resume();
      done(tooLarge(maxBytes), EMPTY);
    } else if (first === undefined) {
      first = chunk;
    } else {
      (more ??= [first]).push(chunk);
    }
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    done(undefined, more ? Buffer.concat(more, size) : (first ?? EMPTY));
  });
  req.on('error', (err) => {
    if (settled) return;
    settled = true;
    done(new HttpError(400, `request body could not be read: ${err.message}`), EMPTY);
  });
}

const EMPTY = Buffer.alloc(0);

function tooLarge(max: number): HttpError {
  return new HttpError(413, `request body larger than ${max} bytes`, {
    hint: 'Send smaller batches (MAX_BODY_BYTES sets the limit)',
  });
}

/** Parses a JSON body; a body that is not UTF-8 JSON is a 400 naming the position. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'empty request body; expected JSON');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `invalid JSON: ${(err as Error).message}`);
  }
}

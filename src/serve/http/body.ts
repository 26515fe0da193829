import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

export interface BodyLimits {
  /** Largest accepted body, bytes. */
  maxBytes: number;
}

/** The media type of a request without parameters, lower-cased (`application/json`). */
export function mediaType(req: IncomingMessage): string {
  const header = req.headers['content-type'];
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** Reads the whole body, refusing more than the limit with 413 (and without buffering the excess). */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limits.maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(limits.maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limits.maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.on('error', (err) => reject(new HttpError(400, `request body could not be read: ${err.message}`)));
  });
}

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

/** Reads and parses a JSON request, insisting on an application/json (or +json) content type. */
export function readJson(req: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const type = mediaType(req);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    req.resume();
    return Promise.reject(
      new HttpError(
        415,
        `unsupported content type ${JSON.stringify(type || '(none)')}; send application/json`,
      ),
    );
  }
  // One promise from the body to the value (no async frame on the request path).
  return readBody(req, limits).then(parseJson);
}

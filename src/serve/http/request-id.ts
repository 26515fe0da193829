import { randomFillSync } from 'node:crypto';

/**
 * A client's correlation id is adopted as the request id only when it looks like one. None of these
 * characters needs escaping in JSON, nor do a UUID's.
 */
const CORRELATION_ID = /^[\w.:@/+=-]{1,128}$/;
const JSON_SAFE = /^[\w.:@/+=-]*$/;

/** The request id: the client's correlation id when it is acceptable, else a new random UUID. */
export function requestIdFrom(given: string | string[] | undefined): string {
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : newRequestId();
}

/**
 * An id as a JSON string, as JSON.stringify gives it: request ids (see CORRELATION_ID) are only quoted,
 * anything else goes through JSON.stringify.
 */
export function jsonId(id: string): string {
  return JSON_SAFE.test(id) ? `"${id}"` : JSON.stringify(id);
}

/** Random UUIDs (version 4) drawn from a pool refilled 256 ids at a time. */
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;
const text = Buffer.alloc(36);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 bytes goes in `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`. */
const OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * A random (version 4) UUID, as crypto.randomUUID gives, written into one buffer and read out as one
 * string: crypto.randomUUID joins 20 pieces, ~660 bytes of short-lived strings per id, and every
 * request that brings no correlation id needs one.
 */
export function newRequestId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const at = 16 * next++;
  for (let i = 0; i < 16; i++) {
    let byte = pool[at + i] as number;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    const to = OFFSETS[i] as number;
    text[to] = HEX_DIGITS[byte >> 4] as number;
    text[to + 1] = HEX_DIGITS[byte & 0x0f] as number;
  }
  text[8] = text[13] = text[18] = text[23] = 0x2d;
  return text.toString('latin1', 0, 36);
}

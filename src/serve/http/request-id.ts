import { randomUUID } from 'node:crypto';

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

/** A random (version 4) UUID. */
export function newRequestId(): string {
  return randomUUID();
}

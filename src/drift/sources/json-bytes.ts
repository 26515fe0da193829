/**
 * The prediction log's fast path, straight from the file's bytes. `scanJsonObject` validates one line as a
 * JSON object by a structural scan (no string, no object built) and records where the wanted top-level
 * members are; `parseScalars` / `parseRows` then read the rows' values without JSON.parse. JSON.parse of
 * every whole line built every object in it (model, request id, time, …) and was most of the run time.
 * Whatever the fast path does not accept — invalid JSON, but also valid JSON it does not handle, such as
 * escaped keys or rows given as objects — is reported as such, and the caller falls back to JSON.parse,
 * which stays the authority.
 */

/** Wanted keys as bytes, in the order their ranges are reported. */
export type WantedKeys = readonly Uint8Array[];

export function wantedKeys(names: readonly string[]): WantedKeys {
  return names.map((n) => Buffer.from(n));
}

const MAX_DEPTH = 64;

/** Reads (and validates) a member's value from b[start…]: the index after it, or -1. */
export type MemberParser = (b: Uint8Array, start: number, end: number) => number;

/**
 * Validates b[start, end) as one JSON object. For the k-th wanted key, ranges[3k..3k+2] receive the key's
 * start and its value's start and end (-1 when absent); a wanted member with a parser is read by it instead
 * of being skipped (so its bytes are walked once). False when the line is not a JSON object, when a wanted
 * key is repeated or written with escapes, or when a parser refuses its value (JSON.parse then decides).
 */
export function scanJsonObject(
  b: Uint8Array,
  start: number,
  end: number,
  wanted: WantedKeys,
  ranges: Int32Array,
  parsers: ReadonlyArray<MemberParser | undefined> = [],
): boolean {
  ranges.fill(-1);
  let i = skipWs(b, start, end);
  if (b[i] !== 0x7b) return false;
  i = skipWs(b, i + 1, end);
  if (b[i] === 0x7d) return skipWs(b, i + 1, end) === end;
  for (;;) {
    const keyStart = i;
    i = skipString(b, i, end);
    if (i < 0) return false;
    const k = keyIndex(b, keyStart + 1, i - 1, wanted);
    if (k === -2) return false;
    i = skipWs(b, i, end);
    if (b[i] !== 0x3a) return false;
    i = skipWs(b, i + 1, end);
    const valueStart = i;
    if (k >= 0 && ranges[3 * k] !== -1) return false;
    const parse = k >= 0 ? parsers[k] : undefined;
    i = parse ? parse(b, i, end) : skipValue(b, i, end, 0);
    if (i < 0) return false;
    if (k >= 0) {
      ranges[3 * k] = keyStart;
      ranges[3 * k + 1] = valueStart;
      ranges[3 * k + 2] = i;
    }
    i = skipWs(b, i, end);
    const c = b[i];
    if (c === 0x2c) {
      i = skipWs(b, i + 1, end);
      continue;
    }
    return c === 0x7d && skipWs(b, i + 1, end) === end;
  }
}

/** Index of the wanted key the bytes spell; -1 for another key; -2 for an escaped key (fall back). */
function keyIndex(b: Uint8Array, s: number, e: number, wanted: WantedKeys): number {
  const length = e - s;
  for (let w = 0; w < wanted.length; w++) {
    const bytes = wanted[w]!;
    if (bytes.length !== length || bytes[0] !== b[s]) continue;
    let k = 1;
    while (k < length && b[s + k] === bytes[k]) k++;
    if (k === length) return w;
  }
  for (let k = s; k < e; k++) if (b[k] === 0x5c) return -2;
  return -1;
}

export function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;

/** Index after the string starting at i, or -1. */
export function skipString(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== 0x22) return -1;
  i++;
  while (i < end) {
    const c = b[i]!;
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = b[i + 1]!;
      if (e === 0x75) {
        if (i + 6 > end || !HEX[b[i + 2]!] || !HEX[b[i + 3]!] || !HEX[b[i + 4]!] || !HEX[b[i + 5]!])
          return -1;
        i += 6;
        continue;
      }
      if (!ESCAPES[e]) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

export const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** Index after the number starting at i, or -1 (JSON's number grammar, nothing more). */
export function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (i < end && b[i]! >= 0x31 && b[i]! <= 0x39) while (i < end && isDigit(b[i])) i++;
  else return -1;
  if (i < end && b[i] === 0x2e) {
    i++;
    if (i >= end || !isDigit(b[i])) return -1;
    while (i < end && isDigit(b[i])) i++;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= end || !isDigit(b[i])) return -1;
    while (i < end && isDigit(b[i])) i++;
  }
  return i > end ? -1 : i;
}

export function skipWord(b: Uint8Array, i: number, end: number, word: readonly number[]): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

export const TRUE = [0x74, 0x72, 0x75, 0x65];
export const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
export const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** Index after the JSON value starting at i, or -1. */
function skipValue(b: Uint8Array, i: number, end: number, depth: number): number {
  const c = b[i];
  if (c === 0x22) return skipString(b, i, end);
  if (c === 0x7b || c === 0x5b) {
    if (depth >= MAX_DEPTH) return -1;
    const object = c === 0x7b;
    const close = object ? 0x7d : 0x5d;
    i = skipWs(b, i + 1, end);
    if (b[i] === close) return i + 1;
    for (;;) {
      if (object) {
        i = skipString(b, i, end);
        if (i < 0) return -1;
        i = skipWs(b, i, end);
        if (b[i] !== 0x3a) return -1;
        i = skipWs(b, i + 1, end);
      }
      i = skipValue(b, i, end, depth + 1);
      if (i < 0) return -1;
      i = skipWs(b, i, end);
      if (b[i] === 0x2c) {
        i = skipWs(b, i + 1, end);
        continue;
      }
      return b[i] === close ? i + 1 : -1;
    }
  }
  if (c === 0x74) return skipWord(b, i, end, TRUE);
  if (c === 0x66) return skipWord(b, i, end, FALSE);
  if (c === 0x6e) return skipWord(b, i, end, NULL);
  return skipNumber(b, i, end);
}

/** Distinct byte strings remembered per column; an identifier-like column stops being cached past it. */
const MAX_ENTRIES = 4096;
/** Longer fields are decoded every time: they are rarely repeated category labels. */
const MAX_BYTES = 64;

interface Entry {
  bytes: Uint8Array;
  /** The decoded text, or undefined when the bytes spell a missing value. */
  text: string | undefined;
}

/**
 * Remembers how the non-numeric fields of a CSV column decode: a text category repeats across millions
 * of rows, and decoding, trimming and classifying it once is what makes a text column cheap to read.
 * Keyed by an FNV-1a hash of the bytes, confirmed by comparing them.
 */
export class TextCache {
  private readonly entries = new Map<number, Entry[]>();
  private size = 0;

  /** The entry for buf[start, end), or undefined when it is not cached. */
  get(buf: Uint8Array, start: number, end: number): Entry | undefined {
    if (end - start > MAX_BYTES) return undefined;
    const bucket = this.entries.get(hash(buf, start, end));
    if (!bucket) return undefined;
    for (const entry of bucket) if (same(entry.bytes, buf, start, end)) return entry;
    return undefined;
  }

  set(buf: Uint8Array, start: number, end: number, text: string | undefined): void {
    if (end - start > MAX_BYTES || this.size >= MAX_ENTRIES) return;
    const key = hash(buf, start, end);
    const entry = { bytes: buf.slice(start, end), text };
    const bucket = this.entries.get(key);
    if (bucket) bucket.push(entry);
    else this.entries.set(key, [entry]);
    this.size++;
  }
}

function hash(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}

function same(bytes: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (bytes.length !== end - start) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== buf[start + i]) return false;
  return true;
}

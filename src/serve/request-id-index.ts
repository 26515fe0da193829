/** Longest request id kept (the correlation ids the server accepts are at most this long). */
export const MAX_ID_LENGTH = 128;

/**
 * Request id → slot of a ring, in memory allocated once: ids are copied into one byte buffer (a record
 * of MAX_ID_LENGTH bytes per slot) and found through an open-addressing table with linear probing.
 * A Map of id strings kept every id as a heap string for 100,000 requests: long enough to reach V8's
 * old space, so the server's heap grew by ~60 bytes per request between major collections (a 16 → 40 MB
 * sawtooth). Ids must be ASCII (UUIDs and accepted correlation ids are); others are not stored.
 */
export class RequestIdIndex {
  private readonly bytes: Uint8Array;
  /** Length of the id in each slot; 0 when the slot is empty. */
  private readonly lengths: Uint8Array;
  private readonly hashes: Int32Array;
  /** slot + 1 at each position; 0 is free. At most half full, so probes stay short. */
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(capacity * MAX_ID_LENGTH);
    this.lengths = new Uint8Array(capacity);
    this.hashes = new Int32Array(capacity);
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /**
   * Puts `id` in `slot`, replacing what the slot held; an id already stored elsewhere moves here (the
   * newest request with an id wins). Returns false, leaving the slot empty, when the id cannot be stored.
   */
  set(slot: number, id: string): boolean {
    this.clear(slot);
    // One pass hashes the id and copies it into its (now empty) slot.
    const hash = storableHash(id, this.bytes, slot * MAX_ID_LENGTH);
    if (hash === undefined) return false;
    const previous = this.find(id, hash);
    if (previous !== -1) this.clear(previous);
    this.lengths[slot] = id.length;
    this.hashes[slot] = hash;
    let i = hash & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = slot + 1;
    return true;
  }

  /** The slot holding `id`, or -1. */
  get(id: string): number {
    const hash = storableHash(id);
    return hash === undefined ? -1 : this.find(id, hash);
  }

  /** Empties a slot (nothing happens if it is empty). */
  clear(slot: number): void {
    if (this.lengths[slot] === 0) return;
    this.lengths[slot] = 0;
    const { table, mask } = this;
    let i = (this.hashes[slot] as number) & mask;
    while (table[i] !== slot + 1) i = (i + 1) & mask;
    // Backward-shift deletion: later entries of the probe run move up, so no lookup stops short.
    table[i] = 0;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const entry = table[j] as number;
      if (entry === 0) return;
      const home = (this.hashes[entry - 1] as number) & mask;
      const reachable = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!reachable) {
        table[i] = entry;
        table[j] = 0;
        i = j;
      }
    }
  }

  private find(id: string, hash: number): number {
    const { table, mask } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = table[i] as number;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.equals(slot, id)) return slot;
    }
  }

  private equals(slot: number, id: string): boolean {
    if (this.lengths[slot] !== id.length) return false;
    const at = slot * MAX_ID_LENGTH;
    for (let i = 0; i < id.length; i++) if (this.bytes[at + i] !== id.charCodeAt(i)) return false;
    return true;
  }
}

/**
 * FNV-1a over the characters, or undefined for an id that is empty, too long or not ASCII. With `copyTo`,
 * the characters are also written there from `at` (a partial copy is left when the id is refused).
 */
function storableHash(id: string, copyTo?: Uint8Array, at = 0): number | undefined {
  if (id.length === 0 || id.length > MAX_ID_LENGTH) return undefined;
  let hash = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c > 127) return undefined;
    if (copyTo !== undefined) copyTo[at + i] = c;
    hash = Math.imul(hash ^ c, FNV_PRIME);
  }
  return hash;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

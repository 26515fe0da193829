import type { TreeArrays } from './tree-arrays';

/**
 * Growable node arrays of a tree being grown. `stats` holds S numbers per node: the class counts
 * (classification), or the bootstrap weight and Σ weight·y (regression).
 */
export class NodeStore {
  size = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  flags: Uint8Array;
  stats: Float64Array;
  private words: number[] = [];

  constructor(
    readonly S: number,
    private capacity: number,
  ) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.stats = new Float64Array(capacity * S);
  }

  /** Empties the store for the next tree, keeping its arrays: a thread grows all its trees in one. */
  reset(): this {
    this.size = 0;
    this.words = [];
    return this;
  }

  /** A new leaf: every field zero (as a fresh array), feature -1. */
  add(): number {
    if (this.size === this.capacity) this.grow();
    const i = this.size;
    this.feature[i] = -1;
    this.threshold[i] = 0;
    this.left[i] = 0;
    this.right[i] = 0;
    this.flags[i] = 0;
    for (let s = i * this.S; s < (i + 1) * this.S; s++) this.stats[s] = 0;
    return this.size++;
  }

  /** Appends a categorical split's words; returns the index of the first. */
  addWords(words: Uint32Array): number {
    const at = this.words.length;
    for (const w of words) this.words.push(w);
    return at;
  }

  private grow(): void {
    this.capacity *= 2;
    const bigger = <T extends Int32Array | Float64Array | Uint8Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.feature = bigger(this.feature, this.capacity);
    this.threshold = bigger(this.threshold, this.capacity);
    this.left = bigger(this.left, this.capacity);
    this.right = bigger(this.right, this.capacity);
    this.flags = bigger(this.flags, this.capacity);
    this.stats = bigger(this.stats, this.capacity * this.S);
  }

  /** Classification: the class counts are the values. */
  trimClassification(): TreeArrays {
    const s = this.size;
    return { ...this.structure(), value: this.stats.slice(0, s * this.S) };
  }

  /** Regression: a node's value is its mean target (Σ weight·y / weight), its cover the weight. */
  trimRegression(): TreeArrays {
    const s = this.size;
    const value = new Float64Array(s);
    const cover = new Float64Array(s);
    for (let i = 0; i < s; i++) {
      cover[i] = this.stats[2 * i] as number;
      value[i] = (this.stats[2 * i + 1] as number) / (this.stats[2 * i] as number);
    }
    return { ...this.structure(), value, cover };
  }

  private structure(): Omit<TreeArrays, 'value'> {
    const s = this.size;
    return {
      feature: this.feature.slice(0, s),
      threshold: this.threshold.slice(0, s),
      left: this.left.slice(0, s),
      right: this.right.slice(0, s),
      flags: this.flags.slice(0, s),
      categoryBits: Uint32Array.from(this.words),
    };
  }
}

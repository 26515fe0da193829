/** Distinct values counted in a table before a column is treated as many-valued. */
export const FEW_VALUES = 64;
const SLOTS = 128;

/**
 * Counts while a column has at most FEW_VALUES distinct numbers (flags, codes, small integers, classes —
 * common in real tables): no value is buffered or sorted, and the counts become one tiny run. An open-
 * addressing table keyed by the value's bits; `add` returns false on the first value that does not fit.
 */
export class FewValues {
  private readonly keys = new Float64Array(SLOTS);
  private readonly counts = new Float64Array(SLOTS);
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);
  private size = 0;

  add(v: number): boolean {
    this.bits[0] = v;
    let i = (Math.imul(this.words[0]! ^ this.words[1]!, 0x9e3779b1) >>> 25) & (SLOTS - 1);
    for (;;) {
      const n = this.counts[i]!;
      if (n === 0) break;
      if (this.keys[i] === v) {
        this.counts[i] = n + 1;
        return true;
      }
      i = (i + 1) & (SLOTS - 1);
    }
    if (this.size === FEW_VALUES) return false;
    this.size++;
    this.keys[i] = v;
    this.counts[i] = 1;
    return true;
  }

  /** The counted values as a sorted run's pairs [v, n, …]. */
  pairs(): Float64Array {
    const order: number[] = [];
    for (let i = 0; i < SLOTS; i++) if (this.counts[i]! > 0) order.push(i);
    order.sort((a, b) => this.keys[a]! - this.keys[b]!);
    const out = new Float64Array(2 * order.length);
    order.forEach((slot, k) => {
      out[2 * k] = this.keys[slot]!;
      out[2 * k + 1] = this.counts[slot]!;
    });
    return out;
  }
}

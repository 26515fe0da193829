/** Neumaier's compensated sum: the accuracy of numpy's pairwise summation without its bookkeeping. */
export class Accumulator {
  private sum = 0;
  private compensation = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      // An infinite term (e.g. a chi-square cell with expected 0) makes the sum infinite; no compensation.
      this.sum += x;
      return;
    }
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return Number.isFinite(this.sum) ? this.sum + this.compensation : this.sum;
  }
}

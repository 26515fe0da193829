import { ColumnAccumulator } from './column-side';
import type { ColumnSide, SpoolBudget } from './column-side';

const MISSING = 0;
const INTEGER = 1;
const FLOAT = 2;
const TEXT = 3;

/**
 * A ColumnAccumulator that keeps only the last `size` cells (--max-rows: the most recent traffic). The
 * window itself is held in memory — 9 bytes a cell, plus the texts — and replayed when the read ends.
 */
export class WindowedAccumulator extends ColumnAccumulator {
  private kinds = new Uint8Array(0);
  private numbers = new Float64Array(0);
  private windowTexts: Array<string | undefined> = [];
  private seen = 0;

  constructor(
    name: string,
    budget: SpoolBudget,
    private readonly size: number,
  ) {
    super(name, budget);
  }

  override pushMissing(): void {
    this.slot(MISSING);
  }

  override pushNumber(v: number, integerText: boolean): void {
    this.numbers[this.slot(integerText ? INTEGER : FLOAT)] = v;
  }

  protected override pushTextValue(text: string): void {
    this.windowTexts[this.slot(TEXT)] = text;
  }

  override finish(): ColumnSide {
    const held = Math.min(this.seen, this.size);
    const first = this.seen - held;
    for (let k = first; k < this.seen; k++) {
      const i = k % this.size;
      const kind = this.kinds[i];
      if (kind === MISSING) super.pushMissing();
      else if (kind === TEXT) super.pushTextValue(this.windowTexts[i]!);
      else super.pushNumber(this.numbers[i]!, kind === INTEGER);
    }
    this.kinds = new Uint8Array(0);
    this.numbers = new Float64Array(0);
    this.windowTexts = [];
    return super.finish();
  }

  private slot(kind: number): number {
    const i = this.seen % this.size;
    if (i >= this.kinds.length) this.grow();
    this.kinds[i] = kind;
    if (kind !== TEXT && this.windowTexts.length > i) this.windowTexts[i] = undefined;
    this.seen++;
    return i;
  }

  private grow(): void {
    const length = Math.min(this.size, Math.max(1024, this.kinds.length * 2));
    const kinds = new Uint8Array(length);
    kinds.set(this.kinds);
    const numbers = new Float64Array(length);
    numbers.set(this.numbers);
    this.kinds = kinds;
    this.numbers = numbers;
  }
}

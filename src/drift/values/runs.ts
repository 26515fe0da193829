import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A sorted run of distinct finite values with their multiplicities, as interleaved pairs
 * [v₀, n₀, v₁, n₁, …] — in memory, or in a spill file (see spill.ts). Every statistic reads columns as
 * runs: runs of the same column are merged on the fly, so no column is ever held as one array of rows.
 */
export type Run =
  | { readonly kind: 'memory'; readonly pairs: Float64Array }
  | { readonly kind: 'file'; readonly path: string; readonly offset: number; readonly pairs: number };

/** Distinct values in ascending order, each with its count; `next()` moves to the next one. */
export interface ValueCursor {
  next(): boolean;
  value: number;
  count: number;
}

/** Pairs read from a file at a time (1 MB). */
const BLOCK_PAIRS = 65_536;

/** Reads one run. File runs are read block by block into one reused buffer. */
export class RunCursor implements ValueCursor {
  value = Number.NaN;
  count = 0;
  private block: Float64Array;
  private at = 0;
  private end = 0;
  private readPairs = 0;
  private fd = -1;

  constructor(private readonly run: Run) {
    if (run.kind === 'memory') {
      this.block = run.pairs;
      this.end = run.pairs.length;
    } else {
      this.block = new Float64Array(2 * Math.min(BLOCK_PAIRS, Math.max(run.pairs, 1)));
    }
  }

  next(): boolean {
    if (this.at >= this.end && !this.refill()) return false;
    this.value = this.block[this.at]!;
    this.count = this.block[this.at + 1]!;
    this.at += 2;
    return true;
  }

  private refill(): boolean {
    const run = this.run;
    if (run.kind === 'memory' || this.readPairs >= run.pairs) {
      this.close();
      return false;
    }
    if (this.fd < 0) this.fd = openSync(run.path, 'r');
    const pairs = Math.min(BLOCK_PAIRS, run.pairs - this.readPairs);
    const bytes = new Uint8Array(this.block.buffer, 0, pairs * 16);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(this.fd, bytes, got, bytes.length - got, run.offset + this.readPairs * 16 + got);
      if (n === 0) throw new Error(`spill file ${run.path} is shorter than expected`);
      got += n;
    }
    this.readPairs += pairs;
    this.at = 0;
    this.end = pairs * 2;
    return true;
  }

  /** Releases the file, if any (also done at the end of the run). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Merges runs of one column: equal values from several runs come out once, their counts summed. */
export class MergeCursor implements ValueCursor {
  value = Number.NaN;
  count = 0;
  /** Binary min-heap of the cursors that still have a current value. */
  private readonly heap: RunCursor[] = [];

  constructor(cursors: RunCursor[]) {
    for (const c of cursors) if (c.next()) this.push(c);
  }

  next(): boolean {
    const heap = this.heap;
    if (heap.length === 0) return false;
    const v = heap[0]!.value;
    let n = 0;
    while (heap.length > 0 && heap[0]!.value === v) {
      const top = heap[0]!;
      n += top.count;
      if (top.next()) this.siftDown(0);
      else this.removeTop();
    }
    this.value = v;
    this.count = n;
    return true;
  }

  /** Releases every run's file. */
  close(): void {
    for (const c of this.heap) c.close();
  }

  private push(c: RunCursor): void {
    const heap = this.heap;
    heap.push(c);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.value <= c.value) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = c;
  }

  private removeTop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const c = heap[i]!;
    const n = heap.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]!.value < heap[child]!.value) child++;
      if (heap[child]!.value >= c.value) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = c;
  }
}

/** One cursor over all the runs of a column (a single run is read directly). */
export function openRuns(runs: readonly Run[]): ValueCursor & { close(): void } {
  if (runs.length === 1) return new RunCursor(runs[0]!);
  return new MergeCursor(runs.map((r) => new RunCursor(r)));
}

/** Sorts `values[0, n)` in place and returns its distinct values with their counts as pairs. */
export function sortedPairs(values: Float64Array, n: number): Float64Array {
  const sorted = values.subarray(0, n).sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const pairs = new Float64Array(2 * distinct);
  let k = -2;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (k < 0 || pairs[k] !== v) {
      k += 2;
      pairs[k] = v;
    }
    pairs[k + 1]!++;
  }
  return pairs;
}

/** Every run of a column merged into one in-memory run (the reference profile keeps columns so). */
export function mergeToMemory(runs: readonly Run[]): Run {
  if (runs.length === 1 && runs[0]!.kind === 'memory') return runs[0]!;
  const cursor = openRuns(runs);
  let out = new Float64Array(1024);
  let k = 0;
  while (cursor.next()) {
    if (k + 2 > out.length) {
      const bigger = new Float64Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[k++] = cursor.value;
    out[k++] = cursor.count;
  }
  cursor.close();
  return { kind: 'memory', pairs: out.slice(0, k) };
}

/** A cursor over a plain array of finite values (tests, small inputs); the array is not changed. */
export function sortedCursor(values: ArrayLike<number>): RunCursor {
  const copy = Float64Array.from(values);
  return new RunCursor({ kind: 'memory', pairs: sortedPairs(copy, copy.length) });
}

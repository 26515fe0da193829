import { closeSync, openSync, readSync } from 'node:fs';
import { radixSort } from './radix-sort';

/**
 * A sorted run of finite values: as interleaved pairs [v₀, n₀, v₁, n₁, …] of distinct values and their
 * counts, or as the sorted values themselves — whichever is smaller (pairs when at most half the values
 * are distinct). In memory, or in a spill file (see spill.ts). Every statistic reads columns as runs:
 * runs of the same column are merged on the fly, so no column is ever held as one array of rows.
 */
export type Run =
  | { readonly kind: 'memory'; readonly layout: RunLayout; readonly data: Float64Array }
  | {
      readonly kind: 'file';
      readonly layout: RunLayout;
      readonly path: string;
      readonly offset: number;
      /** float64 entries in the file (2 per pair). */
      readonly length: number;
    };

export type RunLayout = 'pairs' | 'values';

/** Distinct values in ascending order, each with its count; `next()` moves to the next one. */
export interface ValueCursor {
  next(): boolean;
  value: number;
  count: number;
}

/** float64 entries read from a file at a time (1 MB). */
const BLOCK = 131_072;

/** Reads one run. File runs are read block by block into one reused buffer. */
export class RunCursor implements ValueCursor {
  value = Number.NaN;
  count = 0;
  private block: Float64Array;
  private at = 0;
  private end = 0;
  private read = 0;
  private fd = -1;
  private readonly pairs: boolean;

  constructor(private readonly run: Run) {
    this.pairs = run.layout === 'pairs';
    if (run.kind === 'memory') {
      this.block = run.data;
      this.end = run.data.length;
    } else {
      this.block = new Float64Array(Math.min(BLOCK, Math.max(run.length, 2)));
    }
  }

  next(): boolean {
    if (this.at >= this.end && !this.refill()) return false;
    const v = this.block[this.at]!;
    this.value = v;
    if (this.pairs) {
      this.count = this.block[this.at + 1]!;
      this.at += 2;
      return true;
    }
    // Sorted values: equal neighbours (possibly across blocks) are one value with a count.
    let n = 1;
    this.at++;
    for (;;) {
      if (this.at >= this.end && !this.refill()) break;
      if (this.block[this.at] !== v) break;
      n++;
      this.at++;
    }
    this.count = n;
    return true;
  }

  private refill(): boolean {
    const run = this.run;
    if (run.kind === 'memory' || this.read >= run.length) {
      this.close();
      return false;
    }
    if (this.fd < 0) this.fd = openSync(run.path, 'r');
    const entries = Math.min(this.block.length, run.length - this.read);
    const bytes = new Uint8Array(this.block.buffer, 0, entries * 8);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(this.fd, bytes, got, bytes.length - got, run.offset + this.read * 8 + got);
      if (n === 0) throw new Error(`spill file ${run.path} is shorter than expected`);
      got += n;
    }
    this.read += entries;
    this.at = 0;
    this.end = entries;
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

/**
 * Sorts `values[0, n)` in place and makes it a run: pairs when at most half the values are distinct (a
 * fraction of the size), else the sorted values themselves — a view of `values`, not a copy.
 */
export function sortedRun(values: Float64Array, n: number): { layout: RunLayout; data: Float64Array } {
  radixSort(values, n);
  const sorted = values.subarray(0, n);
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (2 * distinct > n) return { layout: 'values', data: sorted };
  const pairs = new Float64Array(2 * distinct);
  let k = -2;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (k < 0 || pairs[k] !== v) {
      k += 2;
      pairs[k] = v + 0;
    }
    pairs[k + 1]!++;
  }
  return { layout: 'pairs', data: pairs };
}

/** Every run of a column merged into one in-memory run (the reference profile keeps columns so). */
export function mergeToMemory(runs: readonly Run[]): Run {
  if (runs.length === 1 && runs[0]!.kind === 'memory') return runs[0]!;
  const cursor = openRuns(runs);
  let pairs = new Float64Array(1024);
  let k = 0;
  let total = 0;
  while (cursor.next()) {
    if (k + 2 > pairs.length) {
      const bigger = new Float64Array(pairs.length * 2);
      bigger.set(pairs);
      pairs = bigger;
    }
    pairs[k++] = cursor.value;
    pairs[k++] = cursor.count;
    total += cursor.count;
  }
  cursor.close();
  if (k <= total) return { kind: 'memory', layout: 'pairs', data: pairs.slice(0, k) };
  const values = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < k; i += 2) values.fill(pairs[i]!, at, (at += pairs[i + 1]!));
  return { kind: 'memory', layout: 'values', data: values };
}

/** A cursor over a plain array of finite values (tests, small inputs); the array is not changed. */
export function sortedCursor(values: ArrayLike<number>): RunCursor {
  const copy = Float64Array.from(values);
  return new RunCursor({ kind: 'memory', ...sortedRun(copy, copy.length) });
}

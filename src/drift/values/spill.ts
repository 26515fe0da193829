import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FewValues } from './few-values';
import { sortedRun } from './runs';
import type { Run, RunLayout } from './runs';

/**
 * A temporary directory for sorted runs that do not fit the memory budget, created on first use and
 * removed by `dispose()`. Each spool appends its runs to a file of its own.
 */
export class SpillDir {
  private dir: string | undefined;
  private files = 0;
  private readonly parent: string;
  private readonly prefix: string;

  /**
   * @param options.parent where to create the directory (default: the OS temp directory)
   * @param options.existing a directory that already exists (a worker spilling into the main thread's)
   * @param options.prefix file name prefix, so workers sharing a directory never collide
   */
  constructor(options: { parent?: string; existing?: string; prefix?: string } = {}) {
    this.parent = options.parent ?? tmpdir();
    this.dir = options.existing;
    this.prefix = options.prefix ?? 'main';
  }

  /** A new file for one spool. */
  file(): SpillFile {
    return new SpillFile(join(this.path(), `${this.prefix}-${this.files++}.runs`));
  }

  /** The directory, created on first use. */
  path(): string {
    this.dir ??= mkdtempSync(join(this.parent, 'mlctl-drift-'));
    return this.dir;
  }

  /** Removes the directory and every run in it. */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** One file of runs, appended to. */
export class SpillFile {
  private size = 0;
  constructor(readonly path: string) {}

  write(run: { layout: RunLayout; data: Float64Array }): Run {
    const { data } = run;
    const fd = openSync(this.path, this.size === 0 ? 'w' : 'a');
    try {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    } finally {
      closeSync(fd);
    }
    const written: Run = {
      kind: 'file',
      layout: run.layout,
      path: this.path,
      offset: this.size,
      length: data.length,
    };
    this.size += data.byteLength;
    return written;
  }
}

/**
 * Collects one column's numbers in a buffer of at most `capacity` values; a full buffer is sorted into a
 * run and written to the spill directory. So memory stays at the capacity whatever the row count, and the
 * exact order statistics (K-S, Wasserstein) are still available by merging the runs.
 */
export class NumberSpool {
  private buffer = new Float64Array(1024);
  private size = 0;
  private readonly runs: Run[] = [];
  private file: SpillFile | undefined;
  // Counted, not buffered, while the column has few distinct values.
  private few: FewValues | undefined = new FewValues();

  constructor(
    private readonly capacity: number,
    private readonly spill: SpillDir | undefined,
  ) {}

  /** A finite number (−0 counts as 0). */
  push(v: number): void {
    if (this.few) {
      if (this.few.add(v + 0)) return;
      this.runs.push({ kind: 'memory', layout: 'pairs', data: this.few.pairs() });
      this.few = undefined;
    }
    if (this.size === this.buffer.length) this.makeRoom();
    this.buffer[this.size++] = v;
  }

  private makeRoom(): void {
    if (this.buffer.length < this.capacity || !this.spill) {
      const bigger = new Float64Array(Math.max(this.buffer.length * 2, 1024));
      bigger.set(this.buffer);
      this.buffer = bigger;
      return;
    }
    this.file ??= this.spill.file();
    this.runs.push(this.file.write(sortedRun(this.buffer, this.size)));
    this.size = 0;
  }

  /** The sorted runs: those spilled, then what is left in the buffer (kept in memory). */
  finish(): Run[] {
    if (this.few) {
      const pairs = this.few.pairs();
      this.few = undefined;
      return pairs.length ? [{ kind: 'memory', layout: 'pairs', data: pairs }] : [];
    }
    const runs = [...this.runs];
    // The buffer is handed over (a view of it may be the run): a new one would start empty.
    if (this.size > 0) runs.push({ kind: 'memory', ...sortedRun(this.buffer, this.size) });
    this.buffer = new Float64Array(0);
    this.size = 0;
    return runs;
  }
}

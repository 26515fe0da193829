import type { TrainProgress } from '../commands/train/run-train';

const WIDTH = 24;
const EVERY_MS = 100;

/** One line of the bar: `[#####……] 37/100 trees · 1.2M rows/s · ETA 4s`. */
export function formatProgress(p: TrainProgress): string {
  const share = p.totalTrees === 0 ? 1 : p.trees / p.totalTrees;
  const filled = Math.round(share * WIDTH);
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? (p.trees * p.rows) / seconds : 0;
  const eta = p.trees > 0 ? (seconds / p.trees) * (p.totalTrees - p.trees) : NaN;
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${p.trees}/${p.totalTrees} trees · ${compact(rate)} rows/s · ETA ${Number.isFinite(eta) ? `${Math.ceil(eta)}s` : '?'}`;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

/**
 * A progress bar redrawn in place on a terminal, at most every 100 ms; nothing at all when stderr is
 * not a TTY (CI logs stay clean).
 */
export function createProgressBar(stream: NodeJS.WritableStream): {
  update(p: TrainProgress): void;
  done(): void;
} {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < EVERY_MS && p.trees < p.totalTrees) return;
      last = now;
      drawn = true;
      stream.write(`\r${formatProgress(p)}\u001b[K`);
    },
    done() {
      if (tty && drawn) stream.write('\r\u001b[K');
    },
  };
}

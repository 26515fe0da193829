import { createReadStream } from 'node:fs';
import { fromFsError } from '../../errors';

/**
 * Calls `onLine(buffer, start, end)` with the bytes of every line of a file, streaming (the file is never
 * held whole, nor decoded as a whole). With a byte range, only the lines that start inside [start, end)
 * are read: a range that starts mid-line leaves that line to the range before, which reads past its end
 * to finish it. A UTF-8 BOM at the start of the file is dropped.
 */
export async function readLines(
  path: string,
  what: string,
  onLine: (buf: Buffer, start: number, end: number) => void,
  range: { start: number; end: number } = { start: 0, end: Number.POSITIVE_INFINITY },
): Promise<void> {
  const from = Math.max(range.start - 1, 0);
  const stream = createReadStream(path, { start: from, highWaterMark: 1 << 20 });
  let offset = from; // file offset of the current chunk's first byte
  let skipping = range.start > 0; // inside a line that the previous range owns
  // The unfinished last line of the previous chunk (and its file offset); only it is ever copied.
  let pending: Buffer = Buffer.alloc(0);
  let pendingAt = from;
  const emit = (buf: Buffer, start: number, end: number, at: number): boolean => {
    if (skipping) {
      skipping = false;
      return true;
    }
    if (at >= range.end) return false;
    const bom = at === 0 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf ? 3 : 0;
    onLine(buf, start + bom, end);
    return true;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let lineStart = 0;
      if (pending.length) {
        const nl = chunk.indexOf(10);
        if (nl === -1) {
          pending = Buffer.concat([pending, chunk]);
          offset += chunk.length;
          continue;
        }
        const line = Buffer.concat([pending, chunk.subarray(0, nl)]);
        pending = Buffer.alloc(0);
        if (!emit(line, 0, line.length, pendingAt)) break;
        lineStart = nl + 1;
      }
      let stop = false;
      for (let nl = chunk.indexOf(10, lineStart); nl !== -1; nl = chunk.indexOf(10, lineStart)) {
        if (!emit(chunk, lineStart, nl, offset + lineStart)) {
          stop = true;
          pending = Buffer.alloc(0);
          break;
        }
        lineStart = nl + 1;
      }
      if (stop) break;
      pending = Buffer.from(chunk.subarray(lineStart));
      pendingAt = offset + lineStart;
      offset += chunk.length;
    }
  } catch (err) {
    throw fromFsError(err, what, path);
  } finally {
    stream.destroy();
  }
  if (pending.length) emit(pending, 0, pending.length, pendingAt);
}

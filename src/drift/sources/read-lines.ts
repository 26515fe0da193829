import { open } from 'node:fs/promises';
import { fromFsError } from '../../errors';

const CHUNK = 1 << 20;

/**
 * Calls `onLine(buffer, start, end)` with the bytes of every line of a file, streaming into one reused
 * buffer (the file is never held whole, nor decoded as a whole, and no buffer is allocated per chunk).
 * With a byte range, only the lines that start inside [start, end) are read: a range that starts mid-line
 * leaves that line to the range before, which reads past its end to finish it. A UTF-8 BOM at the start
 * of the file is dropped.
 */
export async function readLines(
  path: string,
  what: string,
  onLine: (buf: Buffer, start: number, end: number) => void,
  range: { start: number; end: number } = { start: 0, end: Number.POSITIVE_INFINITY },
): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fromFsError(err, what, path);
  }
  try {
    // Reading from one byte before the range tells whether the range starts at a line's beginning.
    let position = Math.max(range.start - 1, 0);
    let skipping = range.start > 0; // inside a line that the previous range owns
    let buf = Buffer.allocUnsafe(2 * CHUNK);
    let carry = 0; // bytes of an unfinished line at the start of buf
    let carryAt = position; // its file offset
    for (;;) {
      if (carry + CHUNK > buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, carry, CHUNK, position);
      position += bytesRead;
      const end = carry + bytesRead;
      let lineStart = 0;
      let stop = false;
      for (let nl = buf.indexOf(10, carry); nl !== -1 && nl < end; nl = buf.indexOf(10, nl + 1)) {
        const at = carryAt + lineStart;
        if (skipping) skipping = false;
        else if (at >= range.end) {
          stop = true;
          break;
        } else emitLine(buf, lineStart, nl, at, onLine);
        lineStart = nl + 1;
      }
      if (stop) return;
      if (bytesRead === 0) {
        // The last line, without a newline.
        if (lineStart < end && !skipping && carryAt + lineStart < range.end)
          emitLine(buf, lineStart, end, carryAt + lineStart, onLine);
        return;
      }
      buf.copyWithin(0, lineStart, end);
      carryAt += lineStart;
      carry = end - lineStart;
    }
  } catch (err) {
    throw fromFsError(err, what, path);
  } finally {
    await handle.close();
  }
}

function emitLine(
  buf: Buffer,
  start: number,
  end: number,
  at: number,
  onLine: (buf: Buffer, start: number, end: number) => void,
): void {
  const bom = at === 0 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf ? 3 : 0;
  onLine(buf, start + bom, end);
}

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';

/** Where predictions go, chunk by chunk: stdout, or a file that appears only when complete. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Everything was written: make it visible. */
  commit(): Promise<void>;
  /** Something failed: leave nothing behind. */
  abort(): Promise<void>;
}

async function writeWithBackpressure(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream as NodeJS.EventEmitter, 'drain');
}

export function createStreamSink(stream: NodeJS.WritableStream): TextSink {
  return {
    write: (text) => writeWithBackpressure(stream, text),
    commit: async () => undefined,
    abort: async () => undefined,
  };
}

/** A temp file beside the target, renamed over it on commit: readers never see a partial file. */
export async function createFileSink(path: string): Promise<TextSink> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const stream = createWriteStream(tmp);
  await once(stream, 'open');
  const close = async (): Promise<void> => {
    if (stream.closed) return;
    stream.end();
    await once(stream, 'close');
  };
  return {
    write: (text) => writeWithBackpressure(stream, text),
    async commit() {
      await close();
      await rename(tmp, path);
    },
    async abort() {
      stream.destroy();
      await rm(tmp, { force: true });
    },
  };
}

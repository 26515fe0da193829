import { open } from 'node:fs/promises';

/**
 * A file's bytes, read with one request to libuv's thread pool (and another only if the kernel returns
 * fewer bytes than asked). `fs.promises.readFile` reads 512 KiB at a time and needs the main thread
 * between chunks, so a 30 MB file waits for whatever the main thread is doing; this read does not.
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MlctlError } from '../errors';
import { writeFileAtomic } from '../io/fs-atomic';
import { readWholeFile } from '../io/read-whole';

/**
 * Every model artifact carries SHA256SUMS: one `<hex>  <path>` line per other file, in the format of
 * coreutils' sha256sum, so `sha256sum -c SHA256SUMS` checks it too. Nothing loads an artifact whose
 * files do not match.
 */
export const CHECKSUMS_FILE = 'SHA256SUMS';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Up to this size a file is read whole (one read, off the main thread) and hashed; above, streamed. */
const WHOLE_FILE_BYTES = 64 * 1024 * 1024;

/** A file's SHA-256 (from `bytes` when the caller reads the file anyway). */
async function fileSha256(path: string, bytes?: Promise<Uint8Array>): Promise<string> {
  const given = await bytes?.catch(() => undefined);
  if (given) return createHash('sha256').update(given).digest('hex');
  if ((await stat(path)).size > WHOLE_FILE_BYTES) return sha256File(path);
  return createHash('sha256')
    .update(await readWholeFile(path))
    .digest('hex');
}

/** Files of a directory, recursively, as POSIX paths relative to it, sorted (stable across OSes). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Writes SHA256SUMS for every file of `dir` (except itself). */
export async function writeChecksums(dir: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const file of await listFiles(dir)) {
    if (file !== CHECKSUMS_FILE) sums[file] = await sha256File(join(dir, file));
  }
  const text = Object.entries(sums)
    .map(([file, hex]) => `${hex}  ${file}\n`)
    .join('');
  await writeFileAtomic(join(dir, CHECKSUMS_FILE), text);
  return sums;
}

export function parseChecksums(text: string, where: string): Record<string, string> {
  const sums: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) {
      throw new MlctlError('ARTIFACT_INVALID', `${where}:${i + 1}: not a sha256sum line`, {
        location: { file: where, line: i + 1 },
      });
    }
    sums[m[2] as string] = m[1] as string;
  });
  return sums;
}

/**
 * Checks every file listed in SHA256SUMS, and that no file is missing from it. Throws ARTIFACT_INVALID
 * naming each mismatch. The files are read at the same time, each in one request to the thread pool,
 * so the main thread can work meanwhile; `reading` gives the bytes of files the caller reads anyway
 * (read once, not twice).
 */
export async function verifyChecksums(
  dir: string,
  reading: Readonly<Record<string, Promise<Uint8Array>>> = {},
): Promise<void> {
  const listPath = join(dir, CHECKSUMS_FILE);
  let text: string;
  try {
    text = await readFile(listPath, 'utf8');
  } catch {
    throw new MlctlError('ARTIFACT_INVALID', `model artifact ${dir} has no ${CHECKSUMS_FILE}`, {
      hint: 'Artifacts written by `mlctl train` carry checksums; re-train or re-download the model.',
    });
  }
  const expected = parseChecksums(text, listPath);
  const present = new Set(await listFiles(dir));
  const checked = await Promise.all(
    Object.entries(expected).map(async ([file, hex]) => {
      if (!present.has(file)) return `${file}: missing`;
      return (await fileSha256(join(dir, file), reading[file])) === hex
        ? undefined
        : `${file}: sha256 does not match`;
    }),
  );
  const problems = checked.filter((p) => p !== undefined);
  for (const file of present) {
    if (file !== CHECKSUMS_FILE && !(file in expected))
      problems.push(`${file}: not listed in ${CHECKSUMS_FILE}`);
  }
  if (problems.length) {
    throw new MlctlError('ARTIFACT_INVALID', `model artifact ${dir} failed its checksum verification`, {
      problems,
      hint: 'The files were changed or damaged after training. Re-download or re-train the model; never serve it as is.',
    });
  }
}

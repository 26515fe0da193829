import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MlctlError } from '../errors';
import { writeFileAtomic } from '../io/fs-atomic';

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
 * naming each mismatch.
 */
export async function verifyChecksums(dir: string): Promise<void> {
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
  const problems: string[] = [];
  const present = new Set(await listFiles(dir));
  for (const [file, hex] of Object.entries(expected)) {
    if (!present.has(file)) problems.push(`${file}: missing`);
    else if ((await sha256File(join(dir, file))) !== hex) problems.push(`${file}: sha256 does not match`);
  }
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

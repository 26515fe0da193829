import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from '../telemetry/logger';
import { MlctlError, isMlctlError } from '../errors';
import { CHECKSUMS_FILE, verifyChecksums } from '../artifact/checksums';
import { foreignModel, hasFile, readFlavors } from './flavors';
import { encodeName } from './names';
import { parseModelUri, resolveModelUri } from './uri';
import type { ModelRegistry, ModelVersion } from './types';

export interface DownloadedModel {
  /** The URI as asked for (`models:/iris@champion`). */
  requested: string;
  /** The version it resolved to, pinned (`models:/iris/7`). */
  uri: string;
  version: ModelVersion;
  /** The verified local copy. */
  dir: string;
  /** True when a verified copy was already in the cache. */
  cached: boolean;
}

/**
 * Resolves a `models:/` URI and downloads that version into `destDir` (absent or empty). The files land
 * in a temp directory beside it, are checked against SHA256SUMS, and only then renamed into place: a
 * tampered or partial download never appears at `destDir`.
 */
export async function downloadModel(
  registry: ModelRegistry,
  uri: string,
  destDir: string,
): Promise<DownloadedModel> {
  const version = await resolveModelUri(registry, parseModelUri(uri));
  const dir = resolve(destDir);
  if ((await entries(dir)) > 0) {
    throw new MlctlError('INPUT_INVALID', `the download directory is not empty: ${dir}`, {
      hint: 'Name a new or empty directory; mlctl never mixes two models in one.',
    });
  }
  await materialize(registry, version, dir);
  return { requested: uri, uri: pinned(version), version, dir, cached: false };
}

/**
 * As `downloadModel`, into `<cacheDir>/<name>/<version>`, reusing a copy that still verifies. Safe for
 * concurrent callers: the first rename wins and the others use its copy. This is what `mlctl serve`'s
 * hot reload uses.
 */
export async function fetchModelToCache(
  registry: ModelRegistry,
  uri: string,
  cacheDir: string,
  logger?: Logger,
): Promise<DownloadedModel> {
  const version = await resolveModelUri(registry, parseModelUri(uri));
  const dir = join(resolve(cacheDir), encodeName(version.name), version.version);
  if ((await entries(dir)) > 0) {
    try {
      await verifyChecksums(dir);
      return { requested: uri, uri: pinned(version), version, dir, cached: true };
    } catch (err) {
      logger?.warn(
        { dir, err: isMlctlError(err) ? err.problems : String(err) },
        'cached model failed verification; downloading again',
      );
      await rm(dir, { recursive: true, force: true });
    }
  }
  try {
    await materialize(registry, version, dir);
  } catch (err) {
    // Lost a race with another process that put a copy there first: use it if it verifies.
    if (isMlctlError(err) || (await entries(dir)) === 0) throw err;
    await verifyChecksums(dir);
    return { requested: uri, uri: pinned(version), version, dir, cached: true };
  }
  return { requested: uri, uri: pinned(version), version, dir, cached: false };
}

function pinned(version: ModelVersion): string {
  return `models:/${version.name}/${version.version}`;
}

async function entries(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).length;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new MlctlError('INPUT_INVALID', `not a directory: ${dir}`);
    }
    throw err;
  }
}

async function materialize(registry: ModelRegistry, version: ModelVersion, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(join(dirname(dir), `.${basename(dir)}.download-`));
  try {
    await registry.downloadVersion(version, tmp);
    // A model without the mlctl flavor is not damaged, only not mlctl's: say what it is.
    const flavors = await readFlavors(tmp);
    const foreign = flavors === undefined || !flavors.includes('mlctl');
    if (foreign && !(await hasFile(tmp, CHECKSUMS_FILE)))
      throw await foreignModel(pinned(version), tmp, flavors);
    try {
      await verifyChecksums(tmp);
      if (foreign) throw await foreignModel(pinned(version), tmp, flavors);
    } catch (err) {
      if (!isMlctlError(err) || err.code === 'MODEL_UNSUPPORTED') throw err;
      throw new MlctlError(
        'ARTIFACT_INVALID',
        `${pinned(version)} failed its checksum verification after download from ${version.source}`,
        {
          problems: err.problems,
          hint: 'The stored files differ from what was registered (tampered or damaged). Nothing was written; register a good copy again.',
          cause: err,
        },
      );
    }
    // rename() over an empty directory works on POSIX but not on Windows: remove it first.
    await rmdir(dir).catch(() => undefined);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

import { randomUUID } from 'node:crypto';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MlctlError } from '../errors';
import { listFiles } from '../artifact/checksums';

/**
 * Copies `localDir` to `target` (which must not exist) through a temp directory in `tmpParent`, renamed
 * into place at the end: the files appear whole or not at all.
 */
export async function copyDirectoryInto(localDir: string, target: string, tmpParent: string): Promise<void> {
  const tmp = join(tmpParent, `.upload-${randomUUID()}`);
  try {
    await mkdir(tmpParent, { recursive: true });
    await cp(localDir, tmp, { recursive: true, errorOnExist: true });
    await mkdir(join(target, '..'), { recursive: true });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new MlctlError(
      'IO_ERROR',
      `cannot store ${localDir} in the local registry: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Copies every file under `from` (a stored artifact, named `what` in errors) into `destDir`. */
export async function copyFilesOut(from: string, destDir: string, what: string): Promise<void> {
  const isDir = await stat(from).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new MlctlError('ARTIFACT_INVALID', `the artifacts of ${what} are missing: ${from}`);
  for (const file of await listFiles(from)) {
    await mkdir(join(destDir, file, '..'), { recursive: true });
    await cp(join(from, file), join(destDir, file));
  }
}

/**
 * As MLflow's server: a version's source must lie inside what its `model_id` (a `models:/<id>` source)
 * or, without one, its `run_id` (a `runs:/<run id>/<path>` source) names. The messages are MLflow's.
 */
export function assertVersionSource(source: string, runId?: string, modelId?: string): void {
  const invalid = (by: string) =>
    new MlctlError(
      'REGISTRY_REJECTED',
      `Invalid model version source: '${source}'. The ${by} request parameter must identify the resource that contains the source.`,
    );
  const model = /^models:\/(m-[0-9a-f]{32})$/.exec(source);
  if (modelId !== undefined || model) {
    if (model?.[1] !== modelId) throw invalid('model_id');
    return;
  }
  const run = /^runs:\/([0-9a-f]{32})\/(.+)$/.exec(source);
  if (!run || run[1] !== runId || run[2]?.split('/').includes('..')) throw invalid('run_id');
}

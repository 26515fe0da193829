import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MlctlError, fromFsError } from '../../errors';
import { CHECKSUMS_FILE, parseChecksums, verifyChecksums } from '../../artifact/checksums';

/** Turns a `models:/name/…` URI into the local directory of that model version's artifact. */
export type ModelUriResolver = (uri: string) => Promise<string>;

export interface ReferenceLocation {
  /** The CSV to read. */
  path: string;
  /** How to show it: the argument as given, plus the artifact's reference.csv when it was a model. */
  label: string;
  /** The model artifact directory, when the reference came from one. */
  artifact?: string;
}

/**
 * Where the reference data is: a CSV file; a model artifact directory (its reference.csv —
 * docs/ARTIFACT.md); or a `models:/` URI, resolved to such a directory by the registry. Nothing is
 * verified yet: see `verifyReference`.
 */
export async function locateReference(
  spec: string,
  cwd: string,
  resolveModelUri?: ModelUriResolver,
): Promise<ReferenceLocation> {
  let dir: string | undefined;
  if (/^models:\//i.test(spec)) {
    if (!resolveModelUri) {
      throw new MlctlError(
        'USAGE',
        `cannot use ${spec} as the reference: registry support is not available in this build`,
        {
          hint: 'Pass the model artifact directory (it holds reference.csv) or a reference CSV instead.',
        },
      );
    }
    dir = await resolveModelUri(spec);
  } else {
    const path = resolve(cwd, spec.replace(/^file:\/\//i, ''));
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      throw fromFsError(err, 'reference', spec);
    }
    if (!isDir) return { path, label: spec };
    dir = path;
  }
  return { path: join(dir, 'reference.csv'), label: `${spec} (reference.csv)`, artifact: dir };
}

/**
 * Checks a reference before it is read: an artifact's SHA256SUMS (a tampered artifact fails with
 * ARTIFACT_INVALID) and that it has a reference.csv. Returns the sha256 the artifact records for
 * reference.csv (verified), or undefined for a plain CSV.
 */
export async function verifyReference(
  location: ReferenceLocation,
  spec: string,
): Promise<string | undefined> {
  const dir = location.artifact;
  if (dir === undefined) return undefined;
  await verifyChecksums(dir);
  const sums = parseChecksums(await readFile(join(dir, CHECKSUMS_FILE), 'utf8'), join(dir, CHECKSUMS_FILE));
  const sha = sums['reference.csv'];
  if (sha === undefined) {
    throw new MlctlError('INPUT_INVALID', `model artifact ${spec} has no reference.csv`, {
      hint: 'Models trained by `mlctl train` carry reference.csv (docs/ARTIFACT.md); pass a reference CSV instead.',
    });
  }
  return sha;
}

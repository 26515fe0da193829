import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { fromFsError } from '../../errors';
import { writeFileAtomic } from '../../io/fs-atomic';
import { verifyReference } from '../sources/reference';
import type { ReferenceLocation } from '../sources/reference';
import { decodeProfile, encodeProfile } from './codec';
import { PROFILE_FORMAT } from './profile';
import type { ReferenceProfile } from './profile';
import { readReferenceProfile } from './read-reference';

/** Where a profile came from, for the report and the logs. */
export type ProfileOrigin = 'memory' | 'disk' | 'computed';

/**
 * Reference profiles, computed once per reference file: kept in memory (one per reference path, reused
 * while the file's size, mtime and inode — and an artifact's SHA256SUMS — are unchanged, so `drift serve`
 * neither re-reads nor re-verifies it every interval) and on disk under `dir`, keyed by the file's sha256
 * (so a CLI run reads a small binary file instead of the CSV). Without `dir`, memory only.
 */
export class ProfileStore {
  private readonly memory = new Map<string, { stamp: string; profile: ReferenceProfile }>();

  constructor(
    private readonly dir: string | undefined,
    private readonly logger: Logger,
  ) {}

  async load(
    location: ReferenceLocation,
    spec: string,
  ): Promise<{ profile: ReferenceProfile; origin: ProfileOrigin }> {
    const stamp = await this.stamp(location, spec);
    const held = this.memory.get(location.path);
    if (held && held.stamp === stamp) return { profile: held.profile, origin: 'memory' };
    const sha256 = (await verifyReference(location, spec)) ?? (await sha256File(location.path, spec));
    let origin: ProfileOrigin = 'disk';
    let profile = await this.readDisk(sha256);
    if (!profile) {
      origin = 'computed';
      profile = await readReferenceProfile(location.path, location.label, sha256);
      await this.writeDisk(profile);
    }
    // One reference at a time: a new model version's profile replaces the last one.
    this.memory.clear();
    this.memory.set(location.path, { stamp, profile });
    return { profile, origin };
  }

  private async stamp(location: ReferenceLocation, spec: string): Promise<string> {
    const files = [location.path, ...(location.artifact ? [join(location.artifact, 'SHA256SUMS')] : [])];
    const parts: string[] = [];
    for (const file of files) {
      try {
        const s = await stat(file);
        parts.push(`${s.size}:${s.mtimeMs}:${s.ino}`);
      } catch (err) {
        // An artifact without reference.csv gets verifyReference's clearer message.
        if (location.artifact) parts.push('missing');
        else throw fromFsError(err, 'reference', spec);
      }
    }
    return parts.join('/');
  }

  private file(sha256: string): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, `${sha256}.v${PROFILE_FORMAT}.profile`);
  }

  private async readDisk(sha256: string): Promise<ReferenceProfile | undefined> {
    const file = this.file(sha256);
    if (!file) return undefined;
    try {
      const profile = decodeProfile(await readFile(file), sha256);
      if (!profile) this.logger.debug({ file }, 'cached reference profile is not usable; computing it again');
      return profile;
    } catch {
      return undefined;
    }
  }

  private async writeDisk(profile: ReferenceProfile): Promise<void> {
    const file = this.file(profile.sha256);
    if (!file) return;
    try {
      await writeFileAtomic(file, encodeProfile(profile));
    } catch (err) {
      // A cache that cannot be written only costs time: the run goes on.
      this.logger.warn({ file, err: (err as Error).message }, 'could not cache the reference profile');
    }
  }
}

async function sha256File(path: string, spec: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw fromFsError(err, 'reference', spec);
  }
  return hash.digest('hex');
}

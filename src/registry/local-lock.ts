import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MlctlError } from '../errors';

/**
 * A cross-process lock for the local registry: a directory created with mkdir (atomic on every local
 * filesystem), holding owner.json (pid, host, token). A lock whose owner process is gone (same host) or
 * that is older than `staleMs` is broken by renaming it away, so a crashed mlctl never blocks the others.
 */
export interface LockOptions {
  /** Give up waiting after this long (REGISTRY_UNAVAILABLE). */
  timeoutMs?: number;
  /** A lock held longer than this is presumed abandoned; held work takes milliseconds. */
  staleMs?: number;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

const OWNER_FILE = 'owner.json';

export async function withDirLock<T>(
  lockDir: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const token = await acquire(lockDir, options.timeoutMs ?? 60_000, options.staleMs ?? 30_000);
  try {
    return await fn();
  } finally {
    await release(lockDir, token);
  }
}

async function acquire(lockDir: string, timeoutMs: number, staleMs: number): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lockDir), { recursive: true });
  for (;;) {
    let made = false;
    try {
      await mkdir(lockDir);
      made = true;
      const owner: Owner = { pid: process.pid, host: hostname(), token, since: new Date().toISOString() };
      await writeFile(join(lockDir, OWNER_FILE), JSON.stringify(owner));
      return token;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT after our mkdir: another process broke the lock we had just made; start over.
      if (code !== 'EEXIST' && !(made && code === 'ENOENT')) throw err;
    }
    const holder = await inspect(lockDir);
    if (holder && isStale(holder, staleMs)) {
      await breakLock(lockDir, holder.owner?.token, staleMs);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder?.owner
        ? ` by pid ${holder.owner.pid} on ${holder.owner.host} since ${holder.owner.since}`
        : '';
      throw new MlctlError('REGISTRY_UNAVAILABLE', `the local registry is locked${who}: ${lockDir}`, {
        hint: `Another mlctl is writing to the registry. If none is running, remove ${lockDir}.`,
      });
    }
    await sleep(5 + Math.random() * 20);
  }
}

async function inspect(lockDir: string): Promise<{ owner?: Owner; ageMs: number } | undefined> {
  try {
    const { mtimeMs } = await stat(lockDir);
    let owner: Owner | undefined;
    try {
      owner = JSON.parse(await readFile(join(lockDir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      // Not written yet (or the holder died in between): judge by age alone.
    }
    return { owner, ageMs: Date.now() - mtimeMs };
  } catch {
    return undefined; // released meanwhile
  }
}

function isStale(holder: { owner?: Owner; ageMs: number }, staleMs: number): boolean {
  if (holder.ageMs > staleMs) return true;
  return holder.owner !== undefined && holder.owner.host === hostname() && !isAlive(holder.owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Renames the lock away; if what was renamed is not the lock judged stale (a race), puts it back. */
async function breakLock(lockDir: string, staleToken: string | undefined, staleMs: number): Promise<void> {
  const aside = `${lockDir}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // someone else broke or released it
  }
  const moved = await inspect(aside);
  // What was renamed may be a lock taken after we judged the old one stale: one with another owner, or a
  // fresh one whose owner file is not written yet. Only the lock judged stale is removed.
  const sameLock =
    moved !== undefined &&
    (staleToken !== undefined
      ? moved.owner?.token === staleToken
      : moved.owner === undefined && moved.ageMs >= staleMs);
  if (moved !== undefined && !sameLock) {
    try {
      await rename(aside, lockDir);
      return;
    } catch {
      // A third process took the lock meanwhile; the moved owner will find its lock gone on release.
    }
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * Removes the lock if it is still ours. A process breaking a lock it judged stale can hold ours aside for
 * a moment (it read the owner of the lock before ours, then moves back what turns out not to be that
 * lock), so a lock found missing is looked for again, briefly, rather than left behind or failed on.
 */
async function release(lockDir: string, token: string): Promise<void> {
  const deadline = Date.now() + RELEASE_WAIT_MS;
  for (;;) {
    let owner: Owner | undefined;
    try {
      owner = JSON.parse(await readFile(join(lockDir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      // Gone: broken as stale and removed, or held aside for a moment.
    }
    if (owner !== undefined) {
      if (owner.token !== token) return; // broken as stale and re-taken: not ours any more
      const aside = `${lockDir}.released-${token}`;
      try {
        await rename(lockDir, aside);
        await rm(aside, { recursive: true, force: true });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    if (Date.now() > deadline) return;
    await sleep(5);
  }
}

/** How long a release looks for a lock that went missing (one held aside returns within milliseconds). */
const RELEASE_WAIT_MS = 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

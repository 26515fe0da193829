import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlctlError } from '../errors';
import { withDirLock } from './local-lock';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('withDirLock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlctl-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets one holder in at a time: concurrent read-modify-write loses no update', async () => {
    const counter = join(dir, 'counter');
    await writeFile(counter, '0');
    await Promise.all(
      Array.from({ length: 25 }, () =>
        withDirLock(join(dir, '.lock'), async () => {
          const n = Number(await readFile(counter, 'utf8'));
          await new Promise((r) => setTimeout(r, 1));
          await writeFile(counter, String(n + 1));
        }),
      ),
    );
    expect(await readFile(counter, 'utf8')).toBe('25');
    expect(await readdir(dir)).toEqual(['counter']);
  });

  it('releases its lock even when another process holds it aside for a moment at that time', async () => {
    // What a process breaking a stale lock does when the lock turns out to be a newer one: it renames it
    // away, sees another owner, and renames it back.
    const lock = join(dir, '.lock');
    const aside = join(dir, '.lock.stale-test');
    let movedBack: Promise<void> | undefined;
    await withDirLock(lock, async () => {
      await rename(lock, aside);
      movedBack = new Promise((r) => setTimeout(r, 50)).then(() => rename(aside, lock));
    });
    await movedBack;
    expect(await readdir(dir)).toEqual([]);
  });

  it('breaks a lock left by a process that died', async () => {
    const lock = join(dir, '.lock');
    await mkdir(lock);
    const owner = { pid: await deadPid(), host: hostname(), token: 'dead', since: new Date().toISOString() };
    await writeFile(join(lock, 'owner.json'), JSON.stringify(owner));
    expect(await withDirLock(lock, async () => 'got it', { timeoutMs: 2000 })).toBe('got it');
    expect(await readdir(dir)).toEqual([]);
  });

  it('breaks a lock older than staleMs even if its owner is unknown', async () => {
    const lock = join(dir, '.lock');
    await mkdir(lock);
    await new Promise((r) => setTimeout(r, 60));
    expect(await withDirLock(lock, async () => 'got it', { timeoutMs: 2000, staleMs: 50 })).toBe('got it');
  });

  it('waits for a live holder, then gives up with REGISTRY_UNAVAILABLE naming it', async () => {
    const lock = join(dir, '.lock');
    await mkdir(lock);
    const owner = { pid: process.pid, host: hostname(), token: 'live', since: '2026-01-01T00:00:00.000Z' };
    await writeFile(join(lock, 'owner.json'), JSON.stringify(owner));
    const err = await withDirLock(lock, async () => 'never', { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlctlError);
    expect((err as MlctlError).code).toBe('REGISTRY_UNAVAILABLE');
    expect((err as MlctlError).message).toContain(
      `locked by pid ${process.pid} on ${hostname()} since 2026-01-01`,
    );
    expect((err as MlctlError).hint).toContain(`remove ${lock}`);
  });

  it('releases the lock when the work throws', async () => {
    const lock = join(dir, '.lock');
    await expect(withDirLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readdir(dir)).toEqual([]);
  });
});

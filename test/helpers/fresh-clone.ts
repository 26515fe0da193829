import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { REPO_ROOT } from './cli';

/**
 * What a fresh `git clone` of this checkout would hold if its changes were committed: the tracked files
 * and the untracked ones git does not ignore (no node_modules/, dist/, .mlctl/), copied to `dest`.
 */
export function copyCheckout(dest: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '')) {
    const from = join(REPO_ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    const to = join(dest, file);
    mkdirSync(dirname(to), { recursive: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
}

/**
 * The machine's own Node.js, not the repository's: MLCTL_MACHINE_NODE (`.ci/run` records it before it
 * puts node_modules/.bin first), else the first `node` on PATH outside this checkout.
 */
export function machineNode(): string {
  if (process.env.MLCTL_MACHINE_NODE) return process.env.MLCTL_MACHINE_NODE;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || `${dir}${sep}`.startsWith(`${REPO_ROOT}${sep}`)) continue;
    if (existsSync(join(dir, 'node'))) return join(dir, 'node');
  }
  throw new Error('no node on PATH outside the repository');
}

/** A PATH with the machine's node (and the npm beside it) first, then the system's directories only. */
export function machinePath(node: string): string {
  const dirs = [dirname(node), '/usr/local/bin', '/usr/bin', '/bin'];
  return [...new Set(dirs)].join(delimiter);
}

/**
 * The environment of a user with nothing but the machine's Node and npm: HOME (the npm cache), that
 * PATH, and npm reading registry metadata from its cache when it has it.
 */
export function machineEnv(node: string): NodeJS.ProcessEnv {
  return {
    HOME: process.env.HOME,
    PATH: machinePath(node),
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

/** A long-running command in its own process group (so a test can stop it and its children at once). */
export function spawnGroup(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  stop: () => void;
} {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = (): void => {
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      // the group is gone already
    }
  };
  return { child, out: () => out, err: () => err, exited, stop };
}

export function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, collecting its output (npm, git, a shell line). */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 300_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

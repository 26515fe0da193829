import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { MLCTL_BIN, REPO_ROOT } from './cli';

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns the built `mlctl serve` on 127.0.0.1 with a free port; resolves once it listens. */
export function startServeProcess(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [MLCTL_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mlctl serve did not start: ${err}`));
    }, options.timeoutMs ?? 20_000);
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(err);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        url: m[1] as string,
        child,
        stdout: () => out,
        stderr: () => err,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null) child.kill(signal);
          return exited;
        },
      });
    }, 25);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`mlctl serve exited with ${code}: ${err}`));
    });
  });
}

/** Polls until `check` passes or the time is up. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

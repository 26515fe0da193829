import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { run } from '../../src/cli/main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs mlctl in-process (fast), with its own streams, environment and working directory. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const code = await run(argv, {
    stdout,
    stderr,
    cwd: options.cwd ?? process.cwd(),
    env: { LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...options.env },
  });
  return { code, stdout: out(), stderr: err() };
}

export const REPO_ROOT = join(__dirname, '..', '..');
export const MLCTL_BIN = join(REPO_ROOT, 'bin', 'mlctl');

/** Spawns the built CLI (bin/mlctl → dist/), as a user or CI would. Requires `npm run build`. */
export function spawnCli(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MLCTL_BIN, ...argv], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

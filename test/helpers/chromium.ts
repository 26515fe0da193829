import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's chromium (scripts/ci/chromium.sh installs it), from MLCTL_CHROMIUM or the PATH. */
export function findChromium(): string | undefined {
  if (process.env.MLCTL_CHROMIUM && existsSync(process.env.MLCTL_CHROMIUM)) return process.env.MLCTL_CHROMIUM;
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Runs headless chromium with a fresh profile and no background traffic. */
export function browse(
  chromium: string,
  args: string[],
  profile: string,
): { status: number | null; stdout: string } {
  const r = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
  );
  return { status: r.status, stdout: r.stdout };
}

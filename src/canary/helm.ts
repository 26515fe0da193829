import { spawn } from 'node:child_process';
import { MlctlError } from '../errors';

export interface HelmOptions {
  release: string;
  chart: string;
  namespace?: string;
  /** The canary's image tag, made the stable image on promotion. */
  imageTag?: string;
}

/**
 * The Helm commands that follow a decision, for image rollouts (model rollouts need none: stable pods
 * follow the registry). The chart (infra/helm/mlctl) holds stable and canary in one release, so both
 * outcomes are one `helm upgrade --reuse-values`: promotion makes the canary's image the stable one and
 * turns the canary off; rejection only turns it off. Rollback is `helm rollback` to the previous revision.
 */
export function decisionCommands(
  decision: 'promoted' | 'rejected' | 'inconclusive',
  options: HelmOptions,
): string[][] {
  if (decision === 'inconclusive') return [];
  const cmd = [
    'helm',
    'upgrade',
    options.release,
    options.chart,
    '--reuse-values',
    '--set',
    'canary.enabled=false',
  ];
  if (decision === 'promoted' && options.imageTag !== undefined)
    cmd.push('--set-string', `image.tag=${options.imageTag}`);
  return [withNamespace([...cmd, '--wait'], options.namespace)];
}

export function rollbackCommands(options: Pick<HelmOptions, 'release' | 'namespace'>): string[][] {
  return [withNamespace(['helm', 'rollback', options.release, '--wait'], options.namespace)];
}

function withNamespace(cmd: string[], namespace: string | undefined): string[] {
  return namespace ? [...cmd, '--namespace', namespace] : cmd;
}

/** A command as a POSIX shell would need it typed. */
export function shellQuote(cmd: string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs one command with its output passed through; a non-zero exit is an error naming the command. */
export function runCommand(
  cmd: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0] as string, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(err, { end: false });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MlctlError(
          'IO_ERROR',
          `cannot run ${cmd[0]}: ${e.code === 'ENOENT' ? 'not found on PATH' : e.message}`,
          {
            hint: 'Install helm (https://helm.sh/docs/intro/install/) or leave out --apply to only print the commands.',
          },
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new MlctlError('IO_ERROR', `\`${shellQuote(cmd)}\` exited with ${code}`, {
              hint: 'See its output above.',
            }),
          ),
    );
  });
}

import { MlctlError } from '../errors';
import type { ExitCode } from '../errors';
import { loadConfigFile } from '../config/file';
import { resolveSettings } from '../config/settings';
import type { ConfigFile, ResolvedSettings, SettingsGroup, SettingsSpec } from '../config/settings';
import { loggingSettings } from '../config/sections/logging';
import { createLogger } from '../telemetry/logger';
import type { Logger } from '../telemetry/logger';
import type { Tracer } from '../telemetry/tracing/types';
import { CommandTracing } from './tracing';
import { createGithubActions } from './github';
import type { GithubActions } from './github';

/** The process around a command: streams, environment, working directory. Tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What every command's action gets: settings resolution, a logger, GitHub Actions, output. */
export interface CliContext extends CliIo {
  readonly github: GithubActions;
  /** The configuration file named by --config/MLCTL_CONFIG, or ./mlctl.yaml, read once. */
  configFile(): ConfigFile | undefined;
  /** Resolves a settings group from flags, env and the file; throws CONFIG_INVALID listing every problem. */
  settings<S extends SettingsSpec>(
    group: SettingsGroup<S>,
    flags: Record<string, unknown>,
  ): ResolvedSettings<S>;
  logger(): Logger;
  /** OpenTelemetry tracing: the tracer when OTEL_EXPORTER_OTLP_ENDPOINT is set, else undefined. */
  tracer(): Tracer | undefined;
  /** The command's span and the final export (src/cli/tracing.ts); main drives it. */
  readonly tracing: CommandTracing;
  print(text: string): void;
  printJson(value: unknown): void;
  /** Set by main from the global --config option before any action runs. */
  configPath?: string;
  /** What the process exits with when the action returns normally (3 when a check failed). */
  exitCode: ExitCode;
}

export function createCliContext(io: CliIo, version = '0.0.0'): CliContext {
  let file: { value: ConfigFile | undefined } | undefined;
  let logger: Logger | undefined;
  const ctx: CliContext = {
    ...io,
    exitCode: 0,
    tracing: new CommandTracing(io.env, { logger: () => ctx.logger(), version }),
    tracer: () => ctx.tracing.get(),
    github: createGithubActions(io.env, io.stderr, io.cwd),
    configFile() {
      file ??= { value: loadConfigFile(ctx.configPath ?? (io.env.MLCTL_CONFIG || undefined), io.cwd) };
      return file.value;
    },
    settings(group, flags) {
      const resolution = resolveSettings(group, { flags, env: io.env, file: ctx.configFile() });
      if (resolution.errors) {
        throw new MlctlError('CONFIG_INVALID', `invalid configuration for ${group.title}`, {
          problems: resolution.errors,
          hint: 'Fix the values above; `mlctl <command> --help` lists the settings, docs/CONFIGURATION.md explains them.',
        });
      }
      return resolution.config;
    },
    logger() {
      if (!logger) {
        const settings = ctx.settings(loggingSettings, {});
        const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
        // A person at a terminal gets the result and what needs their attention; CI logs and containers
        // get the full record.
        logger = createLogger({
          level: settings.level ?? (tty ? 'warn' : 'info'),
          format: settings.format ?? (tty ? 'text' : 'json'),
          destination: io.stderr === process.stderr ? undefined : io.stderr,
          color: useColor(io.env, tty),
        });
      }
      return logger;
    },
    print(text) {
      io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    printJson(value) {
      io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
  return ctx;
}

/**
 * Colour on a terminal, unless NO_COLOR is set (no-color.org); FORCE_COLOR forces it on (or off with 0
 * or false) whatever the stream is, and wins over NO_COLOR, as in Node's own tty.getColorDepth.
 */
export function useColor(env: NodeJS.ProcessEnv, tty: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return tty;
}

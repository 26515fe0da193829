import { Command, CommanderError } from 'commander';
import { isMlctlError, MlctlError } from '../errors';
import type { ExitCode } from '../errors';
import { createCliContext } from './context';
import type { CliContext, CliIo } from './context';
import { registerDrift } from './commands/drift';
import { registerValidate } from './commands/validate';
import { registerTrain } from './commands/train';
import { registerPredict } from './commands/predict';
import { registerExplain } from './commands/explain';
import { registerRegister } from './commands/register';
import { registerModels } from './commands/models';
import { registerServe } from './commands/serve';
import { registerCanary } from './commands/canary';
import { registerInit } from './commands/init';
import { registerCompletion } from './commands/completion';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

/** Commands that work. A command is listed here only once it does what its help says. */
const COMMANDS: Array<(program: Command, ctx: CliContext) => void> = [
  registerValidate,
  registerTrain,
  registerPredict,
  registerExplain,
  registerRegister,
  registerModels,
  registerServe,
  registerDrift,
  registerCanary,
  registerInit,
  registerCompletion,
];

export function createProgram(ctx: CliContext): Command {
  const program = new Command('mlctl')
    .description(
      'Validate data, train, register, serve and watch ML models — one CLI for the whole life of a model.',
    )
    .version(
      `mlctl ${version} (node ${process.version})`,
      '-V, --version',
      'print the mlctl and Node.js versions',
    )
    .option(
      '--config <file>',
      'YAML configuration file (env MLCTL_CONFIG; default ./mlctl.yaml when present)',
    )
    .showHelpAfterError('hint: run `mlctl --help` or `mlctl <command> --help` for usage')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      // Commander's own errors (unknown flag, missing argument) get mlctl's one error prefix.
      outputError: (s, write) => write(s.replace(/^error: /, 'mlctl: error: ')),
    })
    .exitOverride();
  program.hook('preAction', (thisCommand, actionCommand) => {
    const config = thisCommand.opts<{ config?: string }>().config;
    if (config !== undefined) ctx.configPath = config;
    // Synchronous on purpose: the span it makes current carries on into the action.
    ctx.tracing.begin(actionCommand);
  });
  for (const register of COMMANDS) register(program, ctx);
  const configure = (command: Command, path: string): void => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.showHelpAfterError(`hint: run \`mlctl ${path} --help\` for usage`);
    for (const sub of command.commands) configure(sub, `${path} ${sub.name()}`);
  };
  for (const command of program.commands) configure(command, command.name());
  return program;
}

/** Runs mlctl with the given arguments; resolves to the exit code. Never throws, never exits. */
export async function run(argv: string[], io: CliIo): Promise<ExitCode> {
  const ctx = createCliContext(io, version);
  const program = createProgram(ctx);
  let code: ExitCode;
  let failure: MlctlError | undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = ctx.exitCode;
  } catch (err) {
    failure = isMlctlError(err) ? err : undefined;
    code = reportError(err, ctx, argv.includes('--json'));
  }
  try {
    await ctx.tracing.end(code, failure);
  } catch (err) {
    code = reportError(err, ctx, argv.includes('--json'));
  }
  return code;
}

function reportError(err: unknown, ctx: CliContext, json: boolean): ExitCode {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
    if (!done && json) {
      const message = err.message.replace(/^error: /, '');
      ctx.printJson({
        error: { code: 'USAGE', message, problems: [], hint: 'run `mlctl --help` for usage' },
      });
    }
    return done ? 0 : 2;
  }
  const error = isMlctlError(err)
    ? err
    : new MlctlError('INTERNAL', `internal error: ${err instanceof Error ? err.message : String(err)}`, {
        hint: 'This is a bug in mlctl. Rerun with LOG_LEVEL=debug to see the stack trace, and report it.',
        cause: err,
      });
  if (error.code === 'INTERNAL') {
    try {
      ctx.logger().debug({ err }, 'internal error');
    } catch {
      // The logging configuration itself may be what failed.
    }
  }
  const lines = [`mlctl: error: ${error.message}`];
  for (const problem of error.problems) lines.push(`  - ${problem}`);
  if (error.hint) lines.push(`hint: ${error.hint}`);
  ctx.stderr.write(`${lines.join('\n')}\n`);
  if (json) {
    ctx.printJson({
      error: { code: error.code, message: error.message, problems: error.problems, hint: error.hint ?? null },
    });
  }
  ctx.github.error([error.message, ...error.problems].join('\n'), error.location, `mlctl ${error.code}`);
  return error.exitCode;
}

/** The process boundary: real streams and environment, sets process.exitCode. */
export async function main(): Promise<void> {
  // A reader that stops early (`mlctl --help | head`) closes the pipe: that is its choice, not our failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      process.exit(err.code === 'EPIPE' ? (process.exitCode ?? 0) : 1);
    });
  }
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}

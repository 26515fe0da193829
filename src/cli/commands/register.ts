import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { registerSettings, parseTags } from '../../config/sections/register';
import { registrySettings } from '../../config/sections/registry';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { openRegistry } from './registry-access';
import type { RegisterResult } from '../../commands/register/run-register';
import { snakeCaseKeys } from '../../format/snake-case';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: mlctlVersion } = require('../../../package.json') as { version: string };

export function registerRegister(program: Command, ctx: CliContext): void {
  const command = program
    .command('register')
    .description(
      'Register a model artifact as a new model version (MLflow server or the local registry): one run with params, metrics and tags, the files, the version, its aliases and stage.',
    )
    .option('--json', 'print the result as one JSON document')
    .addHelpText(
      'after',
      `
Prints MODEL_URI=models:/<name>/<version> (plus MODEL_NAME, MODEL_VERSION, RUN_ID) on stdout; in GitHub
Actions also sets the step outputs model_uri, model_name, model_version and run_id.

Examples:
  mlctl register --model-dir model --name iris --alias challenger
  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 mlctl register --model-dir model --name iris --stage Staging
  mlctl register --model-dir model --name iris --tag team=ml --tag ticket=ML-42 --json

Exit codes: 0 registered · 1 registry or I/O failure (artifact corrupt, server unreachable, auth refused) ·
2 usage error (missing flag, invalid name, alias or stage).`,
    );
  addSettingOptions(command, registerSettings);
  addSettingOptions(command, registrySettings);
  command.action(async (flags: Record<string, unknown>) => {
    const result = await registerFromFlags(ctx, flags);
    const { formatRegistered } = await import('../../commands/models/format');
    if (flags.json) ctx.printJson(snakeCaseKeys(result));
    else ctx.print(formatRegistered(result));
  });
}

/**
 * Registers the artifact named by the register settings (flags > env > mlctl.yaml) and sets the GitHub
 * outputs and summary. Shared by `mlctl register` and `mlctl train --register`.
 */
export async function registerFromFlags(
  ctx: CliContext,
  flags: Record<string, unknown>,
): Promise<RegisterResult> {
  const settings = ctx.settings(registerSettings, flags);
  const { registerModel } = await import('../../commands/register/run-register');
  const { readGitCommit } = await import('../../commands/register/git');
  return openRegistry(ctx, flags, async (registry) => {
    const result = await registerModel(
      registry,
      {
        modelDir: settings.modelDir as string,
        name: settings.name as string,
        aliases: settings.alias,
        stage: settings.stage,
        archiveExisting: settings.archiveExisting,
        experiment: settings.experiment,
        tags: parseTags(settings.tag),
      },
      {
        logger: ctx.logger(),
        cwd: ctx.cwd,
        mlctlVersion,
        gitCommit: await readGitCommit(ctx.cwd, ctx.env),
        user: ctx.env.GITHUB_ACTOR || currentUser(),
        sourceType: ctx.github.enabled ? 'JOB' : 'LOCAL',
      },
    );
    ctx.github.setOutputs({
      model_uri: result.modelUri,
      model_name: result.name,
      model_version: result.version,
      run_id: result.runId,
      ...(result.logged_model_id ? { logged_model_id: result.logged_model_id } : {}),
    });
    ctx.github.appendSummary(
      `### Registered \`${result.modelUri}\`\n\nRun \`${result.runId}\` in experiment \`${result.experiment}\` (${result.registry.kind} registry at ${result.registry.location}).` +
        (result.logged_model_id ? ` Logged model \`${result.logged_model_id}\`.` : '') +
        (result.aliases.length ? ` Aliases: ${result.aliases.map((a) => `\`${a}\``).join(', ')}.` : '') +
        (result.stage !== 'None' ? ` Stage: ${result.stage}.` : ''),
    );
    return result;
  });
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

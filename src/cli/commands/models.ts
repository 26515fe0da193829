import type { Command } from 'commander';
import { MlctlError } from '../../errors';
import { registrySettings } from '../../config/sections/registry';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { openRegistry } from './registry-access';
import { snakeCaseKeys } from '../../format/snake-case';

const URI_FORMS =
  'models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/<stage>, models:/<name>/latest';

export function registerModels(program: Command, ctx: CliContext): void {
  const models = program
    .command('models')
    .description('Inspect and promote registered models: list, show, alias, stage, download.')
    .addHelpText(
      'after',
      `
The registry is MLFLOW_TRACKING_URI (http(s):// → MLflow; a path or unset → the local registry).
Model URIs: ${URI_FORMS}.

Examples:
  mlctl models list                                   # every registered model
  mlctl models list iris                              # its versions, stages, aliases
  mlctl models show models:/iris@champion             # one version, its run's metrics and params
  mlctl models alias iris champion 3                  # point (or move) an alias
  mlctl models alias --delete iris challenger
  mlctl models stage iris 3 Production --archive-existing
  mlctl models download models:/iris@champion ./model # verified against SHA256SUMS

Exit codes: 0 ok · 1 registry or I/O failure · 2 unknown model, version or alias, or a usage error.`,
    );

  const sub = (name: string, description: string, examples: string, exitCodes: string): Command => {
    const command = models
      .command(name)
      .description(description)
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `\nExamples:\n${examples}\n\nExit codes: ${exitCodes}`);
    addSettingOptions(command, registrySettings);
    return command;
  };
  const failures = '1 registry or I/O failure · 2 unknown model, version or alias, or a usage error.';

  sub(
    'list',
    'List registered models, or the versions of one model.',
    '  mlctl models list\n  mlctl models list iris --json',
    `0 listed · ${failures}`,
  )
    .argument('[name]', 'a registered model name')
    .action(async (name: string | undefined, flags: Record<string, unknown>) => {
      const { listModels } = await import('../../commands/models/run-models');
      const { formatListing } = await import('../../commands/models/format');
      await openRegistry(ctx, flags, async (registry) => {
        const listing = await listModels(registry, name);
        if (flags.json) ctx.printJson(snakeCaseKeys(listing));
        else ctx.print(formatListing(listing));
      });
    });

  sub(
    'show',
    'Show the version a model URI resolves to, with its run (metrics, params, tags).',
    '  mlctl models show models:/iris@champion\n  mlctl models show models:/iris/Production --json',
    `0 shown · ${failures}`,
  )
    .argument('<uri>', `a model URI: ${URI_FORMS}`)
    .action(async (uri: string, flags: Record<string, unknown>) => {
      const { showModel } = await import('../../commands/models/run-models');
      const { formatDetails } = await import('../../commands/models/format');
      await openRegistry(ctx, flags, async (registry) => {
        const details = await showModel(registry, uri, ctx.logger());
        if (flags.json) ctx.printJson(snakeCaseKeys(details));
        else ctx.print(formatDetails(details));
        ctx.github.setOutputs({ model_uri: details.uri, model_version: details.version.version });
      });
    });

  sub(
    'alias',
    'Point an alias at a version (moving it if it exists), or delete it with --delete.',
    '  mlctl models alias iris champion 3\n  mlctl models alias --delete iris challenger',
    `0 done · ${failures}`,
  )
    .argument('<name>', 'registered model name')
    .argument('<alias>', 'alias, e.g. champion (letters, digits, _ and -)')
    .argument('[version]', 'version number (not with --delete)')
    .option('--delete', 'remove the alias instead')
    .action(
      async (name: string, alias: string, version: string | undefined, flags: Record<string, unknown>) => {
        if (flags.delete ? version !== undefined : version === undefined) {
          throw new MlctlError(
            'USAGE',
            flags.delete ? '--delete takes no version' : 'missing argument <version>',
            {
              hint: 'Usage: mlctl models alias <name> <alias> <version> | mlctl models alias --delete <name> <alias>',
            },
          );
        }
        const { setModelAlias, deleteModelAlias } = await import('../../commands/models/run-models');
        const { formatAlias } = await import('../../commands/models/format');
        await openRegistry(ctx, flags, async (registry) => {
          const change = flags.delete
            ? await deleteModelAlias(registry, name, alias)
            : await setModelAlias(registry, name, alias, version as string);
          if (flags.json) ctx.printJson(snakeCaseKeys(change));
          else ctx.print(formatAlias(change));
        });
      },
    );

  sub(
    'stage',
    'Move a version to a stage: None, Staging, Production or Archived (any case).',
    '  mlctl models stage iris 3 Production --archive-existing\n  mlctl models stage iris 2 archived',
    `0 moved · ${failures}`,
  )
    .argument('<name>', 'registered model name')
    .argument('<version>', 'version number')
    .argument('<stage>', 'None | Staging | Production | Archived')
    .option('--archive-existing', 'move the versions already in Staging/Production to Archived')
    .action(async (name: string, version: string, stage: string, flags: Record<string, unknown>) => {
      const { setModelStage } = await import('../../commands/models/run-models');
      const { formatStage } = await import('../../commands/models/format');
      await openRegistry(ctx, flags, async (registry) => {
        const change = await setModelStage(registry, name, version, stage, flags.archiveExisting === true);
        if (flags.json) ctx.printJson(snakeCaseKeys(change));
        else ctx.print(formatStage(change));
      });
    });

  sub(
    'download',
    'Download the version a model URI resolves to into a new or empty directory, verifying its checksums.',
    '  mlctl models download models:/iris@champion ./model\n  mlctl models download models:/iris/3 /tmp/iris-3 --json',
    `0 downloaded and verified · 1 registry, I/O or checksum failure · 2 unknown model, version or alias, or a directory that is not empty.`,
  )
    .argument('<uri>', `a model URI: ${URI_FORMS}`)
    .argument('<dir>', 'destination directory (created; must be empty if it exists)')
    .action(async (uri: string, dir: string, flags: Record<string, unknown>) => {
      const { downloadModelVersion } = await import('../../commands/models/run-models');
      const { formatDownload } = await import('../../commands/models/format');
      const { resolve } = await import('node:path');
      await openRegistry(ctx, flags, async (registry) => {
        const downloaded = await downloadModelVersion(registry, uri, resolve(ctx.cwd, dir));
        if (flags.json) ctx.printJson(snakeCaseKeys(downloaded));
        else ctx.print(formatDownload(downloaded));
        ctx.github.setOutputs({ model_uri: downloaded.uri, model_dir: downloaded.dir });
      });
    });
}

import { join } from 'node:path';
import type { Command } from 'commander';
import { initSettings } from '../../config/sections/init';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { snakeCaseKeys } from '../../format/snake-case';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version, devDependencies } = require('../../../package.json') as {
  version: string;
  devDependencies: { node: string };
};

export function registerInit(program: Command, ctx: CliContext): void {
  const command = program
    .command('init')
    .description(
      'Scaffold an ML service repository: workflows, canary policy, dataset and schema, Helm values, Windows wrappers, README.',
    )
    .argument('[dir]', 'directory to create or fill (default: the current directory)')
    .option('--json', 'print the result as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  mlctl init my-service --model-name churn
  mlctl init . --force                # overwrite files that init wrote before

Without --force, init writes nothing when any file it would write exists, and lists those files.
Exit codes: 0 written · 2 files exist (without --force), bad names or a path that is not a directory.`,
    );
  addSettingOptions(command, initSettings);
  command.action(async (dir: string | undefined, flags: Record<string, unknown>) => {
    const settings = ctx.settings(initSettings, { ...flags, dir });
    const { runInit } = await import('../../commands/init/run-init');
    const result = await runInit(
      {
        dir: settings.dir,
        force: settings.force,
        modelName: settings.modelName,
        serviceName: settings.serviceName,
        image: settings.image,
        mlctlPackage: settings.mlctlPackage,
        version,
        nodeVersion: devDependencies.node,
      },
      { cwd: ctx.cwd, packageRoot: join(__dirname, '..', '..', '..') },
    );
    if (flags.json) {
      ctx.printJson(snakeCaseKeys(result));
      return;
    }
    const lines = result.files.map((f) => `  ${f.action === 'created' ? '+' : '~'} ${f.path}`);
    ctx.print(
      [
        `Scaffolded ${result.files.length} files in ${result.dir}:`,
        ...lines,
        '',
        `mlctl comes from ${result.mlctlPackage} (--mlctl-package picks another source).`,
        'Next: npm install (and commit package-lock.json), then npm run validate && npm run train.',
        'Deploying: README.md there lists the repository variables and secrets the workflows read.',
      ].join('\n'),
    );
  });
}

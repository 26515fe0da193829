import type { Command } from 'commander';
import { trainSettings } from '../../config/sections/train';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { createProgressBar } from '../progress';
import { registerFromFlags } from './register';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: mlctlVersion } = require('../../../package.json') as { version: string };
import { snakeCaseKeys } from '../../format/snake-case';

export function registerTrain(program: Command, ctx: CliContext): void {
  const command = program
    .command('train')
    .description(
      'Train a random forest (classification or regression) on a CSV, measure it on a held-out split, and write the model artifact (exit 3 when a quality gate is missed).',
    )
    .option('--json', 'print the result as one JSON document')
    .option('--register <name>', 'then register the model under this name (as `mlctl register`)')
    .option('--alias <aliases...>', 'with --register: aliases to point at the new version, e.g. production')
    .option('--stage <stage>', 'with --register: stage to move the new version to')
    .option('--archive-existing', 'with --register --stage: archive the versions already in that stage')
    .option(
      '--experiment <name>',
      'with --register: experiment of the registration run (env MLFLOW_EXPERIMENT_NAME)',
    )
    .option('--tag <key=value...>', 'with --register: run tags as key=value')
    .option('--tracking-uri <uri>', 'with --register: the registry (env MLFLOW_TRACKING_URI)')
    .addHelpText(
      'after',
      `
Examples:
  mlctl train --data data/processed/iris.csv
  mlctl train --data data.csv --target label --output model --n-estimators 300 --min-accuracy 0.9
  mlctl train --data data/processed/iris.csv --register iris --alias production   # train and register
  mlctl train --data data/penguins/penguins.csv --target body_mass_g --na-values NA --min-r2 0.8
  MODEL_N_ESTIMATORS=50 MODEL_RANDOM_STATE=7 mlctl train --data data.csv --json

Features are numeric or categorical (text), typed by --schema, <data>.schema.json beside the data, or
the values; empty cells are missing values. The task (classification or regression) follows from the
target unless --task says. The data is checked against the schema when there is one.
Exit codes: 0 trained · 1 I/O or internal failure · 2 bad usage or unusable data · 3 the data failed its
schema, or the model missed --min-accuracy, --min-r2 or --max-rmse (the model is still written).`,
    );
  addSettingOptions(command, trainSettings);
  command.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(trainSettings, flags);
    const { runTrain } = await import('../../commands/train/run-train');
    const { formatTrainText, trainJson, trainSummaryMarkdown } = await import('../../commands/train/format');
    const progress = createProgressBar(ctx.stderr);
    let result;
    try {
      result = await runTrain(
        { ...settings, data: settings.data as string },
        {
          logger: ctx.logger(),
          cwd: ctx.cwd,
          version: mlctlVersion,
          onProgress: (p) => progress.update(p),
        },
      );
    } finally {
      progress.done();
    }

    const gateMissed = result.gate !== undefined && !result.gate.passed;
    // A model that missed its quality gate is never registered.
    const registration =
      flags.register !== undefined && !gateMissed
        ? await registerFromFlags(ctx, { ...flags, name: flags.register, modelDir: result.modelDir })
        : undefined;
    if (flags.json)
      ctx.printJson(
        registration
          ? { ...trainJson(result), registration: snakeCaseKeys(registration) }
          : trainJson(result),
      );
    else {
      ctx.print(formatTrainText(result));
      if (registration) {
        const { formatRegistered } = await import('../../commands/models/format');
        ctx.print(formatRegistered(registration));
      } else if (flags.register !== undefined) {
        ctx.print(`Not registered: the model missed its quality gate.`);
      }
    }
    if (ctx.github.enabled) {
      const m = result.metrics;
      ctx.github.setOutputs({
        model_dir: result.modelDir,
        task: result.task,
        ...('r2' in m ? { r2: m.r2, rmse: m.rmse } : { accuracy: m.accuracy, f1_macro: m.f1_macro }),
        data_sha256: result.data.sha256,
      });
      ctx.github.appendSummary(trainSummaryMarkdown(result));
      if (result.gate && !result.gate.passed)
        ctx.github.error(result.gate.reason, undefined, 'mlctl train: quality gate');
    }
    if (gateMissed) ctx.exitCode = 3;
  });
}

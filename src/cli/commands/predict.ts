import type { Command } from 'commander';
import { predictSettings } from '../../config/sections/predict';
import type { PredictionFormat } from '../../config/sections/predict';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { modelUriResolver } from './registry-access';

export function registerPredict(program: Command, ctx: CliContext): void {
  const command = program
    .command('predict')
    .description(
      'Score a CSV with a model (classes or numbers): an mlctl model directory, a models:/ URI or an ml-random-forest JSON file.',
    )
    .addHelpText(
      'after',
      `
Examples:
  mlctl predict --model .mlctl/model --data data/processed/iris.csv > predictions.csv
  mlctl predict --model .mlctl/model --data new.csv --output scored.jsonl --proba
  MLFLOW_TRACKING_URI=http://mlflow:5000 mlctl predict --model models:/iris@champion --data new.csv
  mlctl predict --model forest.json --features sepal_length,sepal_width,petal_length,petal_width --data iris.csv

Predictions go to stdout unless --output is given (then a summary is printed).
Exit codes: 0 scored · 1 I/O failure or a corrupt model · 2 bad usage, an unusable model file or bad rows.`,
    );
  addSettingOptions(command, predictSettings);
  command.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(predictSettings, flags);
    const { runPredict } = await import('../../commands/predict/run-predict');
    const model = settings.model as string;
    const result = await runPredict(
      {
        // A models:/ URI is downloaded (or taken from the cache) and verified first, as for serve and drift.
        model: model.startsWith('models:') ? await modelUriResolver(ctx)(model) : model,
        data: settings.data as string,
        output: settings.output,
        format: settings.format ?? formatFor(settings.output),
        proba: settings.proba,
        features: settings.features,
        naValues: settings.naValues,
        threads: settings.threads,
      },
      { logger: ctx.logger(), cwd: ctx.cwd, stdout: ctx.stdout },
    );
    const unknown = Object.entries(result.unknown_categories).map(([f, n]) => `${f}: ${n}`);
    if (result.output !== undefined) {
      const spread = result.summary
        ? `min ${result.summary.min}, mean ${result.summary.mean}, max ${result.summary.max}`
        : Object.entries(result.counts)
            .map(([c, n]) => `${c}: ${n}`)
            .join(', ');
      ctx.print(`Wrote ${result.rows} predictions to ${result.output} (${result.format}; ${spread}).`);
      if (unknown.length > 0)
        ctx.print(`Categories not seen in training, read as missing values: ${unknown.join(', ')}.`);
    }
    if (ctx.github.enabled) ctx.github.setOutputs({ predictions: result.rows });
  });
}

function formatFor(output: string | undefined): PredictionFormat {
  return output !== undefined && /\.(jsonl|ndjson)$/i.test(output) ? 'jsonl' : 'csv';
}

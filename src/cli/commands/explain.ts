import type { Command } from 'commander';
import { explainSettings } from '../../config/sections/explain';
import type { PredictionFormat } from '../../config/sections/predict';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { modelUriResolver } from './registry-access';

export function registerExplain(program: Command, ctx: CliContext): void {
  const command = program
    .command('explain')
    .description(
      "Explain a model's predictions for every row of a CSV: exact TreeSHAP values (what shap's TreeExplainer computes), on every core.",
    )
    .addHelpText(
      'after',
      `
Examples:
  mlctl explain --model .mlctl/model --data data/processed/iris.csv > shap.csv
  mlctl explain --model .mlctl/model --data new.csv --output shap.jsonl --all-classes
  MLFLOW_TRACKING_URI=http://mlflow:5000 mlctl explain --model models:/iris@champion --data new.csv --output shap.csv

Each row gets its prediction, the model's expected value and one SHAP value per feature, with
expected_value + Σ shap = the predicted class's probability (or the predicted value); --all-classes
explains every class. Explanations go to stdout unless --output is given (then a summary is printed).
Exit codes: 0 explained · 1 I/O failure or a corrupt model · 2 bad usage, an unusable model or bad rows.`,
    );
  addSettingOptions(command, explainSettings);
  command.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(explainSettings, flags);
    const { runExplain } = await import('../../commands/explain/run-explain');
    const model = settings.model as string;
    const result = await runExplain(
      {
        model: model.startsWith('models:') ? await modelUriResolver(ctx)(model) : model,
        data: settings.data as string,
        output: settings.output,
        format: settings.format ?? formatFor(settings.output),
        allClasses: settings.allClasses,
        naValues: settings.naValues,
        threads: settings.threads,
      },
      { logger: ctx.logger(), cwd: ctx.cwd, stdout: ctx.stdout },
    );
    if (result.output !== undefined) {
      const expected =
        result.task === 'regression'
          ? String(result.expected_value.value)
          : Object.entries(result.expected_value)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ');
      ctx.print(
        `Wrote SHAP values of ${result.rows} rows to ${result.output} (${result.format}, ${result.threads} thread${result.threads === 1 ? '' : 's'}; expected value ${expected}).`,
      );
      const unknown = Object.entries(result.unknown_categories).map(([f, n]) => `${f}: ${n}`);
      if (unknown.length > 0)
        ctx.print(`Categories not seen in training, read as missing values: ${unknown.join(', ')}.`);
    }
    if (ctx.github.enabled) ctx.github.setOutputs({ explained: result.rows });
  });
}

function formatFor(output: string | undefined): PredictionFormat {
  return output !== undefined && /\.(jsonl|ndjson)$/i.test(output) ? 'jsonl' : 'csv';
}

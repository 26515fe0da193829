import type { Command } from 'commander';
import { validateSettings } from '../../config/sections/validate';
import type { ValidationFormat } from '../../config/sections/validate';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';

export function registerValidate(program: Command, ctx: CliContext): void {
  const command = program
    .command('validate')
    .description(
      'Check CSV files against a dataset schema (exit 3 on any problem), or infer a schema with --infer.',
    )
    .argument('[files...]', 'CSV files to check')
    .option('--json', 'print the report as one JSON document (same as --format json)')
    .addHelpText(
      'after',
      `
Examples:
  mlctl validate data/processed/iris.csv --schema data/processed/iris.schema.json
  mlctl validate data/*.csv --schema schema.json --report results.xml     # JUnit for CI
  mlctl validate data/processed/iris.csv --infer schema.json              # write a schema

Exit codes: 0 valid · 2 usage error (missing file, bad schema) · 3 problems found.`,
    );
  addSettingOptions(command, validateSettings);
  command.action(async (files: string[], flags: Record<string, unknown>) => {
    const settings = ctx.settings(validateSettings, { ...flags, files: files.length ? files : undefined });
    const format: ValidationFormat = flags.json ? 'json' : settings.format;
    const { runValidate } = await import('../../commands/validate/run-validate');
    const { formatValidation, validationAnnotations, validationSummaryMarkdown } =
      await import('../../commands/validate/format');

    const result = await runValidate(
      {
        files: settings.files ?? [],
        schema: settings.schema,
        infer: settings.infer,
        target: settings.target,
        maxSamples: settings.maxSamples,
        report: settings.report,
        reportFormat: settings.reportFormat ?? reportFormatFor(settings.report, format),
      },
      { logger: ctx.logger(), cwd: ctx.cwd },
    );

    ctx.print(formatValidation(result, format, ctx.cwd));
    if (ctx.github.enabled) {
      if (format !== 'github') {
        for (const line of validationAnnotations(result, ctx.env.GITHUB_WORKSPACE ?? ctx.cwd))
          ctx.stderr.write(`${line}\n`);
      }
      ctx.github.appendSummary(validationSummaryMarkdown(result));
      ctx.github.setOutputs({ valid: result.valid });
    }
    ctx.exitCode = result.valid ? 0 : 3;
  });
}

function reportFormatFor(report: string | undefined, format: ValidationFormat): ValidationFormat | undefined {
  if (report === undefined) return undefined;
  if (/\.xml$/i.test(report)) return 'junit';
  if (/\.json$/i.test(report)) return 'json';
  return format;
}

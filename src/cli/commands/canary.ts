import { Option } from 'commander';
import type { Command } from 'commander';
import { MlctlError } from '../../errors';
import {
  canaryPromoteSettings,
  canaryRollbackSettings,
  canaryTargetSettings,
} from '../../config/sections/canary';
import { registrySettings } from '../../config/sections/registry';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { openRegistry } from './registry-access';
import { snakeCaseKeys } from '../../format/snake-case';

export function registerCanary(program: Command, ctx: CliContext): void {
  const canary = program
    .command('canary')
    .description('Gate a candidate model on live metrics: promote it, or reject it; roll production back.')
    .addHelpText(
      'after',
      `
Examples:
  mlctl canary promote --model models:/iris/7 --policy infra/canary/policy.yaml --prometheus-url http://prometheus:9090
  mlctl canary rollback --name iris

Exit codes: 0 promoted or rolled back · 1 could not evaluate, or a registry failure · 2 usage, configuration
or policy error · 3 rejected or inconclusive. \`mlctl canary <command> --help\` has the details.`,
    );

  const promote = canary
    .command('promote')
    .description(
      'Measure the canary against a policy (Prometheus or its /metrics), then move production to it or reject it.',
    )
    .option('--json', 'print the decision as one JSON document')
    .addOption(
      new Option('--var <name=value>', 'set a policy template variable (repeatable)')
        .argParser(collectVar)
        .default({}, ''),
    )
    .addHelpText(
      'after',
      `
Examples:
  mlctl canary promote --model models:/iris/7 --policy infra/canary/policy.yaml \\
      --prometheus-url http://prometheus:9090 --alias production
  mlctl canary promote --model models:/iris@candidate --policy policy.yaml \\
      --metrics-url http://iris-canary:8000/metrics --canary-url http://iris-canary:8000 --dry-run
  mlctl canary promote ... --helm-release iris --image-tag 3f2c1ab --apply

Exit codes: 0 promoted · 3 rejected or inconclusive (the output says why) · 1 could not evaluate
(metrics unreachable, a query Prometheus refuses) · 2 usage, configuration or policy error.
Every decision is recorded on the version as mlctl.canary.* tags; see docs/CANARY.md.`,
    );
  addSettingOptions(promote, canaryPromoteSettings);
  addSettingOptions(promote, canaryTargetSettings);
  addSettingOptions(promote, registrySettings);
  promote.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(canaryPromoteSettings, flags);
    const target = ctx.settings(canaryTargetSettings, flags);
    if (!settings.model) throw usage('no candidate given', 'Pass --model models:/<name>/<version>.');
    if (!settings.policy)
      throw usage('no policy given', 'Pass --policy <file> (infra/canary/policy.yaml is an example).');
    if ((settings.prometheusUrl === undefined) === (settings.metricsUrl === undefined)) {
      throw usage(
        settings.prometheusUrl === undefined
          ? 'no metrics source given'
          : 'give --prometheus-url or --metrics-url, not both',
        'Use --prometheus-url http://prometheus:9090 (or PROMETHEUS_URL), or --metrics-url http://canary:8000/metrics without Prometheus.',
      );
    }
    if (target.apply && target.helmRelease === undefined)
      throw usage('--apply needs --helm-release', 'Name the Helm release the decision rolls.');
    const { parseTarget } = await import('../../canary/actions');
    const { runPromote, decisionExitCode } = await import('../../canary/run-canary');
    const { formatMeasurement, formatPromoteReport, promoteSummaryMarkdown } =
      await import('../../canary/report');
    const json = flags.json === true;
    const progress = (line: string): void => {
      ctx.stderr.write(`${line}\n`);
    };
    await openRegistry(ctx, flags, async (registry) => {
      const report = await runPromote(
        {
          model: settings.model as string,
          policyFile: settings.policy as string,
          source:
            settings.prometheusUrl !== undefined
              ? {
                  kind: 'prometheus',
                  url: settings.prometheusUrl,
                  bearerToken: settings.prometheusBearerToken,
                }
              : {
                  kind: 'scrape',
                  url: settings.metricsUrl as string,
                  bearerToken: settings.prometheusBearerToken,
                },
          timeoutMs: settings.prometheusTimeoutSeconds * 1000,
          retries: settings.prometheusRetries,
          target: parseTarget(target.alias, target.stage),
          variables: flags.var as Record<string, string>,
          canaryUrl: settings.canaryUrl,
          smokeInput: settings.smokeInput === undefined ? undefined : parseSmokeInput(settings.smokeInput),
          dryRun: target.dryRun === true,
          helm:
            target.helmRelease === undefined
              ? undefined
              : {
                  release: target.helmRelease,
                  chart: settings.helmChart,
                  namespace: target.helmNamespace,
                  imageTag: settings.imageTag,
                  apply: target.apply === true,
                },
        },
        {
          registry,
          stdout: ctx.stdout,
          stderr: ctx.stderr,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: () => new Date(),
          onMeasurement: (m) => progress(formatMeasurement(m)),
          onWait: (ms, why) => progress(`  … waiting ${Math.round(ms / 100) / 10}s (${why})`),
        },
      );
      if (json) ctx.printJson(snakeCaseKeys(report));
      else ctx.print(formatPromoteReport(report));
      ctx.github.appendSummary(promoteSummaryMarkdown(report));
      ctx.github.setOutputs({
        decision: report.decision,
        model_uri: report.model.uri,
        model_version: report.model.version,
        previous_version: report.registry.previousVersion ?? '',
      });
      ctx.exitCode = decisionExitCode(report.decision);
    });
  });

  const rollback = canary
    .command('rollback')
    .description(
      'Move the production alias (or stage) back to the version it replaced, or to --to <version>.',
    )
    .option('--json', 'print what was done as JSON')
    .addHelpText(
      'after',
      `
Examples:
  mlctl canary rollback --name iris                      # production → the version it replaced
  mlctl canary rollback --name iris --alias champion --to 4
  mlctl canary rollback --name iris --stage Production --helm-release iris --apply

Exit codes: 0 rolled back · 1 registry failure · 2 no recorded history (give --to), unknown model or version.`,
    );
  addSettingOptions(rollback, canaryRollbackSettings);
  addSettingOptions(rollback, canaryTargetSettings);
  addSettingOptions(rollback, registrySettings);
  rollback.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(canaryRollbackSettings, flags);
    const target = ctx.settings(canaryTargetSettings, flags);
    if (!settings.name) throw usage('no model given', 'Pass --name <registered model>.');
    if (target.apply && target.helmRelease === undefined)
      throw usage('--apply needs --helm-release', 'Name the Helm release to roll back.');
    const { parseTarget, rollback: rollBack } = await import('../../canary/actions');
    const { rollbackCommands, runCommand, shellQuote } = await import('../../canary/helm');
    const { formatRollback } = await import('../../canary/report');
    await openRegistry(ctx, flags, async (registry) => {
      const dryRun = target.dryRun === true;
      const result = await rollBack(
        registry,
        settings.name as string,
        parseTarget(target.alias, target.stage),
        settings.to === undefined ? undefined : String(settings.to),
        { dryRun, now: new Date() },
      );
      const commands =
        target.helmRelease === undefined
          ? []
          : rollbackCommands({ release: target.helmRelease, namespace: target.helmNamespace });
      const apply = target.apply === true && !dryRun;
      if (apply) for (const cmd of commands) await runCommand(cmd, ctx.stderr, ctx.stderr);
      if (flags.json === true)
        ctx.printJson({
          ...(snakeCaseKeys(result) as object),
          dry_run: dryRun,
          helm: { commands: commands.map(shellQuote), applied: apply },
        });
      else ctx.print(formatRollback(result, dryRun, commands.map(shellQuote)));
      ctx.github.setOutputs({ model_version: result.to, previous_version: result.from });
      ctx.github.appendSummary(
        `## ↩️ Rolled back \`${result.target}\`: version ${result.from} → ${result.to}\n`,
      );
    });
  });
}

function usage(message: string, hint: string): MlctlError {
  return new MlctlError('USAGE', message, { hint });
}

function collectVar(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  const name = eq > 0 ? value.slice(0, eq) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw usage(`--var ${value}: expected name=value`, 'For example --var track=canary --var window=2m.');
  }
  return { ...previous, [name]: value.slice(eq + 1) };
}

function parseSmokeInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw usage(
      '--smoke-input is not JSON',
      `Give the /predict body, e.g. '{"features":[[5.1,3.5,1.4,0.2]]}'.`,
    );
  }
}

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MlctlError } from '../../errors';
import { driftServeSettings, driftSettings } from '../../config/sections/drift';
import { kebab } from '../../config/settings';
import type { ResolvedSettings } from '../../config/settings';
import type { DriftRunOptions } from '../../drift/run-drift';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { onShutdownSignal } from '../signals';
import { modelUriResolver } from './registry-access';

type DriftSettings = ResolvedSettings<(typeof driftSettings)['settings']>;

/** `mlctl drift` flags about the one-off report and its exit code, which the monitor has no use for. */
const ONE_SHOT_ONLY = ['format', 'report', 'reportFormat', 'failOnDrift'] as const;

export function registerDrift(program: Command, ctx: CliContext): void {
  const command = program
    .command('drift')
    .description(
      "Compare current data (CSV, prediction log or Loki) with the reference: Evidently's tests, exit 3 with --fail-on-drift.",
    )
    .option('--json', 'print the report as one JSON document (same as --format json)')
    .addHelpText(
      'after',
      `
Examples:
  mlctl drift --reference model/ --current predictions.jsonl
  mlctl drift --reference reference.csv --current today.csv --report drift.html --fail-on-drift
  mlctl drift --reference model/ --current 'loki+http://loki:3100?query={app="mlctl"} |= "prediction"&since=1h'

Exit codes: 0 compared (or not evaluated) · 2 usage error · 3 drift (or not evaluated) with --fail-on-drift.`,
    );
  addSettingOptions(command, driftSettings);
  command.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(driftSettings, flags);
    const format = flags.json ? 'json' : settings.format;
    const { runDrift } = await import('../../drift/run-drift');
    const { formatDrift, reportFormatFor } = await import('../../drift/reports');
    const options = runOptions(settings, ctx);
    if (options.report !== undefined) options.reportFormat ??= reportFormatFor(options.report, format);
    const result = await runDrift(options, {
      logger: ctx.logger(),
      cwd: ctx.cwd,
      resolveModelUri: modelUriResolver(ctx),
    });
    ctx.stdout.write(await formatDrift(result, format));
    if (ctx.github.enabled) {
      const { driftSummaryMarkdown } = await import('../../drift/reports/markdown');
      ctx.github.appendSummary(driftSummaryMarkdown(result));
      ctx.github.setOutputs({
        drift_status: result.status,
        dataset_drift: result.dataset_drift ?? false,
        drift_share: result.drift_share ?? '',
      });
    }
    ctx.exitCode = settings.failOnDrift && result.status !== 'no_drift' ? 3 : 0;
  });

  const serve = command
    .command('serve')
    .description('Run drift on an interval; serve /metrics, /healthz, /report and POST /refresh.')
    .addHelpText(
      'after',
      `
Example:
  ADMIN_API_TOKEN=s3cret mlctl drift serve --reference model/ --current predictions.jsonl --port 9000

Endpoints: GET /metrics · GET /healthz (503 when stale) · GET /report (HTML) · GET /report.json ·
POST /refresh (header X-Admin-Token; 202 accepted, 409 busy, 403 without a configured token).
Exit codes: 0 stopped by SIGTERM/SIGINT · 1 cannot listen, or an internal failure · 2 usage or
configuration error (including --format, --report, --fail-on-drift: those are for \`mlctl drift\`).`,
    );
  addSettingOptions(serve, driftSettings, [...ONE_SHOT_ONLY]);
  addSettingOptions(serve, driftServeSettings);
  serve.action(async (own: Record<string, unknown>, self: Command) => {
    // Commander hands the shared drift flags to the parent command wherever they stand on the line.
    const parent = self.parent?.opts() ?? {};
    const ignored = [...ONE_SHOT_ONLY, 'json'].filter((key) => parent[key] !== undefined);
    if (ignored.length) {
      throw new MlctlError(
        'USAGE',
        `mlctl drift serve does not take ${ignored.map((k) => `--${kebab(k)}`).join(', ')}`,
        {
          hint: 'The monitor has no verdict to print or exit with: it serves GET /metrics, /report (HTML) and /report.json. For a one-off report use `mlctl drift`.',
        },
      );
    }
    const flags = { ...parent, ...definedOnly(own) };
    const settings = ctx.settings(driftSettings, flags);
    const server = ctx.settings(driftServeSettings, flags);
    const { startDriftService } = await import('../../drift/service');
    const logger = ctx.logger();
    const service = await startDriftService(
      {
        run: runOptions(settings, ctx),
        host: server.host,
        port: server.port,
        intervalMs: server.interval * 1000,
        staleAfterMs: (server.staleAfter ?? server.interval * 3) * 1000,
        adminToken: server.adminToken,
        tokenHeader: server.adminTokenHeader,
      },
      { logger, cwd: ctx.cwd, resolveModelUri: modelUriResolver(ctx), tracer: ctx.tracer() },
    );
    if (!server.adminToken) logger.warn('ADMIN_API_TOKEN is not set: POST /refresh answers 403');
    ctx.print(`mlctl drift serve: listening on ${service.url} (every ${server.interval}s)`);
    await new Promise<void>((resolve) => onShutdownSignal(() => resolve()));
    await service.close();
  });
}

function definedOnly(flags: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

function runOptions(settings: DriftSettings, ctx: CliContext): DriftRunOptions {
  if (!settings.reference) {
    throw new MlctlError('USAGE', 'no reference data given', {
      hint: 'Pass --reference <reference.csv | model dir> (or set REFERENCE_DATASET_URI).',
    });
  }
  if (!settings.current && !settings.lokiBaseUrl) {
    throw new MlctlError('USAGE', 'no current data given', {
      hint: 'Pass --current <file.csv | predictions.jsonl | loki+http://host:3100?query=…> (or set CURRENT_DATASET_URI or LOKI_BASE_URL).',
    });
  }
  if (settings.threshold !== undefined && settings.stattest === 'auto') {
    ctx
      .logger()
      .warn(
        '--threshold with --stattest auto applies to whichever test each column gets (p-values and distances alike)',
      );
  }
  return {
    reference: settings.reference,
    current: settings.current,
    loki: {
      baseUrl: settings.lokiBaseUrl,
      query: settings.lokiQuery,
      rangeMinutes: settings.lokiRangeMinutes,
      batchSize: settings.lokiBatchSize,
      maxEntries: settings.lokiMaxEntries,
      token: settings.lokiToken,
      orgId: settings.lokiOrgId,
      timeoutSeconds: settings.lokiTimeoutSeconds,
    },
    columns: settings.columns,
    columnTyping: settings.columnTyping,
    profileCache: settings.profileCache === 'none' ? undefined : resolve(ctx.cwd, settings.profileCache),
    stattest: settings.stattest,
    threshold: settings.threshold,
    driftShare: settings.driftShare,
    bins: settings.bins,
    minRows: settings.minRows,
    maxRows: settings.maxRows,
    threads: settings.threads,
    predictionColumn: settings.predictionColumn,
    targetColumn: settings.targetColumn,
    report: settings.report,
    reportFormat: settings.reportFormat,
  };
}

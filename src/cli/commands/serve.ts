import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MlctlError } from '../../errors';
import { registrySettings } from '../../config/sections/registry';
import { resolveServeTarget, serveSettings } from '../../config/sections/serve';
import { addSettingOptions } from '../options';
import type { CliContext } from '../context';
import { onShutdownSignal } from '../signals';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../../package.json') as { version: string };

export function registerServe(program: Command, ctx: CliContext): void {
  const command = program
    .command('serve')
    .description('Serve a model over HTTP: predictions, explanations, feedback, health, Prometheus metrics.')
    .option('--tracking-uri <uri>', 'registry for models:/ URIs (env MLFLOW_TRACKING_URI)')
    .addHelpText(
      'after',
      `
Examples:
  mlctl serve --model models:/iris@production          # follows the alias, hot-swaps on change
  mlctl serve --model .mlctl/model --port 8080         # a model directory
  MODEL_SOURCE=mlflow MLFLOW_MODEL_NAME=iris mlctl serve   # the seed's variables: stage Production

Endpoints: docs/API.md. SIGTERM/SIGINT (Windows: Ctrl+C, Ctrl+Break, closing the console): stops accepting, drains requests in flight, exits 0.
Exit codes: 0 stopped by a signal, after draining · 1 cannot listen (port taken) or an internal failure ·
2 usage or configuration error, or a model that does not exist (no such directory, registered model,
version or alias). A registry that is down at start is retried; the server stays up, not ready.`,
    );
  addSettingOptions(command, serveSettings);
  command.action(async (flags: Record<string, unknown>) => {
    const settings = ctx.settings(serveSettings, flags);
    const target = resolveServeTarget(settings);
    if (target === undefined) {
      throw new MlctlError('USAGE', 'no model to serve', {
        hint: 'Pass --model <dir | models:/name@alias>, or set MODEL_PATH (MODEL_SOURCE=local) or MLFLOW_MODEL_NAME.',
      });
    }
    const logger = ctx.logger();
    const tracer = ctx.tracer();
    const { runServe } = await import('../../serve/run-serve');
    const running = await runServe(
      {
        target,
        modelName: settings.modelName,
        host: settings.host,
        port: settings.port,
        autoRefreshSeconds: settings.modelVersion !== undefined ? 0 : settings.autoRefreshSeconds,
        feedbackWindow: settings.feedbackWindow,
        predictionLogPath: settings.predictionLogPath,
        // The real stdout gets pino's own fast writer; a test's stream is written to directly.
        predictionLogStdout: settings.predictionLogStdout
          ? ctx.stdout === process.stdout || ctx.stdout
          : false,
        cacheDir: resolve(
          ctx.cwd,
          ctx.settings(registrySettings, { trackingUri: flags.trackingUri }).modelCacheDir,
        ),
        maxBatch: settings.maxBatchSize,
        explainMaxRows: settings.explainMaxRows,
        maxBodyBytes: settings.maxBodyBytes,
        adminToken: settings.adminApiToken,
        adminTokenHeader: settings.adminTokenHeader,
        correlationHeader: settings.correlationIdHeader,
      },
      {
        logger,
        version,
        tracer,
        openRegistry: async () => {
          const registry = ctx.settings(registrySettings, { trackingUri: flags.trackingUri });
          const { createRegistry } = await import('../../registry/create-registry');
          return createRegistry(registry, { cwd: ctx.cwd, logger, tracer });
        },
      },
    );
    ctx.stderr.write(`mlctl serve: listening on ${running.url} (model ${target})\n`);
    const hopeless = await new Promise<MlctlError | undefined>((done) => {
      const dispose = onShutdownSignal((signal) => {
        logger.info({ signal }, 'shutting down: draining requests in flight');
        void running.stop(settings.shutdownTimeoutSeconds * 1000).then(({ cutOff }) => {
          logger.info({ cut_off: cutOff }, 'stopped');
          done(undefined);
        });
      });
      // The registry came back and said the model does not exist: no point staying up, not ready.
      void running.hopeless.then(async (err) => {
        dispose();
        await running.stop(0);
        done(err);
      });
    });
    if (hopeless) throw hopeless;
  });
}

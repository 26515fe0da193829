import { resolve } from 'node:path';
import type { Logger } from '../../telemetry/logger';
import { MlctlError, isMlctlError } from '../../errors';
import { assertAlias, assertArchiveExisting, assertModelName, canonicalStage } from '../../registry/names';
import type { ModelRegistry, RegistryInfo, Stage } from '../../registry/types';
import { storeModel } from './log-model';
import { readArtifactSummary } from './read-artifact';

export interface RegisterOptions {
  /** The artifact directory (docs/ARTIFACT.md). */
  modelDir: string;
  /** Registered model name. */
  name: string;
  aliases?: string[];
  /** A stage to move the new version to (any case). */
  stage?: string;
  /** With `stage`: archive the versions already in it. */
  archiveExisting?: boolean;
  experiment: string;
  /** Tags for the run and the new model version. */
  tags?: Record<string, string>;
  runName?: string;
}

export interface RegisterDeps {
  logger: Logger;
  cwd: string;
  mlctlVersion: string;
  /** The commit the model was built from (`mlflow.source.git.commit`). */
  gitCommit?: string;
  /** `mlflow.user`. */
  user?: string;
  /** `mlflow.source.name`, e.g. `mlctl train`; default `mlctl register`. */
  sourceName?: string;
  /** `mlflow.source.type`: LOCAL on a laptop, JOB in CI. */
  sourceType?: 'LOCAL' | 'JOB';
  now?: () => number;
}

export interface RegisterResult {
  name: string;
  version: string;
  /** `models:/<name>/<version>`. */
  modelUri: string;
  runId: string;
  experimentId: string;
  experiment: string;
  /** Where the files are (the version's source): `models:/<logged model id>`, or the run's `model/` on MLflow 2. */
  source: string;
  /** The MLflow 3 LoggedModel registered; absent on an MLflow 2 server. */
  logged_model_id?: string;
  aliases: string[];
  stage: Stage;
  metrics: Record<string, number>;
  registry: RegistryInfo;
}

/**
 * Registers a model artifact as exactly one new model version: one run (params, tags, datasets), its
 * logged model (metrics and files, `storeModel`), the version with that source, then aliases and stage.
 * `mlctl register` and `mlctl train --register` both call this.
 */
export async function registerModel(
  registry: ModelRegistry,
  options: RegisterOptions,
  deps: RegisterDeps,
): Promise<RegisterResult> {
  // Every value is checked before anything is created: a typo must not leave half a registration.
  assertModelName(options.name);
  const aliases = [...new Set(options.aliases ?? [])];
  aliases.forEach(assertAlias);
  const stage = options.stage === undefined ? undefined : canonicalStage(options.stage);
  if (stage !== undefined) assertArchiveExisting(stage, options.archiveExisting ?? false);
  else if (options.archiveExisting) {
    throw new MlctlError('USAGE', '--archive-existing needs --stage <Staging|Production>');
  }
  const modelDir = resolve(deps.cwd, options.modelDir);
  const artifact = await readArtifactSummary(modelDir);
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ registry: registry.info.location, model: options.name });

  const experiment = await registry.ensureExperiment(options.experiment);
  const tags: Record<string, string> = {
    'mlflow.source.name': deps.sourceName ?? 'mlctl register',
    'mlflow.source.type': deps.sourceType ?? 'LOCAL',
    'mlctl.version': deps.mlctlVersion,
    'mlctl.registered_model_name': options.name,
  };
  if (deps.user) tags['mlflow.user'] = deps.user;
  if (deps.gitCommit) tags['mlflow.source.git.commit'] = deps.gitCommit;
  if (artifact.datasetSha256) tags['mlctl.dataset_sha256'] = artifact.datasetSha256;
  if (artifact.datasetPath) tags['mlctl.dataset_path'] = artifact.datasetPath;
  if (artifact.modelUuid) tags['mlctl.model_uuid'] = artifact.modelUuid;
  const runName =
    options.runName ?? `${options.name}-${new Date(now()).toISOString().replace(/[-:]|\.\d+/g, '')}`;
  const run = await registry.createRun({
    experimentId: experiment.experimentId,
    runName,
    startTime: now(),
    tags: { ...tags, ...options.tags },
  });
  log.debug({ runId: run.runId, experimentId: experiment.experimentId }, 'run created');

  let stored: Awaited<ReturnType<typeof storeModel>>;
  try {
    await registry.logRunData(run.runId, { params: artifact.params });
    stored = await storeModel(registry, { run, modelDir, artifact, tags: { ...tags, ...options.tags } }, log);
    await registry.finishRun(run.runId, 'FINISHED');
  } catch (err) {
    await registry.finishRun(run.runId, 'FAILED').catch(() => undefined);
    throw err;
  }

  await registry.ensureRegisteredModel(options.name);
  const { source, loggedModel } = stored;
  const created = await registry.createModelVersion({
    name: options.name,
    source,
    runId: run.runId,
    modelId: loggedModel?.model_id,
    tags: options.tags,
  });
  log.info({ version: created.version, runId: run.runId }, 'model version registered');

  let finalStage: Stage = created.stage;
  try {
    for (const alias of aliases) await registry.setAlias(options.name, alias, created.version);
    if (stage !== undefined) {
      finalStage = (
        await registry.transitionStage(options.name, created.version, stage, options.archiveExisting ?? false)
      ).stage;
    }
  } catch (err) {
    if (!isMlctlError(err)) throw err;
    throw new MlctlError(
      err.code,
      `${err.message} (after registering ${options.name} version ${created.version})`,
      {
        problems: err.problems,
        hint: `Version ${created.version} exists; finish with \`mlctl models alias\` / \`mlctl models stage\` rather than registering again.`,
        cause: err,
      },
    );
  }

  return {
    name: options.name,
    version: created.version,
    modelUri: `models:/${options.name}/${created.version}`,
    runId: run.runId,
    experimentId: experiment.experimentId,
    experiment: experiment.name,
    source,
    ...(loggedModel ? { logged_model_id: loggedModel.model_id } : {}),
    aliases,
    stage: finalStage,
    metrics: artifact.metrics,
    registry: registry.info,
  };
}

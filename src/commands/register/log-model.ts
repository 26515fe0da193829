import type { Logger } from '../../telemetry/logger';
import type { LoggedModel, ModelRegistry, Run } from '../../registry/types';
import { linkMetrics, modelDatasets } from './datasets';
import type { ArtifactSummary } from './read-artifact';

export interface StoredModel {
  /** What a model version's `source` is: `models:/<logged model id>`, or `<run artifacts>/model`. */
  source: string;
  /** The MLflow 3 LoggedModel; undefined on a registry without them (an MLflow 2 server). */
  loggedModel?: LoggedModel;
}

export interface StoreModelInput {
  run: Run;
  modelDir: string;
  artifact: ArtifactSummary;
  /** Tags of the logged model (the run's). */
  tags: Record<string, string>;
}

/**
 * Logs a model on its run as MLflow 3's `mlflow.<flavor>.log_model` does: the data as the run's dataset
 * inputs, a LoggedModel named `model` with the run's params, the metrics on the run and the model (each
 * with the dataset it was measured on), the files in the model's own artifact location, then READY.
 * Where the registry has no logged models (an MLflow 2 server), the metrics go on the run and the files
 * under the run's `model/`, as before MLflow 3, and one log line says so.
 */
export async function storeModel(
  registry: ModelRegistry,
  input: StoreModelInput,
  log: Logger,
): Promise<StoredModel> {
  const { run, artifact } = input;
  const datasets = modelDatasets(artifact);
  if (datasets) {
    const inputs = datasets.eval ? [datasets.training, datasets.eval] : [datasets.training];
    if (!(await registry.logInputs(run.runId, inputs))) {
      log.warn(
        `${where(registry)} has no datasets API (MLflow before 2.4): the run's datasets are not logged`,
      );
    }
  }
  const model = await registry.createLoggedModel({
    experimentId: run.experimentId,
    name: 'model',
    sourceRunId: run.runId,
    params: artifact.params,
    tags: input.tags,
  });
  if (!model) {
    const version = await registry.serverVersion().catch(() => 'version unknown');
    log.warn(
      { server_version: version },
      `${where(registry)} (${version}) has no logged models (MLflow 3): the model is stored with its run, under model/`,
    );
    await registry.logRunData(run.runId, { metrics: artifact.metrics });
    return { source: await registry.logArtifacts(run.runId, input.modelDir, 'model') };
  }
  try {
    await registry.logModelMetrics(run.runId, model.model_id, linkMetrics(artifact.metrics, datasets));
    const source = await registry.logModelArtifacts(model.model_id, input.modelDir);
    return { source, loggedModel: await registry.finalizeLoggedModel(model.model_id, 'READY') };
  } catch (err) {
    await registry.finalizeLoggedModel(model.model_id, 'FAILED').catch(() => undefined);
    throw err;
  }
}

function where(registry: ModelRegistry): string {
  return registry.info.kind === 'mlflow' ? `MLflow at ${registry.info.location}` : 'the registry';
}

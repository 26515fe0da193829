import { MlctlError } from '../errors';
import type { MlflowClient } from './mlflow-client';
import { uploadDirectory } from './mlflow-artifacts';
import { MlflowRequestError, isMissingEndpoint } from './mlflow-errors';
import { toKeyValues, toRun } from './mlflow-entities';
import type { KeyValue, MlflowExperiment, MlflowMetric, MlflowRun } from './mlflow-entities';
import { runNotFound } from './names';
import type { CreateRunInput, DatasetInput, Experiment, LinkedMetric, Run, RunData } from './types';

/** MLflow's log-batch limits: at most 100 params, 100 tags and 1000 metrics per request. */
const BATCH = { params: 100, tags: 100, metrics: 1000 };

/** Experiments, runs and artifact uploads of the MLflow backend (tracking API + artifact proxy). */
export class MlflowRuns {
  constructor(
    private readonly client: MlflowClient,
    private readonly now: () => number,
  ) {}

  async ensureExperiment(name: string): Promise<Experiment> {
    const found = await this.findExperiment(name);
    if (found) return found;
    try {
      await this.client.call('POST', '/mlflow/experiments/create', { json: { name } });
    } catch (err) {
      // Another client created it between our lookup and create: use theirs.
      if (!(err instanceof MlflowRequestError && err.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err;
    }
    const created = await this.findExperiment(name);
    if (!created)
      throw new MlctlError('REGISTRY_ERROR', `MLflow created experiment '${name}' but cannot find it`);
    return created;
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    const { run } = await this.client.call<{ run: MlflowRun }>('POST', '/mlflow/runs/create', {
      json: {
        experiment_id: input.experimentId,
        run_name: input.runName,
        start_time: input.startTime ?? this.now(),
        tags: toKeyValues(input.tags),
      },
      idempotent: false,
    });
    return toRun(run);
  }

  async logRunData(runId: string, data: RunData): Promise<void> {
    const timestamp = this.now();
    const metrics = Object.entries(data.metrics ?? {}).map(([key, value]) => ({
      key,
      value,
      timestamp,
      step: 0,
    }));
    await this.logBatches(runId, toKeyValues(data.params), toKeyValues(data.tags), metrics);
  }

  /** MLflow 3 keeps a metric logged with a `model_id` as the logged model's too (and with a dataset, per dataset). */
  async logModelMetrics(runId: string, modelId: string, values: LinkedMetric[]): Promise<void> {
    const timestamp = this.now();
    const metrics = values.map(({ key, value, dataset }) => ({
      key,
      value,
      timestamp,
      step: 0,
      model_id: modelId,
      ...(dataset ? { dataset_name: dataset.name, dataset_digest: dataset.digest } : {}),
    }));
    await this.logBatches(runId, [], [], metrics);
  }

  /** False when the server has no datasets API (MLflow before 2.4). */
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<boolean> {
    try {
      await this.client.call('POST', '/mlflow/runs/log-inputs', {
        json: {
          run_id: runId,
          datasets: datasets.map((d) => ({ dataset: d.dataset, tags: toKeyValues(d.tags) })),
        },
      });
      return true;
    } catch (err) {
      if (isMissingEndpoint(err)) return false;
      throw this.runError(err, runId);
    }
  }

  private async logBatches(
    runId: string,
    params: KeyValue[],
    tags: KeyValue[],
    metrics: MlflowMetric[],
  ): Promise<void> {
    const batches: Array<Record<string, unknown>> = [];
    for (let i = 0; i < params.length; i += BATCH.params)
      batches.push({ params: params.slice(i, i + BATCH.params) });
    for (let i = 0; i < tags.length; i += BATCH.tags) batches.push({ tags: tags.slice(i, i + BATCH.tags) });
    for (let i = 0; i < metrics.length; i += BATCH.metrics)
      batches.push({ metrics: metrics.slice(i, i + BATCH.metrics) });
    for (const batch of batches) {
      await this.client
        .call('POST', '/mlflow/runs/log-batch', { json: { run_id: runId, ...batch } })
        .catch((err) => {
          // MLflow says INVALID_PARAMETER_VALUE; the local registry and mlctl call it a conflict.
          if (
            err instanceof MlflowRequestError &&
            /Changing param values is not allowed/.test(err.serverMessage)
          ) {
            throw new MlctlError('REGISTRY_CONFLICT', err.serverMessage, {
              hint: 'Params cannot change once logged; log them on a new run.',
            });
          }
          throw this.runError(err, runId);
        });
    }
  }

  async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    await this.client
      .call('POST', '/mlflow/runs/update', { json: { run_id: runId, status, end_time: this.now() } })
      .catch((err) => {
        throw this.runError(err, runId);
      });
  }

  async getRun(runId: string): Promise<Run> {
    const { run } = await this.client
      .call<{ run: MlflowRun }>('GET', '/mlflow/runs/get', { query: { run_id: runId } })
      .catch((err) => {
        throw this.runError(err, runId);
      });
    return toRun(run);
  }

  async logArtifacts(runId: string, localDir: string, artifactPath: string): Promise<string> {
    const run = await this.getRun(runId);
    return uploadDirectory(this.client, run.artifactUri, localDir, artifactPath);
  }

  private async findExperiment(name: string): Promise<Experiment | undefined> {
    let experiment: MlflowExperiment;
    try {
      ({ experiment } = await this.client.call<{ experiment: MlflowExperiment }>(
        'GET',
        '/mlflow/experiments/get-by-name',
        {
          query: { experiment_name: name },
        },
      ));
    } catch (err) {
      if (err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND') return undefined;
      throw err;
    }
    if (experiment.lifecycle_stage === 'deleted') {
      throw new MlctlError(
        'REGISTRY_CONFLICT',
        `experiment '${name}' (id ${experiment.experiment_id}) is deleted in MLflow at ${this.client.location}`,
        {
          hint: `Restore it (\`mlflow experiments restore --experiment-id ${experiment.experiment_id}\`) or choose another --experiment.`,
        },
      );
    }
    return {
      experimentId: experiment.experiment_id,
      name: experiment.name,
      artifactLocation: experiment.artifact_location ?? '',
    };
  }

  /** A 404 on a run call means the run does not exist. */
  private runError(err: unknown, runId: string): unknown {
    return err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND'
      ? runNotFound(runId, `MLflow at ${this.client.location}`)
      : err;
  }
}

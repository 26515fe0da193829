import { MlctlError } from '../errors';
import type { MlflowClient } from './mlflow-client';
import { uploadDirectory } from './mlflow-artifacts';
import { isMissingEndpoint } from './mlflow-errors';
import { toKeyValues, toLoggedModel } from './mlflow-entities';
import type { MlflowLoggedModel } from './mlflow-entities';
import type { CreateLoggedModelInput, LoggedModel } from './types';

/** MLflow's batch size for a logged model's params, in the create request and after it. */
const PARAM_BATCH = 100;

const STATUS = { READY: 'LOGGED_MODEL_READY', FAILED: 'LOGGED_MODEL_UPLOAD_FAILED' } as const;

/**
 * MLflow 3's LoggedModels over REST (`/mlflow/logged-models…`, `runs/outputs`), the calls
 * `mlflow.<flavor>.log_model` makes: create (PENDING, linked to its run), the run's output, the files in
 * the model's own artifact location, then finalize.
 */
export class MlflowLoggedModels {
  constructor(private readonly client: MlflowClient) {}

  async create(input: CreateLoggedModelInput): Promise<LoggedModel | undefined> {
    const params = toKeyValues(input.params);
    let model: MlflowLoggedModel;
    try {
      ({ model } = await this.client.call<{ model: MlflowLoggedModel }>('POST', '/mlflow/logged-models', {
        json: {
          experiment_id: input.experimentId,
          name: input.name,
          source_run_id: input.sourceRunId,
          params: params.slice(0, PARAM_BATCH),
          tags: toKeyValues(input.tags),
        },
        idempotent: false,
      }));
    } catch (err) {
      if (isMissingEndpoint(err)) return undefined;
      throw err;
    }
    const id = model.info.model_id;
    for (let i = PARAM_BATCH; i < params.length; i += PARAM_BATCH) {
      await this.client.call('POST', `${path(id)}/params`, {
        json: { model_id: id, params: params.slice(i, i + PARAM_BATCH) },
      });
    }
    // The run lists the model among its outputs, as log_model's `log_outputs` does (a repeat would list it twice).
    await this.client.call('POST', '/mlflow/runs/outputs', {
      json: { run_id: input.sourceRunId, models: [{ model_id: id, step: 0 }] },
      idempotent: false,
    });
    return params.length > PARAM_BATCH ? this.get(id) : toLoggedModel(model);
  }

  async get(modelId: string): Promise<LoggedModel> {
    try {
      const { model } = await this.client.call<{ model: MlflowLoggedModel }>('GET', path(modelId));
      return toLoggedModel(model);
    } catch (err) {
      if (err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND') {
        throw new MlctlError(
          'MODEL_NOT_FOUND',
          `logged model '${modelId}' not found in MLflow at ${this.client.location}`,
        );
      }
      throw err;
    }
  }

  async logArtifacts(modelId: string, localDir: string): Promise<string> {
    const model = await this.get(modelId);
    await uploadDirectory(this.client, model.artifact_location, localDir, '');
    return `models:/${modelId}`;
  }

  async finalize(modelId: string, status: keyof typeof STATUS): Promise<LoggedModel> {
    const { model } = await this.client.call<{ model: MlflowLoggedModel }>('PATCH', path(modelId), {
      json: { model_id: modelId, status: STATUS[status] },
    });
    return toLoggedModel(model);
  }
}

function path(modelId: string): string {
  return `/mlflow/logged-models/${encodeURIComponent(modelId)}`;
}

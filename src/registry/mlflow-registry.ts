import { MlctlError } from '../errors';
import type { MlflowClient } from './mlflow-client';
import { downloadDirectory, uploadDirectory } from './mlflow-artifacts';
import { MlflowRequestError } from './mlflow-errors';
import { toKeyValues, toModelVersion, toRegisteredModel, toRun } from './mlflow-entities';
import type {
  MlflowExperiment,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
} from './mlflow-entities';
import {
  aliasNotFound,
  assertAlias,
  assertArchiveExisting,
  assertModelName,
  assertVersion,
  canonicalStage,
  modelNotFound,
  runNotFound,
  versionNotFound,
} from './names';
import type {
  CreateRunInput,
  CreateVersionInput,
  Experiment,
  ModelRegistry,
  ModelVersion,
  RegisteredModel,
  RegistryInfo,
  Run,
  RunData,
  Stage,
} from './types';

export interface MlflowRegistryOptions {
  /** Page size of searches (the server's maximum is 1000 for models). */
  pageSize?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** MLflow's log-batch limits: at most 100 params, 100 tags and 1000 metrics per request. */
const BATCH = { params: 100, tags: 100, metrics: 1000 };

/** A real MLflow tracking server as the registry, through its REST API (docs/REGISTRY.md, "The MLflow mapping"). */
export class MlflowRegistry implements ModelRegistry {
  readonly info: RegistryInfo;
  private readonly pageSize: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: MlflowClient,
    options: MlflowRegistryOptions = {},
  ) {
    this.info = { kind: 'mlflow', location: client.location };
    this.pageSize = options.pageSize ?? 1000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async serverVersion(): Promise<string> {
    return (await this.client.getText('/version')).trim();
  }

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
    const params = toKeyValues(data.params);
    const tags = toKeyValues(data.tags);
    const metrics = Object.entries(data.metrics ?? {}).map(([key, value]) => ({
      key,
      value,
      timestamp,
      step: 0,
    }));
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

  async downloadVersion(version: ModelVersion, destDir: string): Promise<void> {
    // The server turns any source (runs:/…, a MLflow 3 LoggedModel's models:/m-…) into an artifact URI.
    let uri: string;
    try {
      ({ artifact_uri: uri } = await this.client.call<{ artifact_uri: string }>(
        'GET',
        '/mlflow/model-versions/get-download-uri',
        { query: { name: version.name, version: version.version } },
      ));
    } catch (err) {
      throw await this.versionError(err, version.name, version.version);
    }
    const runs = /^runs:\/([^/]+)\/(.*)$/.exec(uri);
    if (runs) uri = `${(await this.getRun(runs[1] as string)).artifactUri}/${runs[2]}`;
    await downloadDirectory(this.client, uri, destDir);
  }

  async ensureRegisteredModel(name: string): Promise<RegisteredModel> {
    assertModelName(name);
    try {
      return await this.getRegisteredModel(name);
    } catch (err) {
      if (!(err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND')) throw err;
    }
    try {
      await this.client.call('POST', '/mlflow/registered-models/create', { json: { name } });
    } catch (err) {
      if (!(err instanceof MlflowRequestError && err.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err;
    }
    return this.getRegisteredModel(name);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const { registered_model } = await this.client
      .call<{ registered_model: MlflowRegisteredModel }>('GET', '/mlflow/registered-models/get', {
        query: { name },
      })
      .catch((err) => {
        throw this.notFound(err, () => modelNotFound(name, `MLflow at ${this.info.location}`));
      });
    return toRegisteredModel(registered_model);
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    const out: RegisteredModel[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.call<{
        registered_models?: MlflowRegisteredModel[];
        next_page_token?: string;
      }>('GET', '/mlflow/registered-models/search', {
        query: { max_results: Math.min(this.pageSize, 1000), page_token: token },
      });
      out.push(...(page.registered_models ?? []).map(toRegisteredModel));
      token = page.next_page_token || undefined;
    } while (token);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async createModelVersion(input: CreateVersionInput): Promise<ModelVersion> {
    assertModelName(input.name);
    const { model_version } = await this.client
      .call<{ model_version: MlflowModelVersion }>('POST', '/mlflow/model-versions/create', {
        json: {
          name: input.name,
          source: input.source,
          run_id: input.runId,
          tags: toKeyValues(input.tags),
          description: input.description,
        },
        idempotent: false,
      })
      .catch((err) => {
        throw this.notFound(err, () => modelNotFound(input.name, `MLflow at ${this.info.location}`));
      });
    return this.awaitReady(toModelVersion(model_version));
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    assertVersion(version);
    try {
      const { model_version } = await this.client.call<{ model_version: MlflowModelVersion }>(
        'GET',
        '/mlflow/model-versions/get',
        { query: { name, version } },
      );
      return toModelVersion(model_version);
    } catch (err) {
      throw await this.versionError(err, name, version);
    }
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    const model = await this.getRegisteredModel(name);
    const out: ModelVersion[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.call<{
        model_versions?: MlflowModelVersion[];
        next_page_token?: string;
      }>('GET', '/mlflow/model-versions/search', {
        query: { filter: `name=${quote(name)}`, max_results: this.pageSize, page_token: token },
      });
      out.push(...(page.model_versions ?? []).map((v) => toModelVersion(v, model.aliases)));
      token = page.next_page_token || undefined;
    } while (token);
    return out.sort((a, b) => Number(b.version) - Number(a.version));
  }

  async getLatestVersions(name: string, stages?: Stage[]): Promise<ModelVersion[]> {
    const { model_versions } = await this.client
      .call<{ model_versions?: MlflowModelVersion[] }>(
        'POST',
        '/mlflow/registered-models/get-latest-versions',
        {
          json: { name, stages: (stages ?? []).map(canonicalStage) },
        },
      )
      .catch((err) => {
        throw this.notFound(err, () => modelNotFound(name, `MLflow at ${this.info.location}`));
      });
    return (model_versions ?? []).map((v) => toModelVersion(v));
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    assertAlias(alias);
    assertVersion(version);
    try {
      await this.client.call('POST', '/mlflow/registered-models/alias', { json: { name, alias, version } });
    } catch (err) {
      throw await this.versionError(err, name, version);
    }
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    // MLflow ignores an unknown alias; mlctl says so, as for every other unknown name.
    await this.getVersionByAlias(name, alias);
    await this.client.call('DELETE', '/mlflow/registered-models/alias', { json: { name, alias } });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    try {
      const { model_version } = await this.client.call<{ model_version: MlflowModelVersion }>(
        'GET',
        '/mlflow/registered-models/alias',
        { query: { name, alias } },
      );
      return toModelVersion(model_version);
    } catch (err) {
      if (
        err instanceof MlflowRequestError &&
        err.errorCode === 'INVALID_PARAMETER_VALUE' &&
        /alias .* not found/i.test(err.serverMessage)
      ) {
        throw aliasNotFound(name, alias);
      }
      throw this.notFound(err, () => modelNotFound(name, `MLflow at ${this.info.location}`));
    }
  }

  async transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const target = canonicalStage(stage);
    assertArchiveExisting(target, archiveExisting);
    assertVersion(version);
    try {
      const { model_version } = await this.client.call<{ model_version: MlflowModelVersion }>(
        'POST',
        '/mlflow/model-versions/transition-stage',
        { json: { name, version, stage: target, archive_existing_versions: archiveExisting } },
      );
      return toModelVersion(model_version);
    } catch (err) {
      throw await this.versionError(err, name, version);
    }
  }

  close(): Promise<void> {
    return this.client.close();
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
        `experiment '${name}' (id ${experiment.experiment_id}) is deleted in MLflow at ${this.info.location}`,
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

  /** A 404 becomes the caller's not-found error; every other error passes through. */
  private notFound(err: unknown, make: () => MlctlError): unknown {
    return err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND' ? make() : err;
  }

  private runError(err: unknown, runId: string): unknown {
    return this.notFound(err, () => runNotFound(runId, `MLflow at ${this.info.location}`));
  }

  /** MLflow says "Model Version (name=x, version=n) not found" for a missing model too: find out which. */
  private async versionError(err: unknown, name: string, version: string): Promise<unknown> {
    if (!(err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND')) return err;
    await this.getRegisteredModel(name);
    return versionNotFound(name, version);
  }

  /** OSS MLflow creates versions READY; registries that copy files first report PENDING until done. */
  private async awaitReady(version: ModelVersion): Promise<ModelVersion> {
    let current = version;
    for (let waited = 0; current.status === 'PENDING_REGISTRATION' && waited < 300_000; waited += 1000) {
      await this.sleep(1000);
      current = await this.getModelVersion(current.name, current.version);
    }
    if (current.status !== 'READY') {
      throw new MlctlError(
        'REGISTRY_ERROR',
        `model '${current.name}' version ${current.version} did not become READY (status ${current.status})`,
      );
    }
    return current;
  }
}

/** A string literal for MLflow's search filter; MLflow has no escape inside quotes, so pick the quote the name lacks. */
function quote(name: string): string {
  if (!name.includes("'")) return `'${name}'`;
  if (!name.includes('"')) return `"${name}"`;
  throw new MlctlError(
    'REGISTRY_REJECTED',
    `cannot search MLflow for a model name holding both quote characters: ${name}`,
  );
}

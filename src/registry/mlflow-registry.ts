import { MlctlError } from '../errors';
import type { MlflowClient } from './mlflow-client';
import { downloadDirectory } from './mlflow-artifacts';
import { MlflowLoggedModels } from './mlflow-logged-models';
import { MlflowRuns } from './mlflow-runs';
import { MlflowRequestError } from './mlflow-errors';
import { toKeyValues, toModelVersion, toRegisteredModel } from './mlflow-entities';
import type { MlflowModelVersion, MlflowRegisteredModel } from './mlflow-entities';
import {
  aliasNotFound,
  assertAlias,
  assertArchiveExisting,
  assertModelName,
  assertTagKey,
  assertVersion,
  canonicalStage,
  modelNotFound,
  versionNotFound,
} from './names';
import type {
  CreateLoggedModelInput,
  CreateRunInput,
  CreateVersionInput,
  DatasetInput,
  Experiment,
  LinkedMetric,
  LoggedModel,
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

/** A real MLflow tracking server as the registry, through its REST API (docs/REGISTRY.md, "The MLflow mapping"). */
export class MlflowRegistry implements ModelRegistry {
  readonly info: RegistryInfo;
  private readonly pageSize: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly runs: MlflowRuns;
  private readonly loggedModels: MlflowLoggedModels;

  constructor(
    private readonly client: MlflowClient,
    options: MlflowRegistryOptions = {},
  ) {
    this.info = { kind: 'mlflow', location: client.location };
    this.pageSize = options.pageSize ?? 1000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.runs = new MlflowRuns(client, this.now);
    this.loggedModels = new MlflowLoggedModels(client);
  }

  async serverVersion(): Promise<string> {
    return (await this.client.getText('/version')).trim();
  }

  ensureExperiment(name: string): Promise<Experiment> {
    return this.runs.ensureExperiment(name);
  }
  createRun(input: CreateRunInput): Promise<Run> {
    return this.runs.createRun(input);
  }
  logRunData(runId: string, data: RunData): Promise<void> {
    return this.runs.logRunData(runId, data);
  }
  finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
    return this.runs.finishRun(runId, status);
  }
  getRun(runId: string): Promise<Run> {
    return this.runs.getRun(runId);
  }
  logArtifacts(runId: string, localDir: string, artifactPath: string): Promise<string> {
    return this.runs.logArtifacts(runId, localDir, artifactPath);
  }

  logInputs(runId: string, datasets: DatasetInput[]): Promise<boolean> {
    return this.runs.logInputs(runId, datasets);
  }
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel | undefined> {
    return this.loggedModels.create(input);
  }
  logModelMetrics(runId: string, modelId: string, metrics: LinkedMetric[]): Promise<void> {
    return this.runs.logModelMetrics(runId, modelId, metrics);
  }
  logModelArtifacts(modelId: string, localDir: string): Promise<string> {
    return this.loggedModels.logArtifacts(modelId, localDir);
  }
  finalizeLoggedModel(modelId: string, status: 'READY' | 'FAILED'): Promise<LoggedModel> {
    return this.loggedModels.finalize(modelId, status);
  }
  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.loggedModels.get(modelId);
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
    const logged = /^models:\/(m-[^/]+)$/.exec(uri);
    if (logged) uri = (await this.getLoggedModel(logged[1] as string)).artifact_location;
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
          model_id: input.modelId,
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

  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    assertVersion(version);
    assertTagKey(key);
    try {
      await this.client.call('POST', '/mlflow/model-versions/set-tag', {
        json: { name, version, key, value },
      });
    } catch (err) {
      throw await this.versionError(err, name, version);
    }
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

  /** A 404 becomes the caller's not-found error; every other error passes through. */
  private notFound(err: unknown, make: () => MlctlError): unknown {
    return err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND' ? make() : err;
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

/**
 * The model registry, as mlctl sees it: MLflow's tracking + model-registry concepts (experiments, runs
 * with params/metrics/tags and artifacts, registered models, versions, aliases, deprecated stages).
 * Two backends implement it with the same semantics — `LocalRegistry` (a directory) and `MlflowRegistry`
 * (an MLflow tracking server over REST) — and return these same entity types. Documented here once.
 *
 * Errors are `MlctlError`s: MODEL_NOT_FOUND for an unknown model, version, alias or run; REGISTRY_REJECTED
 * for an invalid value; REGISTRY_UNAVAILABLE / REGISTRY_AUTH / REGISTRY_CONFLICT / REGISTRY_ERROR for the rest.
 */

/** MLflow's model version stages (deprecated since MLflow 2.9 in favour of aliases, still supported). */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof STAGES)[number];

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface Experiment {
  experimentId: string;
  name: string;
  /** Where the experiment's runs keep their artifacts (e.g. `mlflow-artifacts:/1`). */
  artifactLocation: string;
}

export interface Run {
  runId: string;
  experimentId: string;
  runName: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime: number;
  endTime?: number;
  /** Root of the run's artifacts: `mlflow-artifacts:/<exp>/<run>/artifacts` on MLflow, `runs:/<run>` locally. */
  artifactUri: string;
  params: Record<string, string>;
  /** The last logged value of each metric. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** What the run read: its datasets (MLflow's `inputs.dataset_inputs`). */
  inputs?: { dataset_inputs: DatasetInput[] };
  /** What the run made: its logged models (MLflow 3's `outputs.model_outputs`). */
  outputs?: { model_outputs: Array<{ model_id: string; step: number }> };
}

/**
 * A dataset as MLflow records it (`mlflow.entities.Dataset`): `source`, `schema` and `profile` are JSON
 * text, e.g. source `{"uri": "data/iris.csv"}`, schema `{"mlflow_colspec": [...]}`, profile
 * `{"num_rows": 150, ...}`. MLflow keys datasets by name and digest (at most 36 characters).
 */
export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

/** A dataset a run read; the tag `mlflow.data.context` says what for (`training`, `eval`). */
export interface DatasetInput {
  dataset: Dataset;
  tags: Record<string, string>;
}

/** MLflow 3's LoggedModel: a model of a run, with its own params, metrics and artifact location. */
export interface LoggedModel {
  /** `m-` and 32 hex digits. */
  model_id: string;
  experiment_id: string;
  name: string;
  source_run_id?: string;
  status: 'PENDING' | 'READY' | 'FAILED';
  /** Where its files are (`mlflow-artifacts:/<exp>/models/<id>/artifacts` on MLflow). */
  artifact_location: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: ModelMetric[];
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** A metric of a logged model, measured on a dataset when `dataset_name` is set. */
export interface ModelMetric {
  key: string;
  value: number;
  step: number;
  timestamp: number;
  run_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface CreateLoggedModelInput {
  experimentId: string;
  /** MLflow's Python client names it after the artifact path, e.g. `model`. */
  name: string;
  sourceRunId: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

/** A metric value for `logModelMetrics`, linked to the dataset it was measured on, if any. */
export interface LinkedMetric {
  key: string;
  value: number;
  dataset?: { name: string; digest: string };
}

export interface ModelVersion {
  name: string;
  /** A decimal string, "1", "2", ... allocated by the registry in order. */
  version: string;
  stage: Stage;
  /** Where the version's files are: `models:/<logged model id>` (MLflow 3), or `<run artifact uri>/model`. */
  source: string;
  runId?: string;
  /** The MLflow 3 LoggedModel the version was registered from. */
  model_id?: string;
  status: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION';
  aliases: string[];
  tags: Record<string, string>;
  description: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

export interface RegisteredModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  /** alias → version. */
  aliases: Record<string, string>;
  /** The highest version in each stage, as MLflow's `latest_versions`. */
  latestVersions: ModelVersion[];
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

export interface RunData {
  params?: Record<string, string>;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
}

export interface CreateRunInput {
  experimentId: string;
  runName: string;
  tags?: Record<string, string>;
  startTime?: number;
}

export interface CreateVersionInput {
  name: string;
  source: string;
  runId?: string;
  /** The LoggedModel of `source` = `models:/<id>`. */
  modelId?: string;
  tags?: Record<string, string>;
  description?: string;
}

export interface RegistryInfo {
  kind: 'local' | 'mlflow';
  /** The tracking URI or registry directory, safe to print (no credentials). */
  location: string;
}

export interface ModelRegistry {
  readonly info: RegistryInfo;

  /** The server's version (MLflow's `GET /version`), or the local layout's format, for health checks. */
  serverVersion(): Promise<string>;

  /** The experiment of that name, created when missing (a concurrent creation is not an error). */
  ensureExperiment(name: string): Promise<Experiment>;
  /** Starts a run (status RUNNING). */
  createRun(input: CreateRunInput): Promise<Run>;
  /** Logs params, metrics and tags; any amount (split into batches as the backend needs). */
  logRunData(runId: string, data: RunData): Promise<void>;
  /** Ends a run with a final status. */
  finishRun(runId: string, status: Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'>): Promise<void>;
  getRun(runId: string): Promise<Run>;
  /**
   * Copies every file of `localDir` under `<run artifacts>/<artifactPath>/` and returns that
   * location's URI, which is what a model version's `source` should be.
   */
  logArtifacts(runId: string, localDir: string, artifactPath: string): Promise<string>;
  /** Records datasets the run read (MLflow's `runs/log-inputs`); false when the backend cannot (MLflow < 2.4). */
  logInputs(runId: string, datasets: DatasetInput[]): Promise<boolean>;

  /**
   * Creates a PENDING LoggedModel of the run and records it as the run's output (step 0), as MLflow 3's
   * `log_model` does; undefined when the backend has none (an MLflow 2 server).
   */
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel | undefined>;
  /** Logs metrics on the run that belong to a logged model (and to the dataset they were measured on). */
  logModelMetrics(runId: string, modelId: string, metrics: LinkedMetric[]): Promise<void>;
  /** Copies every file of `localDir` into the logged model's artifacts; returns `models:/<id>`, a version's source. */
  logModelArtifacts(modelId: string, localDir: string): Promise<string>;
  /** Ends a LoggedModel's upload: READY, or FAILED. */
  finalizeLoggedModel(modelId: string, status: 'READY' | 'FAILED'): Promise<LoggedModel>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;

  /**
   * Copies the files of a model version into the (existing, empty) directory `destDir`, unverified:
   * callers check SHA256SUMS (registry/download.ts does).
   */
  downloadVersion(version: ModelVersion, destDir: string): Promise<void>;

  /** The registered model of that name, created when missing. */
  ensureRegisteredModel(name: string): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Every registered model, by name. */
  listRegisteredModels(): Promise<RegisteredModel[]>;
  /** Registers a new version (the next number) of an existing registered model. */
  createModelVersion(input: CreateVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  /** Every version of a model, highest version first. */
  listModelVersions(name: string): Promise<ModelVersion[]>;
  /** The highest version in each of `stages` (every stage when omitted), as MLflow's get-latest-versions. */
  getLatestVersions(name: string, stages?: Stage[]): Promise<ModelVersion[]>;

  /** Sets (or overwrites) one tag of a version, as MLflow's `model-versions/set-tag`. */
  setVersionTag(name: string, version: string, key: string, value: string): Promise<void>;

  /** Points `alias` at `version`, moving it if it pointed elsewhere. */
  setAlias(name: string, alias: string, version: string): Promise<void>;
  /** Removes an alias; MODEL_NOT_FOUND when the model has no such alias. */
  deleteAlias(name: string, alias: string): Promise<void>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /**
   * Moves a version to a stage; with `archiveExisting` (Staging or Production only), the other versions
   * in that stage move to Archived.
   */
  transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting: boolean,
  ): Promise<ModelVersion>;

  /** Releases connections; the registry is unusable afterwards. */
  close(): Promise<void>;
}

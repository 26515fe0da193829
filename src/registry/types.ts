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
}

export interface ModelVersion {
  name: string;
  /** A decimal string, "1", "2", ... allocated by the registry in order. */
  version: string;
  stage: Stage;
  /** Where the version's files are: `<run artifact uri>/model`. */
  source: string;
  runId?: string;
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

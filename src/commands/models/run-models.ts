import type { Logger } from '../../telemetry/logger';
import { isMlctlError } from '../../errors';
import { downloadModel } from '../../registry/download';
import type { DownloadedModel } from '../../registry/download';
import { assertArchiveExisting, assertModelName, canonicalStage } from '../../registry/names';
import { formatModelUri, parseModelUri, resolveModelUri } from '../../registry/uri';
import type {
  LoggedModel,
  ModelRegistry,
  ModelVersion,
  RegisteredModel,
  RegistryInfo,
  Run,
} from '../../registry/types';

/** `mlctl models …`: each subcommand is a function that returns data; src/cli prints it. */

export interface RegistryDescription extends RegistryInfo {
  /** MLflow's version, or the local layout; undefined when the server would not say. */
  serverVersion?: string;
}

export async function describeRegistry(
  registry: ModelRegistry,
  logger?: Logger,
): Promise<RegistryDescription> {
  try {
    return { ...registry.info, serverVersion: await registry.serverVersion() };
  } catch (err) {
    // Diagnostics only: the real call that follows reports the failure properly.
    logger?.debug({ err: isMlctlError(err) ? err.message : String(err) }, 'server version unavailable');
    return { ...registry.info };
  }
}

export interface ModelListing {
  registry: RegistryDescription;
  models: RegisteredModel[];
}

export interface VersionListing {
  registry: RegistryDescription;
  model: RegisteredModel;
  versions: ModelVersion[];
}

export async function listModels(
  registry: ModelRegistry,
  name?: string,
): Promise<ModelListing | VersionListing> {
  if (name === undefined) {
    const models = await registry.listRegisteredModels();
    return { registry: await describeRegistry(registry), models };
  }
  const model = await registry.getRegisteredModel(name);
  const versions = await registry.listModelVersions(name);
  return { registry: await describeRegistry(registry), model, versions };
}

export interface ModelDetails {
  registry: RegistryDescription;
  /** As asked. */
  requested: string;
  /** Pinned: `models:/<name>/<version>`. */
  uri: string;
  version: ModelVersion;
  /** The run that produced it, when it still exists; its `inputs` list the datasets. */
  run?: Run;
  /** The MLflow 3 LoggedModel it was registered from, when it has one and it still exists. */
  logged_model?: LoggedModel;
}

export async function showModel(
  registry: ModelRegistry,
  uri: string,
  logger?: Logger,
): Promise<ModelDetails> {
  const ref = parseModelUri(uri);
  const version = await resolveModelUri(registry, ref);
  // A run or logged model deleted since is worth a warning, not a failure: the version still resolves.
  const unlessGone = async <T>(id: string | undefined, what: string, load: (id: string) => Promise<T>) => {
    if (id === undefined) return undefined;
    try {
      return await load(id);
    } catch (err) {
      if (!(isMlctlError(err) && err.code === 'MODEL_NOT_FOUND')) throw err;
      logger?.warn({ id }, `the version names a ${what} that no longer exists`);
      return undefined;
    }
  };
  const run = await unlessGone(version.runId, 'run', (id) => registry.getRun(id));
  const loggedModel = await unlessGone(version.model_id, 'logged model', (id) => registry.getLoggedModel(id));
  return {
    registry: await describeRegistry(registry),
    requested: formatModelUri(ref),
    uri: `models:/${version.name}/${version.version}`,
    version,
    run,
    ...(loggedModel ? { logged_model: loggedModel } : {}),
  };
}

export interface AliasChange {
  name: string;
  alias: string;
  /** The version the alias points at now; undefined after a delete. */
  version?: string;
  /** Where it pointed before; undefined when it is new. */
  previous?: string;
}

export async function setModelAlias(
  registry: ModelRegistry,
  name: string,
  alias: string,
  version: string,
): Promise<AliasChange> {
  const before = await registry.getRegisteredModel(name);
  await registry.setAlias(name, alias, version);
  const after = await registry.getVersionByAlias(name, alias);
  return { name, alias, version: after.version, previous: before.aliases[alias] };
}

export async function deleteModelAlias(
  registry: ModelRegistry,
  name: string,
  alias: string,
): Promise<AliasChange> {
  const before = await registry.getVersionByAlias(name, alias);
  await registry.deleteAlias(name, alias);
  return { name, alias, previous: before.version };
}

export interface StageChange {
  version: ModelVersion;
  previousStage: string;
  /** Versions moved to Archived by --archive-existing. */
  archived: string[];
}

export async function setModelStage(
  registry: ModelRegistry,
  name: string,
  version: string,
  stage: string,
  archiveExisting: boolean,
): Promise<StageChange> {
  assertModelName(name);
  const target = canonicalStage(stage);
  assertArchiveExisting(target, archiveExisting);
  const before = await registry.getModelVersion(name, version);
  const others = archiveExisting
    ? (await registry.listModelVersions(name)).filter(
        (v) => v.stage === target && v.version !== before.version,
      )
    : [];
  const updated = await registry.transitionStage(name, before.version, target, archiveExisting);
  return { version: updated, previousStage: before.stage, archived: others.map((v) => v.version) };
}

export async function downloadModelVersion(
  registry: ModelRegistry,
  uri: string,
  dir: string,
): Promise<DownloadedModel> {
  return downloadModel(registry, uri, dir);
}

import { mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MlctlError } from '../errors';
import { assertVersionSource, copyFilesOut } from './local-files';
import { withDirLock } from './local-lock';
import type { LockOptions } from './local-lock';
import { LocalLoggedModels } from './local-logged-models';
import { LocalRuns } from './local-runs';
import { LAYOUT_FORMAT, layout, readRecord, writeRecord } from './local-store';
import type { Layout, ModelRecord, RootRecord, VersionRecord } from './local-store';
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

export interface LocalRegistryOptions {
  /** The registry directory; created on the first write. */
  root: string;
  now?: () => number;
  lock?: LockOptions;
}

/**
 * The embedded registry: MLflow's registry semantics in a directory, for one machine and no server.
 * Version numbers are allocated by creating `versions/<n>` with mkdir, which fails for all but one
 * process, so concurrent registrations never share or lose a number. Read-modify-write of a model's
 * aliases and stages holds that model's lock.
 */
export class LocalRegistry implements ModelRegistry {
  readonly info: RegistryInfo;
  private readonly paths: Layout;
  private readonly now: () => number;
  private readonly runs: LocalRuns;
  private readonly loggedModels: LocalLoggedModels;

  constructor(private readonly options: LocalRegistryOptions) {
    this.paths = layout(resolve(options.root));
    this.now = options.now ?? Date.now;
    this.info = { kind: 'local', location: this.paths.root };
    this.runs = new LocalRuns(this.paths, this.now, () => this.ensureRoot());
    this.loggedModels = new LocalLoggedModels(
      this.paths,
      this.now,
      (runId) => this.runs.readRun(runId),
      (record) => this.runs.writeRun(record),
    );
  }

  async serverVersion(): Promise<string> {
    await this.checkFormat();
    return `mlctl local registry (layout ${LAYOUT_FORMAT})`;
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
  async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    await this.upgradeRoot();
    return this.loggedModels.create(input);
  }
  logModelMetrics(runId: string, modelId: string, metrics: LinkedMetric[]): Promise<void> {
    return this.loggedModels.logMetrics(runId, modelId, metrics);
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
    const logged = /^models:\/(m-[0-9a-f]{32})$/.exec(version.source);
    const from = logged
      ? await this.loggedModels.artifactsOf(logged[1] as string)
      : this.runs.artifactsOf(version.source);
    await copyFilesOut(from, destDir, version.source);
  }

  async ensureRegisteredModel(name: string): Promise<RegisteredModel> {
    assertModelName(name);
    if (!(await readRecord<ModelRecord>(this.paths.modelRecord(name)))) {
      await this.ensureRoot();
      await withDirLock(
        this.paths.modelLock(name),
        async () => {
          if (await readRecord<ModelRecord>(this.paths.modelRecord(name))) return;
          const t = this.now();
          const record: ModelRecord = {
            name,
            description: '',
            tags: {},
            aliases: {},
            creationTimestamp: t,
            lastUpdatedTimestamp: t,
          };
          await writeRecord(this.paths.modelRecord(name), record);
        },
        this.options.lock,
      );
    }
    return this.getRegisteredModel(name);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const model = await this.model(name);
    const versions = await this.versionRecords(name);
    const latest = latestPerStage(versions).map((v) => toVersion(v, model));
    const updated = Math.max(model.lastUpdatedTimestamp, ...versions.map((v) => v.lastUpdatedTimestamp));
    return {
      name: model.name,
      description: model.description,
      tags: model.tags,
      aliases: model.aliases,
      latestVersions: latest,
      creationTimestamp: model.creationTimestamp,
      lastUpdatedTimestamp: updated,
    };
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    const dirs = await readdir(this.paths.models).catch(() => [] as string[]);
    const names: string[] = [];
    for (const dir of dirs) {
      const record = await readRecord<ModelRecord>(resolve(this.paths.models, dir, 'model.json'));
      if (record) names.push(record.name);
    }
    names.sort();
    return Promise.all(names.map((n) => this.getRegisteredModel(n)));
  }

  async createModelVersion(input: CreateVersionInput): Promise<ModelVersion> {
    assertModelName(input.name);
    assertVersionSource(input.source, input.runId, input.modelId);
    const model = await this.model(input.name);
    if (input.modelId !== undefined) await this.loggedModels.get(input.modelId);
    await mkdir(this.paths.versions(input.name), { recursive: true });
    const taken = await this.versionNumbers(input.name);
    let n = taken.reduce((max, v) => Math.max(max, v), 0) + 1;
    // mkdir without `recursive` fails with EEXIST for every process but one: that one owns number n.
    for (;;) {
      try {
        await mkdir(this.paths.version(input.name, String(n)));
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        n += 1;
      }
    }
    const t = this.now();
    const record: VersionRecord = {
      name: input.name,
      version: String(n),
      stage: 'None',
      source: input.source,
      runId: input.runId,
      ...(input.modelId === undefined ? {} : { model_id: input.modelId }),
      tags: input.tags ?? {},
      description: input.description ?? '',
      creationTimestamp: t,
      lastUpdatedTimestamp: t,
    };
    await writeRecord(this.paths.versionRecord(input.name, record.version), record);
    if (input.modelId !== undefined)
      await this.loggedModels.addModelVersion(input.modelId, input.name, record.version);
    return toVersion(record, model);
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const model = await this.model(name);
    return toVersion(await this.versionRecord(name, version), model);
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    const model = await this.model(name);
    const versions = await this.versionRecords(name);
    return versions.sort((a, b) => Number(b.version) - Number(a.version)).map((v) => toVersion(v, model));
  }

  async getLatestVersions(name: string, stages?: Stage[]): Promise<ModelVersion[]> {
    const model = await this.model(name);
    const wanted = new Set((stages ?? []).map(canonicalStage));
    return latestPerStage(await this.versionRecords(name))
      .filter((v) => wanted.size === 0 || wanted.has(v.stage))
      .map((v) => toVersion(v, model));
  }

  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    assertTagKey(key);
    await this.updateModel(name, async () => {
      const record = await this.versionRecord(name, version);
      const updated: VersionRecord = {
        ...record,
        tags: { ...record.tags, [key]: value },
        lastUpdatedTimestamp: this.now(),
      };
      await writeRecord(this.paths.versionRecord(name, record.version), updated);
    });
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    assertAlias(alias);
    assertVersion(version);
    await this.updateModel(name, async (model) => {
      model.aliases[alias] = (await this.versionRecord(name, version)).version;
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.updateModel(name, async (model) => {
      if (!(alias in model.aliases)) throw aliasNotFound(name, alias);
      delete model.aliases[alias];
    });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const model = await this.model(name);
    const version = model.aliases[alias];
    if (version === undefined) throw aliasNotFound(name, alias);
    return toVersion(await this.versionRecord(name, version), model);
  }

  async transitionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting: boolean,
  ): Promise<ModelVersion> {
    const target = canonicalStage(stage);
    assertArchiveExisting(target, archiveExisting);
    let result: ModelVersion | undefined;
    await this.updateModel(name, async (model) => {
      const record = await this.versionRecord(name, version);
      const t = this.now();
      if (archiveExisting) {
        for (const other of await this.versionRecords(name)) {
          if (other.version === record.version || other.stage !== target) continue;
          await writeRecord(this.paths.versionRecord(name, other.version), {
            ...other,
            stage: 'Archived',
            lastUpdatedTimestamp: t,
          });
        }
      }
      const updated: VersionRecord = { ...record, stage: target, lastUpdatedTimestamp: t };
      await writeRecord(this.paths.versionRecord(name, version), updated);
      result = toVersion(updated, model);
    });
    return result as ModelVersion;
  }

  async close(): Promise<void> {}

  /** Creates the root and its format record, or checks that an existing root is one mlctl can read. */
  private async ensureRoot(): Promise<void> {
    if (await this.checkFormat()) return;
    await mkdir(this.paths.root, { recursive: true });
    const record: RootRecord = { format: LAYOUT_FORMAT, createdBy: 'mlctl' };
    await writeRecord(this.paths.rootRecord, record);
  }

  /** A registry of layout 1 holds no logged models: it says layout 2 before it gets one, so an older mlctl stops there. */
  private async upgradeRoot(): Promise<void> {
    await this.ensureRoot();
    const root = await readRecord<RootRecord>(this.paths.rootRecord);
    if (root && root.format < LAYOUT_FORMAT) {
      await writeRecord(this.paths.rootRecord, { ...root, format: LAYOUT_FORMAT });
    }
  }

  private async checkFormat(): Promise<boolean> {
    const root = await readRecord<RootRecord>(this.paths.rootRecord);
    if (root && root.format > LAYOUT_FORMAT) {
      throw new MlctlError(
        'REGISTRY_ERROR',
        `the local registry ${this.paths.root} has layout ${root.format}, newer than this mlctl reads (${LAYOUT_FORMAT})`,
        {
          hint: 'Upgrade mlctl.',
        },
      );
    }
    return root !== undefined;
  }

  private async model(name: string): Promise<ModelRecord> {
    const record = await readRecord<ModelRecord>(this.paths.modelRecord(name));
    if (!record) throw modelNotFound(name, `the local registry ${this.paths.root}`);
    return record;
  }

  private async updateModel(name: string, change: (model: ModelRecord) => Promise<void>): Promise<void> {
    await this.model(name);
    await withDirLock(
      this.paths.modelLock(name),
      async () => {
        const model = await this.model(name);
        await change(model);
        await writeRecord(this.paths.modelRecord(name), { ...model, lastUpdatedTimestamp: this.now() });
      },
      this.options.lock,
    );
  }

  private async versionNumbers(name: string): Promise<number[]> {
    const dirs = await readdir(this.paths.versions(name)).catch(() => [] as string[]);
    return dirs.filter((d) => /^[1-9]\d*$/.test(d)).map(Number);
  }

  /** Complete versions only: a directory whose version.json is not written yet is a registration in progress. */
  private async versionRecords(name: string): Promise<VersionRecord[]> {
    const records = await Promise.all(
      (await this.versionNumbers(name)).map((n) =>
        readRecord<VersionRecord>(this.paths.versionRecord(name, String(n))),
      ),
    );
    return records.filter((r): r is VersionRecord => r !== undefined);
  }

  private async versionRecord(name: string, version: string): Promise<VersionRecord> {
    assertVersion(version);
    const record = await readRecord<VersionRecord>(this.paths.versionRecord(name, String(Number(version))));
    if (!record) throw versionNotFound(name, version);
    return record;
  }
}

function latestPerStage(versions: VersionRecord[]): VersionRecord[] {
  const best = new Map<Stage, VersionRecord>();
  for (const v of versions) {
    const current = best.get(v.stage);
    if (!current || Number(v.version) > Number(current.version)) best.set(v.stage, v);
  }
  return [...best.values()].sort((a, b) => Number(a.version) - Number(b.version));
}

function toVersion(record: VersionRecord, model: ModelRecord): ModelVersion {
  return {
    ...record,
    status: 'READY',
    aliases: Object.keys(model.aliases).filter((a) => model.aliases[a] === record.version),
  };
}

import { randomUUID } from 'node:crypto';
import { MlctlError } from '../errors';
import { copyDirectoryInto } from './local-files';
import { readRecord, writeRecord } from './local-store';
import type { Layout, LoggedModelRecord, RunRecord } from './local-store';
import type { CreateLoggedModelInput, LinkedMetric, LoggedModel } from './types';

/**
 * MLflow 3's LoggedModels in the local registry: `logged-models/<id>/model.json` and its `artifacts/`.
 * The same steps as on a server: created PENDING as the output of its run, files added, then finalized.
 */
export class LocalLoggedModels {
  constructor(
    private readonly paths: Layout,
    private readonly now: () => number,
    private readonly readRun: (runId: string) => Promise<RunRecord>,
    private readonly writeRun: (record: RunRecord) => Promise<void>,
  ) {}

  async create(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const run = await this.readRun(input.sourceRunId);
    if (run.experimentId !== input.experimentId) {
      throw new MlctlError(
        'REGISTRY_REJECTED',
        `run ${run.runId} belongs to experiment ${run.experimentId}, not ${input.experimentId}`,
      );
    }
    const t = this.now();
    const record: LoggedModelRecord = {
      model_id: `m-${randomUUID().replace(/-/g, '')}`,
      experiment_id: input.experimentId,
      name: input.name,
      source_run_id: input.sourceRunId,
      status: 'PENDING',
      params: { ...input.params },
      tags: { ...input.tags },
      metrics: [],
      creation_timestamp: t,
      last_updated_timestamp: t,
    };
    await writeRecord(this.paths.loggedModelRecord(record.model_id), record);
    const outputs = run.outputs?.model_outputs ?? [];
    await this.writeRun({
      ...run,
      outputs: { model_outputs: [...outputs, { model_id: record.model_id, step: 0 }] },
    });
    return this.toLoggedModel(record);
  }

  async logMetrics(runId: string, modelId: string, metrics: LinkedMetric[]): Promise<void> {
    const record = await this.record(modelId);
    const run = await this.readRun(runId);
    const timestamp = this.now();
    for (const { key, value, dataset } of metrics) {
      run.metrics[key] = value;
      record.metrics.push({
        key,
        value,
        step: 0,
        timestamp,
        run_id: runId,
        ...(dataset ? { dataset_name: dataset.name, dataset_digest: dataset.digest } : {}),
      });
    }
    await this.writeRun(run);
    await writeRecord(this.paths.loggedModelRecord(modelId), {
      ...record,
      last_updated_timestamp: timestamp,
    });
  }

  async logArtifacts(modelId: string, localDir: string): Promise<string> {
    await this.record(modelId);
    await copyDirectoryInto(
      localDir,
      this.paths.loggedModelArtifacts(modelId),
      this.paths.loggedModel(modelId),
    );
    return `models:/${modelId}`;
  }

  async finalize(modelId: string, status: 'READY' | 'FAILED'): Promise<LoggedModel> {
    const record = { ...(await this.record(modelId)), status, last_updated_timestamp: this.now() };
    await writeRecord(this.paths.loggedModelRecord(modelId), record);
    return this.toLoggedModel(record);
  }

  async get(modelId: string): Promise<LoggedModel> {
    return this.toLoggedModel(await this.record(modelId));
  }

  /**
   * Lists a model version registered from the logged model in its `mlflow.modelVersions` tag, as MLflow's
   * server does (`[{"name": "iris", "version": 3}]`, the version a number).
   */
  async addModelVersion(modelId: string, name: string, version: string): Promise<void> {
    const record = await this.record(modelId);
    const listed = JSON.parse(record.tags['mlflow.modelVersions'] ?? '[]') as Array<{
      name: string;
      version: number;
    }>;
    if (!listed.some((v) => v.name === name && v.version === Number(version))) {
      listed.push({ name, version: Number(version) });
    }
    const tags = { ...record.tags, 'mlflow.modelVersions': JSON.stringify(listed) };
    await writeRecord(this.paths.loggedModelRecord(modelId), { ...record, tags });
  }

  /** The directory of a logged model's files. */
  async artifactsOf(modelId: string): Promise<string> {
    await this.record(modelId);
    return this.paths.loggedModelArtifacts(modelId);
  }

  private async record(modelId: string): Promise<LoggedModelRecord> {
    const record = /^m-[0-9a-f]{32}$/.test(modelId)
      ? await readRecord<LoggedModelRecord>(this.paths.loggedModelRecord(modelId))
      : undefined;
    if (!record) {
      throw new MlctlError(
        'MODEL_NOT_FOUND',
        `logged model '${modelId}' not found in the local registry ${this.paths.root}`,
      );
    }
    return record;
  }

  private toLoggedModel(record: LoggedModelRecord): LoggedModel {
    return { ...record, artifact_location: `models:/${record.model_id}` };
  }
}

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { MlctlError } from '../errors';
import { copyDirectoryInto } from './local-files';
import { withDirLock } from './local-lock';
import { readRecord, writeRecord } from './local-store';
import type { ExperimentRecord, Layout, RunRecord } from './local-store';
import { runNotFound } from './names';
import type { CreateRunInput, DatasetInput, Experiment, Run, RunData, RunStatus } from './types';

/** Experiments, runs and run artifacts of the local registry. A run has one writer; experiments take the root lock. */
export class LocalRuns {
  constructor(
    private readonly paths: Layout,
    private readonly now: () => number,
    private readonly ensureRoot: () => Promise<void>,
  ) {}

  async ensureExperiment(name: string): Promise<Experiment> {
    const found = (await this.experiments()).find((e) => e.name === name);
    if (found) return this.toExperiment(found);
    await this.ensureRoot();
    return withDirLock(this.paths.rootLock, async () => {
      const all = await this.experiments();
      let record = all.find((e) => e.name === name);
      if (!record) {
        const id = String(all.reduce((max, e) => Math.max(max, Number(e.experimentId)), 0) + 1);
        record = { experimentId: id, name, creationTime: this.now() };
        await writeRecord(this.paths.experiments, [...all, record]);
      }
      return this.toExperiment(record);
    });
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    if (!(await this.experiments()).some((e) => e.experimentId === input.experimentId)) {
      throw new MlctlError(
        'MODEL_NOT_FOUND',
        `experiment id ${input.experimentId} not found in ${this.paths.root}`,
      );
    }
    const runId = randomUUID().replace(/-/g, '');
    const record: RunRecord = {
      runId,
      experimentId: input.experimentId,
      runName: input.runName,
      status: 'RUNNING',
      startTime: input.startTime ?? this.now(),
      params: {},
      metrics: {},
      tags: { 'mlflow.runName': input.runName, ...input.tags },
    };
    await writeRecord(this.paths.runRecord(runId), record);
    return this.toRun(record);
  }

  async logRunData(runId: string, data: RunData): Promise<void> {
    const record = await this.runRecord(runId);
    for (const [key, value] of Object.entries(data.params ?? {})) {
      // As in MLflow: a param is written once; the same value again is fine, another value is refused.
      if (key in record.params && record.params[key] !== value) {
        throw new MlctlError(
          'REGISTRY_CONFLICT',
          `param '${key}' of run ${runId} is already '${record.params[key]}'; params cannot be changed once logged`,
        );
      }
      record.params[key] = value;
    }
    Object.assign(record.metrics, data.metrics ?? {});
    Object.assign(record.tags, data.tags ?? {});
    await writeRecord(this.paths.runRecord(runId), record);
  }

  async finishRun(runId: string, status: RunStatus): Promise<void> {
    const record = await this.runRecord(runId);
    await writeRecord(this.paths.runRecord(runId), { ...record, status, endTime: this.now() });
  }

  async getRun(runId: string): Promise<Run> {
    return this.toRun(await this.runRecord(runId));
  }

  async logArtifacts(runId: string, localDir: string, artifactPath: string): Promise<string> {
    await this.runRecord(runId);
    const rel = safeRelative(artifactPath);
    await copyDirectoryInto(localDir, join(this.paths.runArtifacts(runId), rel), this.paths.run(runId));
    return `runs:/${runId}/${rel}`;
  }

  /** Adds datasets to the run's inputs; one already there (same name, digest and tags) is not added twice. */
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<boolean> {
    const record = await this.runRecord(runId);
    const inputs = [...(record.inputs?.dataset_inputs ?? [])];
    const key = (d: DatasetInput) => JSON.stringify([d.dataset.name, d.dataset.digest, d.tags]);
    for (const d of datasets) if (!inputs.some((i) => key(i) === key(d))) inputs.push(d);
    await this.writeRun({ ...record, inputs: { dataset_inputs: inputs } });
    return true;
  }

  /** The directory that a version source `runs:/<run id>/<path>` names. */
  artifactsOf(source: string): string {
    const m = /^runs:\/([0-9a-f]{32})\/(.+)$/.exec(source);
    if (!m) {
      throw new MlctlError('REGISTRY_ERROR', `the local registry cannot read artifacts from '${source}'`, {
        hint: 'Local model versions have sources of the form models:/<logged model id> or runs:/<run id>/<path>.',
      });
    }
    return join(this.paths.runArtifacts(m[1] as string), safeRelative(m[2] as string));
  }

  readRun(runId: string): Promise<RunRecord> {
    return this.runRecord(runId);
  }

  writeRun(record: RunRecord): Promise<void> {
    return writeRecord(this.paths.runRecord(record.runId), record);
  }

  private async experiments(): Promise<ExperimentRecord[]> {
    return (await readRecord<ExperimentRecord[]>(this.paths.experiments)) ?? [];
  }

  private toExperiment(record: ExperimentRecord): Experiment {
    return {
      experimentId: record.experimentId,
      name: record.name,
      artifactLocation: `experiments:/${record.experimentId}`,
    };
  }

  private async runRecord(runId: string): Promise<RunRecord> {
    const record = /^[0-9a-f]{32}$/.test(runId)
      ? await readRecord<RunRecord>(this.paths.runRecord(runId))
      : undefined;
    if (!record) throw runNotFound(runId, `the local registry ${this.paths.root}`);
    return record;
  }

  private toRun(record: RunRecord): Run {
    return { ...record, artifactUri: `runs:/${record.runId}` };
  }
}

/** A relative artifact path that stays inside its run (no `..`, no absolute path). */
function safeRelative(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new MlctlError('REGISTRY_REJECTED', `invalid artifact path '${path}'`);
  }
  return parts.join('/');
}

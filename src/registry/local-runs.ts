import { randomUUID } from 'node:crypto';
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MlctlError } from '../errors';
import { listFiles } from '../artifact/checksums';
import { withDirLock } from './local-lock';
import { readRecord, writeRecord } from './local-store';
import type { ExperimentRecord, Layout, RunRecord } from './local-store';
import { runNotFound } from './names';
import type { CreateRunInput, Experiment, Run, RunData, RunStatus } from './types';

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

  /** Copies into a temp directory beside the target, then renames: the artifact appears whole or not at all. */
  async logArtifacts(runId: string, localDir: string, artifactPath: string): Promise<string> {
    await this.runRecord(runId);
    const rel = safeRelative(artifactPath);
    const target = join(this.paths.runArtifacts(runId), rel);
    const tmp = join(this.paths.run(runId), `.upload-${randomUUID()}`);
    try {
      await cp(localDir, tmp, { recursive: true, errorOnExist: true });
      await mkdir(join(target, '..'), { recursive: true });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw new MlctlError(
        'IO_ERROR',
        `cannot store ${localDir} in the local registry: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return `runs:/${runId}/${rel}`;
  }

  async downloadArtifacts(source: string, destDir: string): Promise<void> {
    const m = /^runs:\/([0-9a-f]{32})\/(.+)$/.exec(source);
    if (!m) {
      throw new MlctlError('REGISTRY_ERROR', `the local registry cannot read artifacts from '${source}'`, {
        hint: 'Local model versions have sources of the form runs:/<run id>/<path>.',
      });
    }
    const from = join(this.paths.runArtifacts(m[1] as string), safeRelative(m[2] as string));
    const isDir = await stat(from).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new MlctlError('ARTIFACT_INVALID', `the artifacts of ${source} are missing: ${from}`);
    for (const file of await listFiles(from)) {
      await mkdir(join(destDir, file, '..'), { recursive: true });
      await cp(join(from, file), join(destDir, file));
    }
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

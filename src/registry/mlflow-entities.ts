import type { ModelVersion, RegisteredModel, Run, RunStatus, Stage } from './types';
import { STAGES } from './types';

/**
 * MLflow's JSON entities (protobuf → JSON, snake_case) and their mapping to mlctl's. MLflow omits empty
 * lists and unset fields, so every one of them is optional here.
 */
export interface KeyValue {
  key: string;
  value?: string;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: MlflowModelVersion[];
  tags?: KeyValue[];
  aliases?: Array<{ alias: string; version: string }>;
}

export interface MlflowRun {
  info: {
    run_id?: string;
    run_uuid?: string;
    experiment_id: string;
    run_name?: string;
    status?: string;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
  };
  data?: {
    metrics?: Array<{ key: string; value: number | string; timestamp?: number; step?: number }>;
    params?: KeyValue[];
    tags?: KeyValue[];
  };
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
}

export function toKeyValues(record: Record<string, string> | undefined): KeyValue[] {
  return Object.entries(record ?? {}).map(([key, value]) => ({ key, value }));
}

export function fromKeyValues(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list ?? []) out[key] = value ?? '';
  return out;
}

function toStage(stage: string | undefined): Stage {
  return STAGES.find((s) => s.toLowerCase() === (stage ?? 'None').toLowerCase()) ?? 'None';
}

export function toModelVersion(mv: MlflowModelVersion, aliases?: Record<string, string>): ModelVersion {
  const status =
    mv.status === 'PENDING_REGISTRATION' || mv.status === 'FAILED_REGISTRATION' ? mv.status : 'READY';
  return {
    name: mv.name,
    version: String(mv.version),
    stage: toStage(mv.current_stage),
    source: mv.source ?? '',
    runId: mv.run_id || undefined,
    status,
    // Search results leave aliases out; the registered model's alias map fills them in.
    aliases: mv.aliases ?? Object.keys(aliases ?? {}).filter((a) => aliases?.[a] === String(mv.version)),
    tags: fromKeyValues(mv.tags),
    description: mv.description ?? '',
    creationTimestamp: mv.creation_timestamp ?? 0,
    lastUpdatedTimestamp: mv.last_updated_timestamp ?? mv.creation_timestamp ?? 0,
  };
}

export function toRegisteredModel(rm: MlflowRegisteredModel): RegisteredModel {
  const aliases: Record<string, string> = {};
  for (const { alias, version } of rm.aliases ?? []) aliases[alias] = String(version);
  return {
    name: rm.name,
    description: rm.description ?? '',
    tags: fromKeyValues(rm.tags),
    aliases,
    latestVersions: (rm.latest_versions ?? []).map((v) => toModelVersion(v, aliases)),
    creationTimestamp: rm.creation_timestamp ?? 0,
    lastUpdatedTimestamp: rm.last_updated_timestamp ?? rm.creation_timestamp ?? 0,
  };
}

export function toRun(run: MlflowRun): Run {
  const metrics: Record<string, number> = {};
  for (const m of run.data?.metrics ?? []) metrics[m.key] = Number(m.value);
  const tags = fromKeyValues(run.data?.tags);
  return {
    runId: run.info.run_id ?? run.info.run_uuid ?? '',
    experimentId: run.info.experiment_id,
    runName: run.info.run_name ?? tags['mlflow.runName'] ?? '',
    status: (run.info.status ?? 'RUNNING') as RunStatus,
    startTime: run.info.start_time ?? 0,
    endTime: run.info.end_time,
    artifactUri: run.info.artifact_uri ?? '',
    params: fromKeyValues(run.data?.params),
    metrics,
    tags,
  };
}

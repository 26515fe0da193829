import type {
  Dataset,
  DatasetInput,
  LoggedModel,
  ModelMetric,
  ModelVersion,
  RegisteredModel,
  Run,
  RunStatus,
  Stage,
} from './types';
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
  model_id?: string;
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
    metrics?: MlflowMetric[];
    params?: KeyValue[];
    tags?: KeyValue[];
  };
  inputs?: { dataset_inputs?: MlflowDatasetInput[] };
  outputs?: { model_outputs?: Array<{ model_id: string; step?: number | string }> };
}

/** MLflow's dataset JSON has the fields of mlctl's `Dataset`. */
export interface MlflowDatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

export interface MlflowMetric {
  key: string;
  /** A number, or "NaN" / "Infinity" as MLflow's JSON writes them. */
  value: number | string;
  timestamp?: number | string;
  step?: number | string;
  run_id?: string;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

/** MLflow 3's LoggedModel (`{info, data}`); int64 fields may arrive as strings. */
export interface MlflowLoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name?: string;
    creation_timestamp_ms?: number | string;
    last_updated_timestamp_ms?: number | string;
    artifact_uri?: string;
    status?: string;
    source_run_id?: string;
    tags?: KeyValue[];
  };
  data?: { params?: KeyValue[]; metrics?: MlflowMetric[] };
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
    // MLflow 3.17's own store drops a version's model_id; its source `models:/<id>` still names the model.
    ...(modelIdOf(mv) ? { model_id: modelIdOf(mv) } : {}),
    status,
    // Search results leave aliases out; the registered model's alias map fills them in.
    aliases: mv.aliases ?? Object.keys(aliases ?? {}).filter((a) => aliases?.[a] === String(mv.version)),
    tags: fromKeyValues(mv.tags),
    description: mv.description ?? '',
    creationTimestamp: mv.creation_timestamp ?? 0,
    lastUpdatedTimestamp: mv.last_updated_timestamp ?? mv.creation_timestamp ?? 0,
  };
}

function modelIdOf(mv: MlflowModelVersion): string | undefined {
  return mv.model_id || /^models:\/(m-[^/]+)$/.exec(mv.source ?? '')?.[1];
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
    inputs: { dataset_inputs: (run.inputs?.dataset_inputs ?? []).map(toDatasetInput) },
    outputs: {
      model_outputs: (run.outputs?.model_outputs ?? []).map((o) => ({
        model_id: o.model_id,
        step: Number(o.step ?? 0),
      })),
    },
  };
}

function toDatasetInput(input: MlflowDatasetInput): DatasetInput {
  const { name, digest, source_type, source, schema, profile } = input.dataset;
  return {
    dataset: { name, digest, source_type, source, schema, profile },
    tags: fromKeyValues(input.tags),
  };
}

const LOGGED_MODEL_STATUS: Record<string, LoggedModel['status']> = {
  LOGGED_MODEL_PENDING: 'PENDING',
  LOGGED_MODEL_READY: 'READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'FAILED',
};

export function toModelMetric(m: MlflowMetric): ModelMetric {
  return {
    key: m.key,
    value: Number(m.value),
    step: Number(m.step ?? 0),
    timestamp: Number(m.timestamp ?? 0),
    ...(m.run_id ? { run_id: m.run_id } : {}),
    ...(m.dataset_name ? { dataset_name: m.dataset_name, dataset_digest: m.dataset_digest ?? '' } : {}),
  };
}

export function toLoggedModel(model: MlflowLoggedModel): LoggedModel {
  const { info } = model;
  const created = Number(info.creation_timestamp_ms ?? 0);
  return {
    model_id: info.model_id,
    experiment_id: info.experiment_id,
    name: info.name ?? '',
    ...(info.source_run_id ? { source_run_id: info.source_run_id } : {}),
    status: LOGGED_MODEL_STATUS[info.status ?? ''] ?? 'PENDING',
    artifact_location: info.artifact_uri ?? '',
    params: fromKeyValues(model.data?.params),
    tags: fromKeyValues(info.tags),
    metrics: (model.data?.metrics ?? []).map(toModelMetric),
    creation_timestamp: created,
    last_updated_timestamp: Number(info.last_updated_timestamp_ms ?? created),
  };
}

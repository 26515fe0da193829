import { stringify } from 'yaml';
import type { TrainingTable } from '../data/training-table';
import type { ModelParams } from './model-file';
import { MODEL_FILE, MODEL_FORMAT } from './model-file';

export const MLMODEL_FILE = 'MLmodel';

export interface MlmodelInfo {
  mlctlVersion: string;
  params: ModelParams;
  data: { path: string; sha256: string; rows: number };
  features: readonly string[];
  classType: TrainingTable['classType'];
  /** 32 hex digits. */
  uuid: string;
  created: Date;
}

const OUTPUT_TYPE = { integer: 'long', number: 'double', string: 'string' } as const;

/**
 * MLflow's MLmodel file (YAML) with the `mlctl` flavor and a column signature, so MLflow's UI and
 * clients list the model properly. Every string is quoted: MLflow reads it with YAML 1.1, where an
 * unquoted `2026-11-27 00:00:00` would become a timestamp.
 */
export function formatMlmodel(info: MlmodelInfo): string {
  // MLflow's own spacing (Python's json.dumps), so the file reads like one MLflow wrote.
  const inputs = info.features.map(
    (name) => `{"type": "double", "name": ${JSON.stringify(name)}, "required": true}`,
  );
  const doc = {
    artifact_path: 'model',
    flavors: {
      mlctl: {
        mlctl_version: info.mlctlVersion,
        model_file: MODEL_FILE,
        format: MODEL_FORMAT,
        params: info.params,
        data: info.data,
      },
    },
    model_uuid: info.uuid,
    utc_time_created: info.created.toISOString().replace('T', ' ').replace('Z', '000'),
    signature: {
      inputs: `[${inputs.join(', ')}]`,
      outputs: `[{"type": "${OUTPUT_TYPE[info.classType]}", "required": true}]`,
      params: null,
    },
  };
  return stringify(doc, { defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

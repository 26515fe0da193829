import { stringify } from 'yaml';
import type { FeatureSpec, TrainingTable } from '../data/training-table';
import type { ModelParams } from './model-file';
import { MODEL_FILE, MODEL_FORMAT } from './model-file';
import { SAVED_INPUT_EXAMPLE_INFO, pythonFunctionFlavor } from './python-flavor';
import type { PythonFlavor } from './python-flavor';

export const MLMODEL_FILE = 'MLmodel';

export interface MlmodelInfo {
  mlctlVersion: string;
  params: ModelParams;
  data: { path: string; sha256: string; rows: number };
  /** Each feature's type, in model order: MLflow's column type and `required` follow from it. */
  specs: readonly FeatureSpec[];
  /** Regression models output a double. */
  task: TrainingTable['task'];
  classType: TrainingTable['classType'];
  /** 32 hex digits. */
  uuid: string;
  created: Date;
}

const OUTPUT_TYPE = { integer: 'long', number: 'double', string: 'string' } as const;

/**
 * MLflow's MLmodel file (YAML) with the `mlctl` flavor and a column signature, so MLflow's UI and
 * clients list the model properly, and the `python_function` flavor with the input example, so MLflow's
 * tools load and serve it. Every string is quoted: MLflow reads it with YAML 1.1, where an unquoted
 * `2026-11-27 00:00:00` would become a timestamp. The Python parts come after format 1's lines.
 */
export function formatMlmodel(info: MlmodelInfo, python: PythonFlavor): string {
  // MLflow's own spacing (Python's json.dumps), so the file reads like one MLflow wrote.
  const inputs = info.specs.map(
    (spec) =>
      `{"type": "${columnType(spec)}", "name": ${JSON.stringify(spec.name)}, "required": ${spec.nullable ? 'false' : 'true'}}`,
  );
  const output = info.task === 'regression' ? 'double' : OUTPUT_TYPE[info.classType];
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
      python_function: pythonFunctionFlavor(python),
    },
    model_uuid: info.uuid,
    utc_time_created: info.created.toISOString().replace('T', ' ').replace('Z', '000'),
    signature: {
      inputs: `[${inputs.join(', ')}]`,
      outputs: `[{"type": "${output}", "required": true}]`,
      params: null,
    },
    saved_input_example_info: SAVED_INPUT_EXAMPLE_INFO,
  };
  return stringify(doc, { defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

/**
 * MLflow's column type of a feature: double, or string / long for text / integer categories. A nullable
 * integer category is `double`: MLflow's schema enforcement refuses a missing value in a `long` column
 * (a NaN column, and pandas' Int64 with NA alike), and the loaders compare integer categories by value.
 */
export function columnType(spec: FeatureSpec): 'double' | 'string' | 'long' {
  if (spec.type === 'numeric') return 'double';
  if (!(spec.categories ?? []).every((c) => typeof c === 'number')) return 'string';
  return spec.nullable ? 'double' : 'long';
}

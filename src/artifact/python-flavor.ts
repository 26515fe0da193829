import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureSpec } from '../data/feature-types';
import {
  INPUT_EXAMPLE_FILE,
  SERVING_INPUT_EXAMPLE_FILE,
  inputExample,
  inputExampleJson,
  servingInputExampleJson,
} from './input-example';
import type { ReferenceRows } from './write';

/**
 * The repository's (and the installed package's) python/ directory, the one source of the Python
 * loader: the same path from src/artifact (tests) and dist/artifact (the CLI).
 */
export const PYTHON_DIR = join(__dirname, '..', '..', 'python');
/** The flavor's loader_module, shipped as code/<module>.py. */
export const PYFUNC_MODULE = 'mlctl_pyfunc';
export const CODE_DIR = 'code';
export const PYTHON_ENV_FILE = 'python_env.yaml';
export const REQUIREMENTS_FILE = 'requirements.txt';

/** What MLmodel says of the Python side: the flavor's Python version, and that an example exists. */
export interface PythonFlavor {
  pythonVersion: string;
}

/**
 * Writes the files of MLflow's `python_function` flavor into an artifact being written: the loader
 * (python/mlctl_pyfunc.py, as code/mlctl_pyfunc.py), python_env.yaml and requirements.txt as they are
 * in python/, and the input example taken from the training rows (docs/ARTIFACT.md, "Python").
 */
export async function writePythonFlavor(
  dir: string,
  reference: ReferenceRows,
  specs: readonly FeatureSpec[],
): Promise<PythonFlavor> {
  await mkdir(join(dir, CODE_DIR));
  await copyFile(join(PYTHON_DIR, `${PYFUNC_MODULE}.py`), join(dir, CODE_DIR, `${PYFUNC_MODULE}.py`));
  await copyFile(join(PYTHON_DIR, REQUIREMENTS_FILE), join(dir, REQUIREMENTS_FILE));
  const env = await readFile(join(PYTHON_DIR, PYTHON_ENV_FILE), 'utf8');
  await writeFile(join(dir, PYTHON_ENV_FILE), env);
  const example = inputExample(reference, specs);
  await writeFile(join(dir, INPUT_EXAMPLE_FILE), inputExampleJson(example));
  await writeFile(join(dir, SERVING_INPUT_EXAMPLE_FILE), servingInputExampleJson(example));
  // From the text: YAML would read `python: 3.10` as the number 3.1.
  const version = /^python:\s*['"]?(\d+(?:\.\d+)*)['"]?\s*$/m.exec(env)?.[1];
  if (version === undefined) throw new Error(`${join(PYTHON_DIR, PYTHON_ENV_FILE)} names no python version`);
  return { pythonVersion: version };
}

/** MLmodel's `python_function` flavor, keys in MLflow's (sorted) order. */
export function pythonFunctionFlavor(python: PythonFlavor): Record<string, unknown> {
  return {
    code: CODE_DIR,
    env: { virtualenv: PYTHON_ENV_FILE },
    loader_module: PYFUNC_MODULE,
    python_version: python.pythonVersion,
  };
}

/** MLmodel's `saved_input_example_info`, as MLflow's `_Example` records a DataFrame example. */
export const SAVED_INPUT_EXAMPLE_INFO = {
  artifact_path: INPUT_EXAMPLE_FILE,
  pandas_orient: 'split',
  serving_input_path: SERVING_INPUT_EXAMPLE_FILE,
  type: 'dataframe',
} as const;

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MlctlError, fromFsError } from '../../errors';
import { verifyChecksums } from '../../artifact/checksums';

/** One column of MLflow's column signature (`{"type": "double", "name": "x", "required": true}`). */
export interface ColSpec {
  type: string;
  name?: string;
  required?: boolean;
}

/** What a registry records about a model artifact (docs/ARTIFACT.md): run params, metrics, tags, datasets. */
export interface ArtifactSummary {
  /** `flavors.mlctl.params`, flattened (`a.b`) and as strings, as MLflow stores params. */
  params: Record<string, string>;
  /** Every top-level finite number of metrics.json. */
  metrics: Record<string, number>;
  datasetSha256?: string;
  datasetPath?: string;
  /** Rows of the data file (`flavors.mlctl.data.rows`). */
  datasetRows?: number;
  /** The train/test split: rows of each side (metrics.json `rows`), its test size and seed (params). */
  split?: { train: number; test: number; testSize?: number; seed?: number };
  /** The signature's input columns, then the target column (model.json `target`, the output's type). */
  columns?: ColSpec[];
  modelUuid?: string;
}

/** Verifies an artifact directory's checksums and reads its MLmodel and metrics.json. */
export async function readArtifactSummary(modelDir: string): Promise<ArtifactSummary> {
  const info = await stat(modelDir).catch((err: unknown) => {
    throw fromFsError(err, 'model directory', modelDir);
  });
  if (!info.isDirectory()) {
    throw new MlctlError('INPUT_INVALID', `--model-dir is not a directory: ${modelDir}`, {
      hint: 'Pass the directory `mlctl train` wrote (it holds MLmodel, model.json, metrics.json, SHA256SUMS).',
    });
  }
  await verifyChecksums(modelDir);
  const { mapping: mlmodel, text } = await readYamlMapping(join(modelDir, 'MLmodel'));
  const flavor = (mlmodel.flavors as Record<string, unknown> | undefined)?.mlctl as
    Record<string, unknown> | undefined;
  if (!isMapping(flavor)) {
    throw new MlctlError('ARTIFACT_INVALID', `${join(modelDir, 'MLmodel')} has no \`mlctl\` flavor`, {
      hint: 'mlctl registers the artifacts `mlctl train` writes (docs/ARTIFACT.md).',
    });
  }
  const data = isMapping(flavor.data) ? flavor.data : {};
  const params = isMapping(flavor.params) ? flavor.params : {};
  const metrics = await readJson(join(modelDir, 'metrics.json'));
  const rows = isMapping(metrics) && isMapping(metrics.rows) ? metrics.rows : {};
  return {
    params: flatten(params),
    metrics: numbers(metrics),
    datasetSha256: typeof data.sha256 === 'string' ? data.sha256 : undefined,
    datasetPath: typeof data.path === 'string' ? data.path : undefined,
    datasetRows: count(data.rows),
    split:
      count(rows.train) !== undefined && count(rows.test) !== undefined
        ? {
            train: rows.train as number,
            test: rows.test as number,
            testSize: typeof params.test_size === 'number' ? params.test_size : undefined,
            seed: count(params.seed),
          }
        : undefined,
    columns: await readColumns(modelDir, mlmodel.signature),
    // From the text: YAML would read an all-digit hex uuid as a number and drop its leading zeros.
    modelUuid: /^model_uuid:\s*['"]?([0-9a-f]{32})['"]?\s*$/m.exec(text)?.[1],
  };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readYamlMapping(path: string): Promise<{ mapping: Record<string, unknown>; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new MlctlError('ARTIFACT_INVALID', `the model artifact has no MLmodel file: ${path}`, {
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new MlctlError('ARTIFACT_INVALID', `${path} is not valid YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!isMapping(parsed)) throw new MlctlError('ARTIFACT_INVALID', `${path} is not a YAML mapping`);
  return { mapping: parsed, text };
}

/** metrics.json, parsed; undefined when absent (metrics are optional for a registry). */
async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MlctlError('ARTIFACT_INVALID', `${path} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function numbers(parsed: unknown): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (isMapping(parsed)) {
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
    }
  }
  return metrics;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * The data's columns as MLflow's schema lists them: the signature's inputs, then the target (named in
 * model.json, typed by the signature's output). Undefined when the signature is missing or unreadable:
 * a dataset is then logged without a schema.
 */
async function readColumns(modelDir: string, signature: unknown): Promise<ColSpec[] | undefined> {
  if (!isMapping(signature) || typeof signature.inputs !== 'string') return undefined;
  const inputs = parseColSpecs(signature.inputs);
  if (!inputs) return undefined;
  const outputs = typeof signature.outputs === 'string' ? parseColSpecs(signature.outputs) : undefined;
  const model = await readJson(join(modelDir, 'model.json')).catch(() => undefined);
  const target = isMapping(model) && typeof model.target === 'string' ? model.target : undefined;
  const output = outputs?.length === 1 ? outputs[0] : undefined;
  if (target === undefined || output === undefined) return inputs;
  return [...inputs, { type: output.type, name: target, required: true }];
}

function parseColSpecs(text: string): ColSpec[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((c) => isMapping(c) && typeof c.type === 'string')) {
      return parsed as ColSpec[];
    }
  } catch {
    // Not MLflow's JSON signature: leave the schema out.
  }
  return undefined;
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isMapping(v)) Object.assign(out, flatten(v, name));
    else out[name] = v === null ? 'None' : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

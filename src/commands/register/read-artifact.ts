import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MlctlError, fromFsError } from '../../errors';
import { verifyChecksums } from '../../artifact/checksums';

/** What a registry records about a model artifact (docs/ARTIFACT.md): run params, metrics and tags. */
export interface ArtifactSummary {
  /** `flavors.mlctl.params`, flattened (`a.b`) and as strings, as MLflow stores params. */
  params: Record<string, string>;
  /** Every top-level finite number of metrics.json. */
  metrics: Record<string, number>;
  datasetSha256?: string;
  datasetPath?: string;
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
  return {
    params: flatten(isMapping(flavor.params) ? flavor.params : {}),
    metrics: await readMetrics(join(modelDir, 'metrics.json')),
    datasetSha256: typeof data.sha256 === 'string' ? data.sha256 : undefined,
    datasetPath: typeof data.path === 'string' ? data.path : undefined,
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

async function readMetrics(path: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return {}; // metrics are optional for a registry; ARTIFACT.md writers always include them
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MlctlError('ARTIFACT_INVALID', `${path} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const metrics: Record<string, number> = {};
  if (isMapping(parsed)) {
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
    }
  }
  return metrics;
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

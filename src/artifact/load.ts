import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MlctlError, fromFsError } from '../errors';
import { METRICS_FILE } from './write';
import type { ModelMetrics } from './write';
import { verifyChecksums } from './checksums';
import { importMlRandomForest } from './mljs';
import {
  MODEL_FILE,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  TREES_FILE,
  checkTrees,
  decodeTrees,
  treesFromJson,
} from './model-file';
import type { ModelDocument, ModelParams } from './model-file';
import { Predictor } from '../forest/predictor';
import type { ClassLabel } from '../forest/predictor';

/** A model ready to predict, and what is known about it. */
export interface LoadedModel {
  format: typeof MODEL_FORMAT | 'ml-random-forest';
  /** The directory (mlctl artifact) or file (ml.js JSON) it was loaded from. */
  path: string;
  predictor: Predictor;
  features: readonly string[];
  classes: readonly ClassLabel[];
  /** The target column's name (mlctl artifacts). */
  target?: string;
  params?: ModelParams;
  /** metrics.json of the training run (mlctl artifacts). */
  metrics?: ModelMetrics;
}

export interface LoadModelOptions {
  /** Feature names for an ml.js JSON model, which does not store them (default feature_0..n-1). */
  features?: string[];
}

/**
 * Loads a model: an mlctl artifact directory — its checksums verified before anything is parsed, so a
 * corrupt or tampered model never predicts — or an ml-random-forest `toJSON()` file.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw fromFsError(err, 'model', path);
  }
  if (!info.isDirectory()) return loadJsonModel(path, options);

  await verifyChecksums(path);
  const doc = (await readJson(join(path, MODEL_FILE))) as ModelDocument & { forest: { trees?: unknown } };
  const where = join(path, MODEL_FILE);
  if (doc?.format !== MODEL_FORMAT || typeof doc.format_version !== 'number') {
    throw new MlctlError(
      'MODEL_UNSUPPORTED',
      `${where} is not an mlctl model (format ${JSON.stringify(doc?.format)})`,
    );
  }
  if (doc.format_version > MODEL_FORMAT_VERSION) {
    throw new MlctlError(
      'MODEL_UNSUPPORTED',
      `${where} has format version ${doc.format_version}; this mlctl reads up to ${MODEL_FORMAT_VERSION}`,
      {
        hint: 'Upgrade mlctl to load this model.',
      },
    );
  }
  const { forest: meta } = doc;
  const K = meta.n_classes;
  if (
    !Array.isArray(doc.features) ||
    doc.features.length !== meta.n_features ||
    !Array.isArray(doc.classes) ||
    doc.classes.length !== K
  ) {
    throw new MlctlError('ARTIFACT_INVALID', `${where}: features or classes do not match the forest`);
  }
  const trees =
    meta.storage === 'inline'
      ? treesFromJson(meta.trees, K, where)
      : decodeTrees(await readBytes(join(path, TREES_FILE)), meta.node_counts, K, join(path, TREES_FILE));
  checkTrees(trees, meta.n_features, where);
  const predictor = new Predictor({
    features: doc.features,
    classes: doc.classes,
    forest: { nFeatures: meta.n_features, nClasses: K, trees },
  });
  const metrics = (await readJson(join(path, METRICS_FILE), true)) as ModelMetrics | undefined;
  return {
    format: MODEL_FORMAT,
    path,
    predictor,
    features: doc.features,
    classes: doc.classes,
    target: doc.target,
    params: doc.params,
    metrics,
  };
}

async function loadJsonModel(path: string, options: LoadModelOptions): Promise<LoadedModel> {
  const json = (await readJson(path)) as { name?: unknown; format?: unknown };
  if (json?.name === 'RFClassifier') {
    const definition = importMlRandomForest(json, options.features, path);
    return {
      format: 'ml-random-forest',
      path,
      predictor: new Predictor(definition),
      features: definition.features,
      classes: definition.classes,
    };
  }
  const hint =
    json?.format === MODEL_FORMAT
      ? 'This is the model.json of an mlctl artifact: pass the artifact directory, so its checksums are verified.'
      : 'Pass an mlctl model directory (written by `mlctl train`) or a JSON file from ml-random-forest RandomForestClassifier#toJSON().';
  throw new MlctlError('MODEL_UNSUPPORTED', `${path} is not a model mlctl can load`, { hint });
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new MlctlError('ARTIFACT_INVALID', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function readJson(path: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fromFsError(err, 'model file', path);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MlctlError('MODEL_UNSUPPORTED', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

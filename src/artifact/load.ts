import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MlctlError, fromFsError } from '../errors';
import { readWholeFile } from '../io/read-whole';
import { METRICS_FILE } from './write';
import type { ModelMetrics } from './write';
import { verifyChecksums } from './checksums';
import { MODEL_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, TREES_FILE } from './model-file';
import type { FeatureInfo, ModelDocument, ModelParams } from './model-file';
import { completeDecodedTrees, decodeTrees, decodeTreesV1 } from './trees-bin';
import { checkTrees, treesFromJson } from './trees-read';
import { Predictor } from '../forest/predictor';
import type { ClassLabel } from '../forest/predictor';
import type { Task, ValueLayout } from '../forest/tree-arrays';

/** A model ready to predict, and what is known about it. */
export interface LoadedModel {
  format: typeof MODEL_FORMAT | 'ml-random-forest';
  /** The directory (mlctl artifact) or file (ml.js JSON) it was loaded from. */
  path: string;
  task: Task;
  predictor: Predictor;
  features: readonly string[];
  /** Categorical and nullable features (absent: numeric, never missing in training). */
  featureInfo: Readonly<Record<string, FeatureInfo>>;
  /** Texts read as missing besides the empty cell. */
  naValues: readonly string[];
  /** Class labels (empty for regression). */
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
 * Loads a model: an mlctl artifact directory — its checksums verified, so a corrupt or tampered model
 * never predicts — or an ml-random-forest `toJSON()` file. The files are read for their checksums while
 * the trees are decoded; nothing is returned before the verification passes, and its failure is the
 * error reported, whatever the decoding made of the damaged files.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw fromFsError(err, 'model', path);
  }
  if (!info.isDirectory()) return loadJsonModel(path, options);

  const trees = readWholeFile(join(path, TREES_FILE));
  trees.catch(() => undefined);
  const verified = verifyChecksums(path, { [TREES_FILE]: trees });
  verified.catch(() => undefined);
  let model: LoadedModel | undefined;
  let failure: unknown;
  try {
    model = await loadArtifact(path, trees);
  } catch (err) {
    failure = err;
  }
  await verified;
  if (model === undefined) throw failure;
  return model;
}

/** An artifact directory's model (its checksums are checked beside it, by loadModel). */
async function loadArtifact(path: string, treesBytes: Promise<Uint8Array>): Promise<LoadedModel> {
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
      { hint: 'Upgrade mlctl to load this model.' },
    );
  }
  const { forest: meta } = doc;
  const task: Task = doc.task === 'regression' ? 'regression' : 'classification';
  const classes = task === 'regression' ? [] : (doc.classes ?? []);
  const K = task === 'regression' ? 1 : meta?.n_classes;
  const featureInfo = doc.feature_info ?? {};
  if (
    !meta ||
    !Array.isArray(doc.features) ||
    doc.features.length !== meta.n_features ||
    !Array.isArray(meta.node_counts) ||
    (task === 'classification' && (!Array.isArray(doc.classes) || doc.classes.length !== K || !(K >= 1))) ||
    (meta.class_weight !== undefined &&
      (!Array.isArray(meta.class_weight) || meta.class_weight.length !== K)) ||
    typeof featureInfo !== 'object'
  ) {
    throw new MlctlError('ARTIFACT_INVALID', `${where}: features or classes do not match the forest`);
  }
  const classWeight = meta.class_weight ? Float64Array.from(meta.class_weight) : undefined;
  const layout: ValueLayout = { task, K: K as number, ...(classWeight ? { classWeight } : {}) };
  const categories = doc.features.map((name) => categoryCount(featureInfo[name], where, name));
  const bin = join(path, TREES_FILE);
  const trees =
    meta.storage === 'inline'
      ? treesFromJson(meta.trees, layout, where)
      : doc.format_version === 1
        ? decodeTreesV1(await readBytes(bin, treesBytes), meta.node_counts, K as number, bin)
        : decodeTrees(
            await readBytes(bin, treesBytes),
            {
              nodeCounts: meta.node_counts,
              layout,
              dtype: meta.leaf_count_dtype as never,
              ...(meta.category_words ? { categoryWords: meta.category_words } : {}),
            },
            bin,
          );
  checkTrees(trees, categories, where);
  if (meta.storage !== 'inline' && doc.format_version > 1) completeDecodedTrees(trees, layout);
  const predictor = new Predictor({
    features: doc.features,
    classes,
    forest: {
      task,
      nFeatures: meta.n_features,
      nClasses: K as number,
      ...(classWeight ? { classWeight } : {}),
      trees,
    },
  });
  const metrics = (await readJson(join(path, METRICS_FILE), true)) as ModelMetrics | undefined;
  return {
    format: MODEL_FORMAT,
    path,
    task,
    predictor,
    features: doc.features,
    featureInfo,
    naValues: doc.na_values ?? [],
    classes,
    target: doc.target,
    params: doc.params,
    metrics,
  };
}

/** A categorical feature's number of categories (0: numeric), checked. */
function categoryCount(info: FeatureInfo | undefined, where: string, name: string): number {
  if (info === undefined || info.type === 'numeric') return 0;
  const n = Array.isArray(info.categories) ? info.categories.length : 0;
  if (info.type !== 'categorical' || n === 0) {
    throw new MlctlError(
      'ARTIFACT_INVALID',
      `${where}: feature_info of "${name}" is not a numeric or categorical feature with categories`,
    );
  }
  return n;
}

async function loadJsonModel(path: string, options: LoadModelOptions): Promise<LoadedModel> {
  const json = (await readJson(path)) as { name?: unknown; format?: unknown };
  if (json?.name === 'RFClassifier') {
    // ml-random-forest is loaded for ml.js files only: artifacts never need it.
    const { importMlRandomForest } = await import('./mljs');
    const definition = importMlRandomForest(json, options.features, path);
    return {
      format: 'ml-random-forest',
      path,
      task: 'classification',
      predictor: new Predictor(definition),
      features: definition.features,
      featureInfo: {},
      naValues: [],
      classes: definition.classes,
    };
  }
  const hint =
    json?.format === MODEL_FORMAT
      ? 'This is the model.json of an mlctl artifact: pass the artifact directory, so its checksums are verified.'
      : 'Pass an mlctl model directory (written by `mlctl train`) or a JSON file from ml-random-forest RandomForestClassifier#toJSON().';
  throw new MlctlError('MODEL_UNSUPPORTED', `${path} is not a model mlctl can load`, { hint });
}

async function readBytes(path: string, reading: Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await reading;
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

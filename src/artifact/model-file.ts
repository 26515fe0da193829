import type { FeatureSpec } from '../data/feature-types';
import type { Forest } from '../forest/forest';
import type { ClassLabel } from '../forest/predictor';
import { FLAG_CATEGORICAL, FLAG_MISSING_LEFT, largerChildIsLeft } from '../forest/tree-arrays';
import type { TreeArrays, ValueLayout } from '../forest/tree-arrays';
import { formatJson } from './json-text';
import { leafCountDtype } from './trees-bin';
import type { LeafCountDtype } from './trees-bin';

export const MODEL_FORMAT = 'mlctl-random-forest';
/** docs/ARTIFACT.md: 2 adds categorical features, missing values, regression and the compact trees.bin. */
export const MODEL_FORMAT_VERSION = 2;
export const MODEL_FILE = 'model.json';
export const TREES_FILE = 'trees.bin';
/** Forests up to this many nodes keep their trees in model.json, one line per tree; larger ones use trees.bin. */
export const INLINE_NODE_LIMIT = 20_000;

/** The hyper-parameters as written to model.json and MLmodel (scikit-learn's names). */
export interface ModelParams {
  n_estimators: number;
  max_depth: number | null;
  max_features: string | number;
  /** max_features resolved against the number of features: features drawn at each split. */
  max_features_count: number;
  min_samples_leaf: number;
  bootstrap: true;
  criterion: 'gini' | 'squared_error';
  /** Written only when set. */
  class_weight?: 'balanced';
  max_bins: number;
  seed: number;
  test_size: number;
}

/** A feature that is not plain numeric-without-gaps (model.json's `feature_info`). */
export interface FeatureInfo {
  type: 'numeric' | 'categorical';
  nullable: boolean;
  /** Categorical: the categories; a category's code is its index. */
  categories?: ClassLabel[];
}

export interface ForestMeta {
  n_features: number;
  n_classes?: number;
  class_weight?: number[];
  node_counts: number[];
  storage: 'inline' | 'trees.bin';
  leaf_count_dtype?: LeafCountDtype;
  category_words?: number[];
}

/** model.json, without the trees; optional fields are absent at their defaults (docs/ARTIFACT.md). */
export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  format_version: number;
  task?: 'regression';
  features: string[];
  feature_info?: Record<string, FeatureInfo>;
  na_values?: string[];
  target: string;
  classes?: ClassLabel[];
  params: ModelParams;
  forest: ForestMeta;
}

/** How the values of a forest's trees read. */
export function layoutOfForest(forest: Forest): ValueLayout {
  return {
    task: forest.task,
    K: forest.nClasses,
    ...(forest.classWeight ? { classWeight: forest.classWeight } : {}),
  };
}

/**
 * Whether the trees need their `flags`: some split is categorical, or sends missing values against the
 * larger-cover rule a reader applies without them. Never for numeric data without gaps.
 */
export function needsFlags(forest: Forest): boolean {
  const layout = layoutOfForest(forest);
  return forest.trees.some((t) => {
    if (!t.flags) return false;
    for (let i = 0; i < t.feature.length; i++) {
      if ((t.feature[i] as number) < 0) continue;
      const f = t.flags[i] as number;
      if (f & FLAG_CATEGORICAL) return true;
      if (((f & FLAG_MISSING_LEFT) !== 0) !== largerChildIsLeft(t, i, layout)) return true;
    }
    return false;
  });
}

/**
 * model.json's text and, for a large forest, whether trees.bin must be written beside it
 * (trees-bin.ts). Deterministic: same forest, same bytes. Key order is format 1's, new keys where they
 * belong, so a format-1-shaped model differs only in its version.
 */
export function encodeModel(
  doc: Omit<ModelDocument, 'forest'>,
  forest: Forest,
): { json: string; treesBin: boolean } {
  const nodeCounts = forest.trees.map((t) => t.feature.length);
  const total = nodeCounts.reduce((a, b) => a + b, 0);
  const storage = total <= INLINE_NODE_LIMIT ? 'inline' : 'trees.bin';
  const flags = needsFlags(forest);
  const words = forest.trees.map((t) => t.categoryBits?.length ?? 0);
  const meta: ForestMeta = {
    n_features: forest.nFeatures,
    ...(forest.task === 'classification' ? { n_classes: forest.nClasses } : {}),
    ...(forest.classWeight ? { class_weight: Array.from(forest.classWeight) } : {}),
    node_counts: nodeCounts,
    storage,
    ...(storage === 'trees.bin' ? { leaf_count_dtype: leafCountDtype(forest) } : {}),
    ...(storage === 'trees.bin' && words.some((w) => w > 0) ? { category_words: words } : {}),
  };
  const ordered = {
    format: doc.format,
    format_version: doc.format_version,
    task: doc.task,
    features: doc.features,
    feature_info: doc.feature_info,
    na_values: doc.na_values,
    target: doc.target,
    classes: doc.classes,
    params: doc.params,
  };
  if (storage === 'trees.bin') {
    return { json: `${formatJson({ ...ordered, forest: meta })}\n`, treesBin: true };
  }
  // One line per tree: readable and diffable, where one number per line would run to thousands of lines.
  const marker = '"@trees@"';
  const text = formatJson({ ...ordered, forest: { ...meta, trees: '@trees@' } });
  const trees = forest.trees.map((t) => JSON.stringify(treeJson(t, flags)));
  return { json: `${text.replace(marker, `[\n      ${trees.join(',\n      ')}\n    ]`)}\n`, treesBin: false };
}

function treeJson(t: TreeArrays, flags: boolean): Record<string, number[]> {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    ...(flags && t.flags ? { flags: Array.from(t.flags) } : {}),
    ...(t.categoryBits && t.categoryBits.length > 0 ? { category_bits: Array.from(t.categoryBits) } : {}),
    value: Array.from(t.value),
    ...(t.cover ? { cover: Array.from(t.cover) } : {}),
  };
}

/** model.json's feature_info: only features that are categorical or nullable (docs/ARTIFACT.md). */
export function featureInfo(specs: readonly FeatureSpec[]): { feature_info?: Record<string, FeatureInfo> } {
  const info: Record<string, FeatureInfo> = {};
  for (const s of specs) {
    if (s.type === 'numeric' && !s.nullable) continue;
    info[s.name] = {
      type: s.type,
      nullable: s.nullable,
      ...(s.categories ? { categories: s.categories } : {}),
    };
  }
  return Object.keys(info).length > 0 ? { feature_info: info } : {};
}

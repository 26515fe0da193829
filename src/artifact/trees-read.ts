import { MlctlError } from '../errors';
import { FLAG_CATEGORICAL } from '../forest/tree-arrays';
import type { TreeArrays, ValueLayout } from '../forest/tree-arrays';

/** Trees as model.json holds them inline (docs/ARTIFACT.md, "Storage"). */
export function treesFromJson(value: unknown, layout: ValueLayout, where: string): TreeArrays[] {
  if (!Array.isArray(value)) throw new MlctlError('ARTIFACT_INVALID', `${where}: forest.trees is not a list`);
  return value.map((t: Record<string, unknown>, i) => {
    const list = (name: string): number[] => numbers(t?.[name], `${where}: tree ${i}.${name}`);
    const optional = (name: string): number[] | undefined =>
      t?.[name] === undefined ? undefined : list(name);
    const flags = optional('flags');
    const bits = optional('category_bits');
    const cover = optional('cover');
    const tree: TreeArrays = {
      feature: Int32Array.from(list('feature')),
      threshold: Float64Array.from(list('threshold')),
      left: Int32Array.from(list('left')),
      right: Int32Array.from(list('right')),
      value: Float64Array.from(list('value')),
      ...(flags ? { flags: Uint8Array.from(flags) } : {}),
      ...(bits ? { categoryBits: Uint32Array.from(bits) } : {}),
      ...(cover ? { cover: Float64Array.from(cover) } : {}),
    };
    const size = tree.feature.length;
    if (tree.value.length !== size * layout.K) {
      throw new MlctlError(
        'ARTIFACT_INVALID',
        `${where}: tree ${i} has ${tree.value.length} values for ${size} nodes × ${layout.K}`,
      );
    }
    if (layout.task === 'regression' && tree.cover?.length !== size) {
      throw new MlctlError('ARTIFACT_INVALID', `${where}: tree ${i} needs one cover per node (regression)`);
    }
    return tree;
  });
}

function numbers(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new MlctlError('ARTIFACT_INVALID', `${where} is not a list of numbers`);
  }
  return value as number[];
}

/**
 * Every node's children lie after it and inside the tree, split features exist, and a categorical
 * split is on a categorical feature with all its words present: no loops, no reads past the arrays.
 * `categories[f]` is feature f's number of categories (0: numeric).
 */
export function checkTrees(trees: readonly TreeArrays[], categories: readonly number[], where: string): void {
  const nFeatures = categories.length;
  trees.forEach((t, ti) => {
    const size = t.feature.length;
    const same = (a: ArrayLike<number> | undefined): boolean => a === undefined || a.length === size;
    if (size === 0 || !same(t.threshold) || !same(t.left) || !same(t.right) || !same(t.flags)) {
      throw new MlctlError('ARTIFACT_INVALID', `${where}: tree ${ti} has inconsistent node arrays`);
    }
    const words = t.categoryBits?.length ?? 0;
    for (let i = 0; i < size; i++) {
      const f = t.feature[i] as number;
      if (f < 0) continue;
      const l = t.left[i] as number;
      const r = t.right[i] as number;
      const categorical = t.flags !== undefined && ((t.flags[i] as number) & FLAG_CATEGORICAL) !== 0;
      const at = t.threshold[i] as number;
      const C = categories[f] ?? 0;
      const badSplit = categorical
        ? C === 0 || !Number.isInteger(at) || at < 0 || at + Math.ceil(C / 32) > words
        : C > 0 || Number.isNaN(at);
      if (f >= nFeatures || l <= i || r <= i || l >= size || r >= size || badSplit) {
        throw new MlctlError(
          'ARTIFACT_INVALID',
          `${where}: tree ${ti} node ${i} is malformed (feature ${f}, children ${l}, ${r})`,
        );
      }
    }
  });
}

import type { Forest } from '../forest/forest';
import { forestOutputs } from '../forest/batch';
import { createRng } from '../forest/random';
import { nodeCover } from '../forest/tree-arrays';
import type { ValueLayout } from '../forest/tree-arrays';

/**
 * Mean decrease in impurity (scikit-learn's feature_importances_): per tree, each split's weighted
 * impurity decrease credited to its feature, normalised to sum 1; averaged over trees, normalised again.
 * Gini from the class-weighted counts; for regression the squared-error decrease of a split is
 * n_l·n_r/n·(ȳ_l − ȳ_r)², exact from the stored means and covers.
 */
export function impurityImportance(forest: Forest): number[] {
  const layout: ValueLayout = {
    task: forest.task,
    K: forest.nClasses,
    ...(forest.classWeight ? { classWeight: forest.classWeight } : {}),
  };
  const total = new Float64Array(forest.nFeatures);
  for (const tree of forest.trees) {
    const mine = new Float64Array(forest.nFeatures);
    const gini = (i: number): number => {
      const cover = nodeCover(tree, i, layout);
      let sum = 0;
      for (let c = 0; c < layout.K; c++) {
        const p = ((tree.value[i * layout.K + c] as number) * (layout.classWeight?.[c] ?? 1)) / cover;
        sum += p * p;
      }
      return cover * (1 - sum);
    };
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i] as number;
      if (f < 0) continue;
      const l = tree.left[i] as number;
      const r = tree.right[i] as number;
      let decrease: number;
      if (layout.task === 'regression') {
        const cl = nodeCover(tree, l, layout);
        const cr = nodeCover(tree, r, layout);
        const gap = (tree.value[l] as number) - (tree.value[r] as number);
        decrease = ((cl * cr) / (cl + cr)) * gap * gap;
      } else decrease = gini(i) - gini(l) - gini(r);
      mine[f] = (mine[f] as number) + decrease;
    }
    const sum = mine.reduce((a, b) => a + b, 0);
    if (sum <= 0) continue;
    for (let f = 0; f < mine.length; f++) total[f] = (total[f] as number) + (mine[f] as number) / sum;
  }
  const sum = total.reduce((a, b) => a + b, 0);
  return Array.from(total, (v) => (sum > 0 ? v / sum : 0));
}

/**
 * Permutation importance (scikit-learn's permutation_importance with the model's own score): how much
 * the score drops when one feature's values are shuffled among the rows, mean and spread over `repeats`
 * shuffles. `score` reads the outputs (K per row) of the rows in order.
 */
export function permutationImportance(
  forest: Forest,
  columns: readonly Float64Array[],
  score: (outputs: Float64Array) => number,
  repeats: number,
  seed: number,
): Array<{ mean: number; std: number }> {
  const n = columns[0]?.length ?? 0;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const base = score(forestOutputs(forest, columns, rows));
  // A stream of its own (training's trees use 1 … T): the report is the same for the same model.
  const random = createRng(seed, 0x7265706f);
  return columns.map((column, f) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const shuffled = column.slice();
      for (let i = n - 1; i > 0; i--) {
        const j = random.nextInt(i + 1);
        const t = shuffled[i] as number;
        shuffled[i] = shuffled[j] as number;
        shuffled[j] = t;
      }
      const permuted = columns.map((c, g) => (g === f ? shuffled : c));
      drops.push(base - score(forestOutputs(forest, permuted, rows)));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / repeats);
    return { mean, std };
  });
}

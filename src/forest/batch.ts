import type { Forest } from './forest';
import { leafOf } from './tree-arrays';
import type { ValueLayout } from './tree-arrays';

/** Rows per block: copied row-major, then sent down one tree after another while the tree is in cache. */
const BLOCK = 1024;

/**
 * The forest's outputs for many rows (K per row, as `Predictor.predictRows`, to the last bit: the
 * same leaves, the same normalisation in class order, the same sums in tree order), walked on the
 * trees as trained. For a one-off batch — training's evaluation — this spares compiling a second copy
 * of the forest, which for millions of nodes is hundreds of megabytes.
 */
export function forestOutputs(
  forest: Forest,
  columns: readonly Float64Array[],
  rows: Int32Array,
): Float64Array {
  const layout: ValueLayout = {
    task: forest.task,
    K: forest.nClasses,
    ...(forest.classWeight ? { classWeight: forest.classWeight } : {}),
  };
  const K = layout.K;
  const w = layout.classWeight;
  const d = columns.length;
  const out = new Float64Array(rows.length * K);
  const block = new Float64Array(BLOCK * d);
  for (let start = 0; start < rows.length; start += BLOCK) {
    const size = Math.min(BLOCK, rows.length - start);
    for (let f = 0; f < d; f++) {
      const column = columns[f] as Float64Array;
      for (let k = 0; k < size; k++) block[k * d + f] = column[rows[start + k] as number] as number;
    }
    for (const tree of forest.trees) {
      for (let k = 0; k < size; k++) {
        const leaf = leafOf(tree, block, k * d, layout);
        const at = (start + k) * K;
        if (layout.task === 'regression') {
          out[at] = (out[at] as number) + (tree.value[leaf] as number);
          continue;
        }
        let total = 0;
        for (let c = 0; c < K; c++)
          total += (tree.value[leaf * K + c] as number) * (w ? (w[c] as number) : 1);
        for (let c = 0; c < K; c++) {
          const p =
            total > 0 ? ((tree.value[leaf * K + c] as number) * (w ? (w[c] as number) : 1)) / total : 1 / K;
          out[at + c] = (out[at + c] as number) + p;
        }
      }
    }
  }
  const n = forest.trees.length;
  for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / n;
  return out;
}

import { MlctlError } from '../errors';
import type { ClassLabel } from './predictor';
import { createRng, SPLIT_STREAM } from './random';

/** Row indexes of each side, ascending (so both keep the file's order). */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/**
 * A stratified train/test split: the test side has ceil(testSize·n) rows (scikit-learn's rule), shared
 * among classes in proportion to their size (largest remainders get the leftover rows), and every class
 * keeps at least one training row. Which rows go to test is drawn from the seed's split stream.
 */
export function stratifiedSplit(
  y: Uint16Array,
  classes: readonly ClassLabel[],
  testSize: number,
  seed: number,
): Split {
  const n = y.length;
  const K = classes.length;
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) (byClass[y[i] as number] as number[]).push(i);

  const small = byClass.flatMap((rows, c) =>
    rows.length < 2 ? [`class ${String(classes[c])}: ${rows.length} row`] : [],
  );
  const nTest = Math.ceil(testSize * n);
  const nTrain = n - nTest;
  if (small.length > 0 || nTest < K || nTrain < K) {
    throw new MlctlError(
      'INPUT_INVALID',
      `too few rows for a stratified train/test split (${n} rows, ${K} classes, test size ${testSize})`,
      {
        problems: [
          ...small.map((s) => `${s}; every class needs at least 2 rows`),
          ...(nTest < K ? [`the test side would have ${nTest} rows, fewer than the ${K} classes`] : []),
          ...(nTrain < K ? [`the training side would have ${nTrain} rows, fewer than the ${K} classes`] : []),
        ],
        hint: 'Add rows, or change --test-size so both sides get at least one row per class.',
      },
    );
  }

  const alloc = byClass.map((rows) => Math.min(Math.floor((nTest * rows.length) / n), rows.length - 1));
  let left = nTest - alloc.reduce((a, b) => a + b, 0);
  const order = byClass
    .map((rows, c) => ({ c, frac: (nTest * rows.length) / n - Math.floor((nTest * rows.length) / n) }))
    .sort((a, b) => b.frac - a.frac || a.c - b.c);
  while (left > 0) {
    let gave = false;
    for (const { c } of order) {
      if (left === 0) break;
      if ((alloc[c] as number) < (byClass[c] as number[]).length - 1) {
        alloc[c] = (alloc[c] as number) + 1;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }

  const rng = createRng(seed, SPLIT_STREAM);
  const isTest = new Uint8Array(n);
  byClass.forEach((rows, c) => {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = rows[i] as number;
      rows[i] = rows[j] as number;
      rows[j] = t;
    }
    for (let k = 0; k < (alloc[c] as number); k++) isTest[rows[k] as number] = 1;
  });
  const test = new Int32Array(nTest - left);
  const train = new Int32Array(n - test.length);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

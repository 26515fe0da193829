import { MlctlError } from '../errors';
import type { ClassLabel } from './predictor';
import { NumpyRandomState } from './numpy-random';

/** Row indexes of each side, ascending (so both keep the file's order). */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/**
 * scikit-learn's stratified split, row for row: `train_test_split(X, y, test_size, stratify=y,
 * random_state=seed)` (StratifiedShuffleSplit). The test side has ceil(testSize·n) rows; each side's
 * rows per class follow the classes' proportions (largest remainders get the leftover rows, ties drawn
 * at random); which rows go where is drawn from NumPy's MT19937 seeded with `seed`. Users comparing
 * with scikit-learn hold out the same rows.
 */
export function stratifiedSplit(
  y: Uint16Array,
  classes: readonly ClassLabel[],
  testSize: number,
  seed: number,
): Split {
  const n = y.length;
  const K = classes.length;
  // Rows of each class in file order: np.argsort(y_indices, kind="stable") split by class.
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) (byClass[y[i] as number] as number[]).push(i);
  const counts = byClass.map((rows) => rows.length);

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

  const rng = new NumpyRandomState(seed);
  const trainPerClass = approximateMode(counts, nTrain, rng);
  const testPerClass = approximateMode(
    counts.map((c, i) => c - (trainPerClass[i] as number)),
    nTest,
    rng,
  );
  const isTest = new Uint8Array(n);
  byClass.forEach((rows, c) => {
    const order = rng.permutation(rows.length);
    const from = trainPerClass[c] as number;
    for (let k = from; k < from + (testPerClass[c] as number); k++)
      isTest[rows[order[k] as number] as number] = 1;
  });
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/**
 * scikit-learn's `_approximate_mode`: `draws` rows shared among classes in proportion to `counts`,
 * floored, the leftover going to the largest remainders; equal remainders are drawn at random.
 */
export function approximateMode(counts: readonly number[], draws: number, rng: NumpyRandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let needed = draws - floored.reduce((a, b) => a + b, 0);
  if (needed > 0) {
    const remainder = continuous.map((c, i) => c - (floored[i] as number));
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const now = Math.min(tied.length, needed);
      for (const i of rng.choice(tied, now)) floored[i] = (floored[i] as number) + 1;
      needed -= now;
      if (needed === 0) break;
    }
  }
  return floored;
}

/**
 * scikit-learn's split without stratification, row for row: `train_test_split(X, test_size,
 * random_state=seed)` (ShuffleSplit) — the first ceil(testSize·n) rows of NumPy's `permutation(n)` are
 * the test side. For regression, where there are no classes to stratify by.
 */
export function shuffleSplit(n: number, testSize: number, seed: number): Split {
  const nTest = Math.ceil(testSize * n);
  if (nTest < 1 || n - nTest < 1) {
    throw new MlctlError(
      'INPUT_INVALID',
      `too few rows for a train/test split (${n} rows, test size ${testSize})`,
      {
        hint: 'Add rows, or change --test-size so both sides get at least one row.',
      },
    );
  }
  const order = new NumpyRandomState(seed).permutation(n);
  const isTest = new Uint8Array(n);
  for (let k = 0; k < nTest; k++) isTest[order[k] as number] = 1;
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

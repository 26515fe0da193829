import type { Field } from '../fields';
import { fail, integer, list, number, ok, oneOf, text } from '../fields';
import { defineSettings } from '../settings';

/** scikit-learn's max_features: a rule, a count of features, or a fraction of them. */
export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

/** `sqrt`, `log2`, `all`, an integer ≥ 1 (a count) or a number in (0, 1) (a fraction). */
export function maxFeaturesField(): Field<MaxFeatures> {
  return {
    parse(raw) {
      const s = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
      if (s === 'sqrt' || s === 'log2' || s === 'all') return ok(s);
      const n = typeof s === 'number' ? s : typeof s === 'string' && s !== '' ? Number(s) : Number.NaN;
      if ((Number.isInteger(n) && n >= 1) || (n > 0 && n < 1)) return ok(n);
      return fail(
        `expected sqrt, log2, all, an integer ≥ 1 or a fraction in (0, 1), got ${JSON.stringify(raw)}`,
      );
    },
    type: '`sqrt` | `log2` | `all` | integer ≥ 1 | fraction in (0, 1)',
    arity: 'value',
  };
}

export const DEFAULT_MODEL_DIR = '.mlctl/model';

export const trainSettings = defineSettings(
  'train',
  '`mlctl train`',
  {
    data: {
      field: text(),
      placeholder: 'csv',
      required: true,
      describe:
        'Training data: a CSV with a header, numeric and text features (empty cells are missing values) and a target column.',
    },
    target: {
      field: text(),
      placeholder: 'column',
      env: 'MLCTL_TARGET',
      describe: "Target column (classes or a number); default the schema's target, else `target`.",
    },
    schema: {
      field: text(),
      placeholder: 'file',
      describe:
        'Dataset schema to check the data against first; default `<data>.schema.json` beside the CSV when it exists.',
    },
    features: {
      field: list(),
      placeholder: 'names...',
      describe:
        'Feature columns (comma-separated); default every column but the target, less identifier-like and empty ones.',
    },
    categorical: {
      field: list(),
      placeholder: 'names...',
      describe: 'Columns to treat as categorical (text or integer codes), whatever their values look like.',
    },
    numeric: {
      field: list(),
      placeholder: 'names...',
      describe: 'Columns to treat as numeric, whatever the schema or inference says.',
    },
    naValues: {
      field: list(),
      placeholder: 'texts...',
      describe:
        'Texts that mean a missing value, besides the empty cell (e.g. NA,NaN,?); recorded in the model.',
    },
    task: {
      field: oneOf(['classification', 'regression'] as const),
      describe:
        'What to learn; default inferred from the target: text, or at most 30 distinct integers, is classification; other numbers regression.',
    },
    classWeight: {
      field: oneOf(['balanced'] as const),
      describe: "Classification: weigh classes inversely to their frequency (scikit-learn's `balanced`).",
    },
    testData: {
      field: text(),
      placeholder: 'csv',
      describe:
        'Measure the model on this CSV instead of a split of --data (then every row of --data trains).',
    },
    output: {
      field: text(),
      placeholder: 'dir',
      default: DEFAULT_MODEL_DIR,
      describe: 'Directory the model artifact is written to (an earlier model there is replaced).',
    },
    report: {
      field: text(),
      placeholder: 'file',
      describe:
        'Also write the training report (report.html of the artifact: metrics, curves, importance, SHAP summary) to this file.',
    },
    nEstimators: {
      field: integer({ min: 1, max: 10000 }),
      env: 'MODEL_N_ESTIMATORS',
      default: 100,
      describe: "Number of trees (scikit-learn's default; the Python seed used 10).",
    },
    maxDepth: {
      field: integer({ min: 1, max: 1000 }),
      describe: 'Maximum tree depth; default none: trees grow until their leaves are pure.',
    },
    maxFeatures: {
      field: maxFeaturesField(),
      describe:
        'Features drawn at random at every split: `sqrt`, `log2`, `all`, a count, or a fraction; default `sqrt` (classification) or `all` (regression).',
    },
    minSamplesLeaf: {
      field: integer({ min: 1 }),
      default: 1,
      describe: 'Fewest training rows a leaf may hold.',
    },
    seed: {
      field: integer({ min: 0, max: 4294967295 }),
      env: 'MODEL_RANDOM_STATE',
      default: 42,
      describe:
        'Random seed of the split and of every tree: same data, seed and settings give the same model.',
    },
    testSize: {
      field: number({ min: 0, max: 1, exclusiveMax: true }),
      env: 'MODEL_TEST_SIZE',
      describe:
        'Share of the rows held out (stratified by class) to measure the model; default 0.2. 0 trains on every row and measures out-of-bag.',
    },
    minAccuracy: {
      field: number({ min: 0, max: 1 }),
      describe:
        'Quality gate (classification): below this held-out accuracy the model is still written, and mlctl exits 3.',
    },
    minR2: {
      field: number({ max: 1 }),
      describe:
        'Quality gate (regression): below this held-out R² the model is still written, and mlctl exits 3.',
    },
    maxRmse: {
      field: number({ min: 0 }),
      describe:
        'Quality gate (regression): above this held-out RMSE the model is still written, and mlctl exits 3.',
    },
    threads: {
      field: integer({ min: 1, max: 256 }),
      env: 'MLCTL_THREADS',
      describe: "Worker threads growing trees; default the machine's cores. The model does not depend on it.",
    },
  },
  [
    (c) =>
      c.data === undefined
        ? ['--data: required: the training CSV (e.g. --data data/processed/iris.csv)']
        : [],
    (c) =>
      c.testData !== undefined && c.testSize !== undefined
        ? ['--test-data: cannot be combined with --test-size: with a test file, every row of --data trains']
        : [],
  ],
);

export type TrainSettings = typeof trainSettings;

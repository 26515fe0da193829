import { z } from 'zod';
import type { Field } from '../fields';
import { integer, list, number, text } from '../fields';
import { defineSettings } from '../settings';

/** scikit-learn's max_features: a rule, a count of features, or a fraction of them. */
export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

/** `sqrt`, `log2`, `all`, an integer ≥ 1 (a count) or a number in (0, 1) (a fraction). */
export function maxFeaturesField(): Field<MaxFeatures> {
  const schema = z.unknown().transform((raw, ctx) => {
    const s = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    if (s === 'sqrt' || s === 'log2' || s === 'all') return s;
    const n = typeof s === 'number' ? s : typeof s === 'string' && s !== '' ? Number(s) : Number.NaN;
    if ((Number.isInteger(n) && n >= 1) || (n > 0 && n < 1)) return n;
    ctx.addIssue({
      code: 'custom',
      message: `expected sqrt, log2, all, an integer ≥ 1 or a fraction in (0, 1), got ${JSON.stringify(raw)}`,
    });
    return z.NEVER;
  });
  return {
    schema: schema as unknown as z.ZodType<MaxFeatures>,
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
      describe: 'Training data: a CSV with a header, numeric features and a class column.',
    },
    target: {
      field: text(),
      placeholder: 'column',
      env: 'MLCTL_TARGET',
      describe: "Class column; default the schema's target, else `target`.",
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
      describe: 'Feature columns (comma-separated); default every column but the target.',
    },
    output: {
      field: text(),
      placeholder: 'dir',
      default: DEFAULT_MODEL_DIR,
      describe: 'Directory the model artifact is written to (an earlier model there is replaced).',
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
      default: 'sqrt' as MaxFeatures,
      describe: 'Features drawn at random at every split: `sqrt`, `log2`, `all`, a count, or a fraction.',
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
      field: number({ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }),
      env: 'MODEL_TEST_SIZE',
      default: 0.2,
      describe: 'Share of the rows held out (stratified by class) to measure the model.',
    },
    minAccuracy: {
      field: number({ min: 0, max: 1 }),
      describe: 'Quality gate: below this held-out accuracy the model is still written, and mlctl exits 3.',
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
  ],
);

export type TrainSettings = typeof trainSettings;

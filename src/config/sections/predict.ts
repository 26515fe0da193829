import { boolean, integer, list, oneOf, text } from '../fields';
import { defineSettings } from '../settings';

export const PREDICTION_FORMATS = ['csv', 'jsonl'] as const;
export type PredictionFormat = (typeof PREDICTION_FORMATS)[number];

export const predictSettings = defineSettings(
  'predict',
  '`mlctl predict`',
  {
    model: {
      field: text(),
      placeholder: 'dir|json',
      required: true,
      describe:
        'Model to score with: an mlctl model directory, a models:/ URI (the registry of MLFLOW_TRACKING_URI), or a JSON file from ml-random-forest toJSON().',
    },
    data: {
      field: text(),
      placeholder: 'csv',
      required: true,
      describe: 'CSV to score; columns are matched to the model features by name.',
    },
    output: {
      field: text(),
      placeholder: 'file',
      describe: 'Write predictions to this file (atomically) instead of stdout.',
    },
    format: {
      field: oneOf(PREDICTION_FORMATS),
      describe:
        'Output format: `csv` (the input columns plus prediction) or `jsonl`; default from the --output extension, else csv.',
    },
    proba: {
      field: boolean(),
      default: false,
      describe: 'Also output the probability of every class (classification models).',
    },
    features: {
      field: list(),
      placeholder: 'names...',
      describe:
        'Feature names of an ml-random-forest JSON model, in training order (default feature_0..n-1).',
    },
    naValues: {
      field: list(),
      placeholder: 'texts...',
      describe:
        "Texts that mean a missing value, besides the empty cell; default the model's (`train --na-values`).",
    },
    threads: {
      field: integer({ min: 1, max: 256 }),
      env: 'MLCTL_THREADS',
      describe:
        "Worker threads scoring the file; default the machine's cores for files of 4 MB or more, else 1. The output is the same byte for byte.",
    },
  },
  [
    (c) => [
      ...(c.model === undefined
        ? ['--model: required: a model directory, a models:/ URI or an ml-random-forest JSON file']
        : []),
      ...(c.data === undefined ? ['--data: required: the CSV to score'] : []),
    ],
  ],
);

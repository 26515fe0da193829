import { boolean, integer, list, oneOf, text } from '../fields';
import { defineSettings } from '../settings';
import { PREDICTION_FORMATS } from './predict';

export const explainSettings = defineSettings(
  'explain',
  '`mlctl explain`',
  {
    model: {
      field: text(),
      placeholder: 'dir|uri',
      required: true,
      describe:
        'Model to explain: an mlctl model directory or a models:/ URI (the registry of MLFLOW_TRACKING_URI).',
    },
    data: {
      field: text(),
      placeholder: 'csv',
      required: true,
      describe: 'CSV of rows to explain; columns are matched to the model features by name.',
    },
    output: {
      field: text(),
      placeholder: 'file',
      describe: 'Write the explanations to this file (atomically) instead of stdout.',
    },
    format: {
      field: oneOf(PREDICTION_FORMATS),
      describe:
        'Output format: `csv` (the input columns, the prediction, expected_value and shap_<feature> columns) or `jsonl`; default from the --output extension, else csv.',
    },
    allClasses: {
      field: boolean(),
      default: false,
      describe:
        'Classification: SHAP values for every class, not only the predicted one (columns shap_<feature>_<class>).',
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
      describe: "Worker threads; default the machine's cores. The output is the same byte for byte.",
    },
  },
  [
    (c) => [
      ...(c.model === undefined ? ['--model: required: a model directory or a models:/ URI'] : []),
      ...(c.data === undefined ? ['--data: required: the CSV of rows to explain'] : []),
    ],
  ],
);

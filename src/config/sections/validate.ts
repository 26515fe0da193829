import { integer, list, oneOf, text } from '../fields';
import { defineSettings } from '../settings';

export const VALIDATION_FORMATS = ['text', 'json', 'junit', 'github'] as const;
export type ValidationFormat = (typeof VALIDATION_FORMATS)[number];

export const validateSettings = defineSettings('validate', '`mlctl validate`', {
  files: {
    field: list(),
    positional: true,
    describe: 'CSV files to check (positional arguments; in mlctl.yaml a list).',
  },
  schema: { field: text(), placeholder: 'file', describe: 'Dataset schema (JSON) to validate against.' },
  infer: {
    field: text(),
    placeholder: 'file',
    flag: true,
    describe: 'Write a schema inferred from the one data file here instead of validating.',
  },
  target: {
    field: text(),
    placeholder: 'column',
    env: 'MLCTL_TARGET',
    default: 'target',
    describe: 'Target column; with --infer its distinct values become the classes.',
  },
  format: {
    field: oneOf(VALIDATION_FORMATS),
    default: 'text' as const,
    describe: 'Output on stdout: `text`, `json`, `junit` (XML) or `github` (workflow annotations).',
  },
  report: {
    field: text(),
    placeholder: 'file',
    describe:
      'Also write the report to this file, in --report-format (default: by extension, .xml → junit, else json).',
  },
  reportFormat: { field: oneOf(VALIDATION_FORMATS), describe: 'Format of the --report file.' },
  maxSamples: {
    field: integer({ min: 0, max: 10000 }),
    default: 5,
    describe: 'Problems shown per check (the counts are always complete).',
  },
});

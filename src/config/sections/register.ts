import { boolean, fail, list, ok, text } from '../fields';
import type { Field } from '../fields';
import { defineSettings } from '../settings';

const STAGE_NAMES = ['none', 'staging', 'production', 'archived'];

/**
 * `key=value` pairs, from repeated flags or a YAML sequence or mapping. Unlike list(), commas stay in
 * the values.
 */
const keyValues: Field<string[]> = {
  parse(raw) {
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      return ok(Object.entries(raw).map(([k, v]) => `${k}=${String(v)}`));
    }
    const items = (Array.isArray(raw) ? raw : [raw]).map(String);
    const bad = items.find((t) => !/^[^=]+=/.test(t));
    return bad === undefined ? ok(items) : fail(`expected key=value, got ${JSON.stringify(bad)}`);
  },
  type: 'list of key=value',
  arity: 'list',
};

export const registerSettings = defineSettings(
  'register',
  '`mlctl register`',
  {
    modelDir: {
      field: text(),
      placeholder: 'dir',
      required: true,
      describe: 'The model artifact directory to register, as `mlctl train` writes it (docs/ARTIFACT.md).',
    },
    name: {
      field: text(),
      placeholder: 'name',
      required: true,
      env: 'MLFLOW_MODEL_NAME',
      describe: 'Registered model name; a new version of it is created (the model is created when new).',
    },
    alias: {
      field: list(),
      placeholder: 'aliases...',
      describe: 'Aliases to point at the new version (repeat or comma-separate), e.g. `challenger`.',
    },
    stage: {
      field: text(),
      placeholder: 'stage',
      describe: 'Stage to move the new version to (deprecated in MLflow in favour of aliases; any case).',
    },
    archiveExisting: {
      field: boolean(),
      default: false,
      describe: 'With --stage Staging/Production: move the versions already in that stage to Archived.',
    },
    experiment: {
      field: text(),
      placeholder: 'name',
      env: 'MLFLOW_EXPERIMENT_NAME',
      default: 'mlctl',
      describe: 'Experiment that gets the registration run (created when missing).',
    },
    tag: {
      field: keyValues,
      placeholder: 'key=value...',
      describe: 'Tags `key=value` for the run and the new version (repeat the flag for several).',
    },
  },
  [
    (c) => (c.modelDir === undefined ? ['--model-dir: required (the directory `mlctl train` wrote)'] : []),
    (c) => (c.name === undefined ? ['--name: required (or MLFLOW_MODEL_NAME)'] : []),
    (c) =>
      c.stage !== undefined && !STAGE_NAMES.includes(c.stage.toLowerCase())
        ? [
            `--stage: expected one of None, Staging, Production, Archived (any case), got ${JSON.stringify(c.stage)}`,
          ]
        : [],
    (c) =>
      c.archiveExisting && !['staging', 'production'].includes(c.stage?.toLowerCase() ?? '')
        ? ['--archive-existing: needs --stage Staging or Production']
        : [],
  ],
);

/** `k=v` pairs → a record; the first `=` splits, so values may contain `=`. */
export function parseTags(pairs: string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    tags[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  return tags;
}

import { z } from 'zod';
import {
  canaryPromoteOutput,
  canaryRollbackOutput,
  driftOutput,
  errorOutput,
  initOutput,
  trainOutput,
  validateOutput,
} from './commands';
import {
  modelsAliasOutput,
  modelsDownloadOutput,
  modelsListOutput,
  modelsShowOutput,
  modelsStageOutput,
  registerOutput,
} from './registry';

/** Every command's `--json` document, by the name of its file under docs/schemas/json/. */
export const JSON_OUTPUTS: Readonly<Record<string, { command: string; schema: z.ZodType }>> = {
  validate: { command: 'mlctl validate --json', schema: validateOutput },
  train: { command: 'mlctl train --json', schema: trainOutput(registerOutput) },
  register: { command: 'mlctl register --json', schema: registerOutput },
  'models-list': { command: 'mlctl models list [name] --json', schema: modelsListOutput },
  'models-show': { command: 'mlctl models show --json', schema: modelsShowOutput },
  'models-alias': { command: 'mlctl models alias --json', schema: modelsAliasOutput },
  'models-stage': { command: 'mlctl models stage --json', schema: modelsStageOutput },
  'models-download': { command: 'mlctl models download --json', schema: modelsDownloadOutput },
  drift: { command: 'mlctl drift --json', schema: driftOutput },
  'canary-promote': { command: 'mlctl canary promote --json', schema: canaryPromoteOutput },
  'canary-rollback': { command: 'mlctl canary rollback --json', schema: canaryRollbackOutput },
  init: { command: 'mlctl init --json', schema: initOutput },
  error: { command: 'any command with --json, when it fails', schema: errorOutput },
};

/** docs/schemas/json/<name>.json: the JSON Schema (draft 2020-12) of each `--json` document. */
export function renderJsonOutputSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(JSON_OUTPUTS).map(([name, { command, schema }]) => {
      const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
      const doc = { ...json, title: `${command} output`, $id: `mlctl/json/${name}.json` };
      return [`docs/schemas/json/${name}.json`, `${JSON.stringify(doc, null, 2)}\n`];
    }),
  );
}

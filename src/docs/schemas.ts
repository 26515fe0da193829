import { z } from 'zod';
import { canaryPolicySchema } from '../canary/policy';
import { datasetSchemaSchema } from '../data/schema';

/** docs/schemas/dataset-schema.json: the JSON Schema of the dataset schema file, for editors and other tools. */
export function renderDatasetJsonSchema(): string {
  const schema = z.toJSONSchema(datasetSchemaSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'mlctl dataset schema (version 1)' }, null, 2)}\n`;
}

/** docs/schemas/canary-policy.json: the JSON Schema of a canary policy file (infra/canary/policy.yaml). */
export function renderCanaryPolicyJsonSchema(): string {
  const schema = z.toJSONSchema(canaryPolicySchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'mlctl canary policy' }, null, 2)}\n`;
}

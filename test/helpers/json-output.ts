import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { REPO_ROOT } from './cli';

const ajv = new Ajv2020({ allErrors: true, strict: false });

/**
 * Checks a `--json` document against its published JSON Schema, docs/schemas/json/<name>.json (the file
 * users get, which a generated-docs test keeps equal to src/docs/output). Returns the problems, if any.
 */
export function jsonOutputProblems(name: string, doc: unknown): string[] {
  const file = join(REPO_ROOT, 'docs', 'schemas', 'json', `${name}.json`);
  const validate =
    ajv.getSchema(`mlctl/json/${name}.json`) ?? ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(
    (e) => `${name}${e.instancePath || '/'}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

/** Fails the test with every problem when the document does not match its schema. */
export function expectJsonOutput(name: string, doc: unknown): void {
  expect(jsonOutputProblems(name, doc)).toEqual([]);
}

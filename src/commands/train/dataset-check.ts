import { access } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { MlctlError } from '../../errors';
import { readDatasetSchema } from '../../data/schema';
import type { DatasetSchema } from '../../data/schema';
import { PROBLEM_KINDS, validateCsvFile } from '../../data/validate';

/** `data/iris.csv` → `data/iris.schema.json`: where `mlctl validate --infer` users keep the schema. */
export function schemaBeside(dataPath: string): string {
  return join(dirname(dataPath), `${basename(dataPath, extname(dataPath))}.schema.json`);
}

/** The schema named, or the one beside the data, or none. */
export async function findSchema(
  dataPath: string,
  named: string | undefined,
): Promise<{ path: string; schema: DatasetSchema } | undefined> {
  if (named !== undefined) return { path: named, schema: await readDatasetSchema(named) };
  const beside = schemaBeside(dataPath);
  try {
    await access(beside);
  } catch {
    return undefined;
  }
  return { path: beside, schema: await readDatasetSchema(beside) };
}

/**
 * Runs the same checks as `mlctl validate`; a dataset that fails them is not trained on
 * (VALIDATION_FAILED, exit 3), with every failing check and its first samples listed.
 */
export async function checkAgainstSchema(
  dataPath: string,
  shown: string,
  schemaPath: string,
  schema: DatasetSchema,
  naValues: readonly string[] = [],
): Promise<void> {
  const report = await validateCsvFile(dataPath, schema, { maxSamples: 3, naValues });
  if (report.valid) return;
  const problems = report.checks
    .filter((c) => c.count > 0)
    .flatMap((c) => [
      `${c.kind}${c.column === undefined ? '' : ` (${c.column})`}: ${c.count} × ${PROBLEM_KINDS[c.kind]}`,
      ...c.samples.map(
        (s) =>
          `    ${shown}${s.line === undefined ? '' : `:${s.line}`}  ${s.value === undefined ? '' : `${JSON.stringify(s.value)}: `}${s.message}`,
      ),
    ]);
  throw new MlctlError(
    'VALIDATION_FAILED',
    `${shown} does not match its schema ${schemaPath}; not training on it`,
    {
      problems,
      hint: `See every problem with \`mlctl validate ${shown} --schema ${schemaPath}\`; fix the data, or the schema if it is out of date.`,
      location: { file: shown },
    },
  );
}

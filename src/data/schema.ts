import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MlctlError, fromFsError } from '../errors';
import { writeFileAtomic } from '../io/fs-atomic';

/**
 * The dataset schema file (DESIGN.md "Dataset"): written by `mlctl validate --infer`, read by validate,
 * train and predict. Versioned so later fields can be added without breaking old files.
 */
export const COLUMN_TYPES = ['number', 'integer', 'category', 'string'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

const scalar = z.union([z.string(), z.number()]);

const columnSpec = z
  .object({
    name: z.string().min(1),
    type: z.enum(COLUMN_TYPES),
    nullable: z.boolean().default(false),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Allowed values: categories, or the classes of the target. */
    values: z.array(scalar).min(1).optional(),
    description: z.string().optional(),
  })
  .strict()
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    message: 'min must not be greater than max',
  })
  .refine((c) => (c.min === undefined && c.max === undefined) || c.type === 'number' || c.type === 'integer', {
    message: 'min/max apply to number and integer columns only',
  });

export const datasetSchemaSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    target: z.string().min(1).optional(),
    columns: z.array(columnSpec).min(1),
    rows: z
      .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
      .strict()
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
        message: 'rows.min must not be greater than rows.max',
      })
      .optional(),
    /** Whether columns not listed are allowed. */
    additionalColumns: z.boolean().default(false),
  })
  .strict();

export type DatasetSchema = z.infer<typeof datasetSchemaSchema>;
export type ColumnSpec = DatasetSchema['columns'][number];

/**
 * Every problem of a schema document, each `path: message`. Cross-column rules run on the raw document
 * too, so a type error in one column does not hide a duplicate name in another.
 */
export function checkDatasetSchema(value: unknown): { schema: DatasetSchema } | { errors: string[] } {
  const parsed = datasetSchemaSchema.safeParse(value);
  const errors = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  errors.push(...crossColumnProblems(value));
  return parsed.success && errors.length === 0 ? { schema: parsed.data } : { errors };
}

function crossColumnProblems(value: unknown): string[] {
  const doc = value as { columns?: unknown; target?: unknown } | null;
  if (!doc || !Array.isArray(doc.columns)) return [];
  const problems: string[] = [];
  const seen = new Set<unknown>();
  doc.columns.forEach((c: { name?: unknown } | null, i) => {
    const name = c?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name)) problems.push(`columns.${i}.name: duplicate column "${name}"`);
    seen.add(name);
  });
  if (typeof doc.target === 'string' && !seen.has(doc.target)) {
    problems.push(`target: target "${doc.target}" is not one of the columns`);
  }
  return problems;
}

/** Reads and checks a schema file; `shown` is the path as the user gave it, for messages. */
export async function readDatasetSchema(path: string, shown = path): Promise<DatasetSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fromFsError(err, 'schema file', shown);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new MlctlError('SCHEMA_INVALID', `schema file ${shown} is not valid JSON: ${(err as Error).message}`, {
      hint: 'Fix the JSON, or write a new schema with `mlctl validate <data.csv> --infer <schema.json>`.',
      location: { file: shown },
    });
  }
  const result = checkDatasetSchema(json);
  if ('errors' in result) {
    throw new MlctlError('SCHEMA_INVALID', `schema file ${shown} is not a valid dataset schema`, {
      problems: result.errors,
      hint: 'See docs/DATA.md for the schema format.',
      location: { file: shown },
    });
  }
  return result.schema;
}

export async function writeDatasetSchema(path: string, schema: DatasetSchema): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(schema, null, 2)}\n`);
}

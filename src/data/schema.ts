import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MlctlError, fromFsError } from '../errors';
import { writeFileAtomic } from '../fs-atomic';

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
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.columns.forEach((c, i) => {
      if (seen.has(c.name)) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'name'], message: `duplicate column "${c.name}"` });
      }
      seen.add(c.name);
    });
    if (s.target !== undefined && !seen.has(s.target)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `target "${s.target}" is not one of the columns` });
    }
  });

export type DatasetSchema = z.infer<typeof datasetSchemaSchema>;
export type ColumnSpec = DatasetSchema['columns'][number];

/** Every problem of a schema document, each `path: message`. */
export function checkDatasetSchema(value: unknown): { schema: DatasetSchema } | { errors: string[] } {
  const parsed = datasetSchemaSchema.safeParse(value);
  if (parsed.success) return { schema: parsed.data };
  return {
    errors: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  };
}

export async function readDatasetSchema(path: string): Promise<DatasetSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fromFsError(err, 'schema file', path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new MlctlError('SCHEMA_INVALID', `schema file ${path} is not valid JSON: ${(err as Error).message}`, {
      hint: 'Fix the JSON, or write a new schema with `mlctl validate <data.csv> --infer <schema.json>`.',
      location: { file: path },
    });
  }
  const result = checkDatasetSchema(json);
  if ('errors' in result) {
    throw new MlctlError('SCHEMA_INVALID', `schema file ${path} is not a valid dataset schema`, {
      problems: result.errors,
      hint: 'See docs/DATA.md for the schema format.',
      location: { file: path },
    });
  }
  return result.schema;
}

export async function writeDatasetSchema(path: string, schema: DatasetSchema): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(schema, null, 2)}\n`);
}

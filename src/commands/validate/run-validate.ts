import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError, assertDataFile } from '../../errors';
import { writeFileAtomic } from '../../io/fs-atomic';
import { inferDatasetSchema } from '../../data/infer';
import { readDatasetSchema, writeDatasetSchema } from '../../data/schema';
import type { DatasetSchema } from '../../data/schema';
import { validateCsvFile } from '../../data/validate';
import type { FileReport } from '../../data/validate';
import { formatValidation } from './format';
import type { ValidationFormat } from '../../config/sections/validate';

export interface ValidateOptions {
  files: string[];
  /** Schema to validate against (validate mode). */
  schema?: string;
  /** Where to write an inferred schema (infer mode). */
  infer?: string;
  target: string;
  maxSamples: number;
  /** Also write the report to this file, in `reportFormat`. */
  report?: string;
  reportFormat?: ValidationFormat;
}

export interface ValidateDeps {
  logger: Logger;
  cwd: string;
  now?: () => number;
}

export interface ValidationRun {
  mode: 'validate';
  valid: boolean;
  schema: string;
  files: Array<FileReport & { seconds: number }>;
}

export interface InferenceRun {
  mode: 'infer';
  valid: boolean;
  file: string;
  schemaPath: string;
  rows: number;
  /** The inferred schema, when the file could be read. */
  schema?: DatasetSchema;
  /** Why no schema was written. */
  defects: Array<{ line: number; message: string }>;
}

export type ValidateResult = ValidationRun | InferenceRun;

/** `mlctl validate`: checks files against a schema, or infers a schema from one file. */
export async function runValidate(options: ValidateOptions, deps: ValidateDeps): Promise<ValidateResult> {
  if (options.files.length === 0) {
    throw new MlctlError('USAGE', 'no data file given', {
      hint: 'Usage: mlctl validate <file>... --schema <schema.json>',
    });
  }
  if ((options.schema === undefined) === (options.infer === undefined)) {
    throw new MlctlError(
      'USAGE',
      'give exactly one of --schema <schema.json> (validate) or --infer <schema.json> (write a schema)',
      {
        hint: 'Example: mlctl validate data/processed/iris.csv --schema data/processed/iris.schema.json',
      },
    );
  }
  for (const file of options.files) await assertDataFile(resolve(deps.cwd, file), file);

  const result =
    options.infer !== undefined
      ? await infer(options, options.infer, deps)
      : await validate(options, options.schema!, deps);
  if (options.report !== undefined) {
    const format = options.reportFormat ?? 'json';
    await writeFileAtomic(resolve(deps.cwd, options.report), formatValidation(result, format));
    deps.logger.debug({ report: options.report, format }, 'report written');
  }
  return result;
}

async function validate(
  options: ValidateOptions,
  schemaPath: string,
  deps: ValidateDeps,
): Promise<ValidationRun> {
  const schema = await readDatasetSchema(resolve(deps.cwd, schemaPath), schemaPath);
  const now = deps.now ?? performance.now.bind(performance);
  const files: ValidationRun['files'] = [];
  for (const file of options.files) {
    const started = now();
    const report = await validateCsvFile(resolve(deps.cwd, file), schema, { maxSamples: options.maxSamples });
    const seconds = (now() - started) / 1000;
    files.push({ ...report, file, seconds });
    deps.logger.info(
      { file, rows: report.rows, valid: report.valid, seconds: Number(seconds.toFixed(3)) },
      'validated',
    );
  }
  return { mode: 'validate', valid: files.every((f) => f.valid), schema: schemaPath, files };
}

async function infer(
  options: ValidateOptions,
  schemaPath: string,
  deps: ValidateDeps,
): Promise<InferenceRun> {
  if (options.files.length !== 1) {
    throw new MlctlError('USAGE', `--infer reads exactly one file, got ${options.files.length}`, {
      hint: 'Infer from the most representative file, then validate the others against the schema.',
    });
  }
  const file = options.files[0] as string;
  const inferred = await inferDatasetSchema(resolve(deps.cwd, file), { target: options.target });
  if ('defects' in inferred) {
    return { mode: 'infer', valid: false, file, schemaPath, rows: inferred.rows, defects: inferred.defects };
  }
  await writeDatasetSchema(resolve(deps.cwd, schemaPath), inferred.schema);
  deps.logger.info({ file, schema: schemaPath, rows: inferred.rows }, 'schema inferred');
  return {
    mode: 'infer',
    valid: true,
    file,
    schemaPath,
    rows: inferred.rows,
    schema: inferred.schema,
    defects: [],
  };
}

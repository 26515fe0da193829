import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError, assertDataFile, fromFsError } from '../../errors';
import type { PredictionFormat } from '../../config/sections/predict';
import { readCsvRecords } from '../../data/csv';
import { isFiniteNumberText } from '../../data/numeric-text';
import { csvField } from '../../artifact/write';
import { loadModel } from '../../artifact/load';
import type { LoadedModel } from '../../artifact/load';
import { argmax } from '../../forest/predictor';
import { createFileSink, createStreamSink } from './sink';
import type { TextSink } from './sink';

export interface PredictOptions {
  model: string;
  data: string;
  /** A file; default the `stdout` stream of deps. */
  output?: string;
  format: PredictionFormat;
  proba: boolean;
  /** Feature names of an ml.js JSON model. */
  features?: string[];
}

export interface PredictDeps {
  logger: Logger;
  cwd: string;
  /** Where predictions go without --output. */
  stdout: NodeJS.WritableStream;
}

export interface PredictResult {
  model: { path: string; format: LoadedModel['format'] };
  data: string;
  rows: number;
  output?: string;
  format: PredictionFormat;
  /** Predictions per class. */
  counts: Record<string, number>;
}

const BATCH_ROWS = 512;
const MAX_PROBLEMS = 10;

/**
 * `mlctl predict`: scores a CSV in one streaming pass (memory does not grow with the file). Columns are
 * found by name, so their order and any extra columns do not matter. A bad row stops the output and
 * the run fails with every problem found (INPUT_INVALID); with --output, no file is left behind.
 */
export async function runPredict(options: PredictOptions, deps: PredictDeps): Promise<PredictResult> {
  const dataPath = resolve(deps.cwd, options.data);
  await assertDataFile(dataPath, options.data);
  if (options.output !== undefined)
    await assertWritableFile(resolve(deps.cwd, options.output), options.output);
  const model = await loadModel(resolve(deps.cwd, options.model), { features: options.features });
  if (options.features !== undefined && model.format !== 'ml-random-forest') {
    throw new MlctlError('USAGE', '--features names the columns of an ml-random-forest JSON model only', {
      hint: `${options.model} is an mlctl model: it knows its features (${model.features.join(', ')}); drop --features.`,
    });
  }
  const sink: TextSink = options.output
    ? await createFileSink(resolve(deps.cwd, options.output))
    : createStreamSink(deps.stdout);
  const { predictor, classes } = model;
  const K = classes.length;
  const counts = new Float64Array(K);
  const problems: string[] = [];
  let problemCount = 0;
  const problem = (text: string): void => {
    if (problemCount++ < MAX_PROBLEMS) problems.push(text);
  };
  let header: string[] | undefined;
  let index: number[] = [];
  let rows = 0;
  let batch: string[] = [];
  const row = new Float64Array(model.features.length);
  const proba = new Float64Array(K);

  try {
    for await (const record of readCsvRecords(dataPath, {
      onDefect: (d) => problem(`line ${d.line}: ${d.message}`),
    })) {
      if (header === undefined) {
        header = record.fields.map((f) => f.trim());
        index = matchColumns(model, header, options);
        if (options.format === 'csv') batch.push(csvHeader(record.fields, classes, options.proba));
        continue;
      }
      if (record.fields.length !== header.length) {
        problem(`line ${record.line}: ${record.fields.length} fields, the header has ${header.length}`);
        continue;
      }
      let ok = true;
      for (let f = 0; f < index.length; f++) {
        const text = (record.fields[index[f] as number] as string).trim();
        if (isFiniteNumberText(text)) {
          row[f] = Number(text);
        } else {
          ok = false;
          problem(
            `line ${record.line}: ${model.features[f]} = ${JSON.stringify(text)} is not a finite number`,
          );
        }
      }
      if (!ok || problemCount > 0) continue;
      predictor.predictProbaInto(row, proba);
      const best = argmax(proba);
      counts[best] = (counts[best] as number) + 1;
      rows++;
      batch.push(
        options.format === 'csv'
          ? csvLine(record.fields, classes[best], proba, options.proba)
          : jsonLine(model.features, row, classes[best], classes, proba, options.proba),
      );
      if (batch.length >= BATCH_ROWS) {
        await sink.write(`${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (header === undefined && problemCount === 0) problem('the file is empty: no header');
    if (problemCount > 0) {
      throw new MlctlError(
        'INPUT_INVALID',
        `${options.data}: ${problemCount} problem${problemCount === 1 ? '' : 's'}; predictions stopped`,
        {
          problems:
            problemCount > problems.length
              ? [...problems, `… and ${problemCount - problems.length} more`]
              : problems,
          hint: 'Every model feature needs a finite number in every row.',
          location: { file: options.data },
        },
      );
    }
    if (batch.length > 0) await sink.write(`${batch.join('\n')}\n`);
    await sink.commit();
  } catch (err) {
    await sink.abort();
    const fsError = !(err instanceof MlctlError) && typeof (err as NodeJS.ErrnoException).code === 'string';
    throw fsError ? fromFsError(err, 'data file', options.data) : err;
  }
  deps.logger.info(
    { model: options.model, data: options.data, rows, output: options.output ?? 'stdout' },
    'predictions written',
  );
  return {
    model: { path: options.model, format: model.format },
    data: options.data,
    rows,
    output: options.output,
    format: options.format,
    counts: Object.fromEntries(classes.map((c, i) => [String(c), counts[i] as number])),
  };
}

/** The output may be new or a file to replace, never a directory. */
async function assertWritableFile(path: string, shown: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new MlctlError('OUTPUT_CONFLICT', `--output ${shown} is a directory`, {
      hint: 'Name the file to write, e.g. --output predictions.csv.',
    });
  }
}

function matchColumns(model: LoadedModel, header: string[], options: PredictOptions): number[] {
  const missing = model.features.filter((f) => !header.includes(f));
  if (missing.length > 0) {
    const mljs = model.format === 'ml-random-forest';
    throw new MlctlError(
      'INPUT_INVALID',
      `${options.data} lacks ${missing.length} of the model's feature columns`,
      {
        problems: [`missing: ${missing.join(', ')}`, `the file has: ${header.join(', ')}`],
        hint: mljs
          ? 'An ml-random-forest model does not store feature names: name its columns in order with --features a,b,c (default feature_0..n-1).'
          : 'Columns are matched by name; add or rename the missing columns.',
      },
    );
  }
  return model.features.map((f) => header.indexOf(f));
}

function csvHeader(fields: string[], classes: LoadedModel['classes'], proba: boolean): string {
  const extra = ['prediction', ...(proba ? classes.map((c) => `proba_${String(c)}`) : [])];
  return [...fields, ...extra].map(csvField).join(',');
}

function csvLine(fields: string[], label: unknown, p: Float64Array, proba: boolean): string {
  const out = fields.map(csvField);
  out.push(csvField(String(label)));
  if (proba) for (let c = 0; c < p.length; c++) out.push(String(p[c]));
  return out.join(',');
}

function jsonLine(
  features: readonly string[],
  row: Float64Array,
  label: unknown,
  classes: LoadedModel['classes'],
  p: Float64Array,
  proba: boolean,
): string {
  const doc: Record<string, unknown> = {
    features: Object.fromEntries(features.map((f, i) => [f, row[i]])),
    prediction: label,
  };
  if (proba) doc.probabilities = Object.fromEntries(classes.map((c, i) => [String(c), p[i]]));
  return JSON.stringify(doc);
}

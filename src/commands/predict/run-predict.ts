import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError, assertDataFile, fromFsError } from '../../errors';
import type { PredictionFormat } from '../../config/sections/predict';
import { readCsvRecords } from '../../data/csv';
import { RowEncoder, encodedFeatures } from '../../data/row-encoder';
import { loadModel } from '../../artifact/load';
import type { LoadedModel } from '../../artifact/load';
import { argmax } from '../../forest/predictor';
import { createFileSink, createStreamSink } from './sink';
import type { TextSink } from './sink';
import { csvHeader, csvLine, jsonLine } from './lines';

export interface PredictOptions {
  model: string;
  data: string;
  /** A file; default the `stdout` stream of deps. */
  output?: string;
  format: PredictionFormat;
  proba: boolean;
  /** Feature names of an ml.js JSON model. */
  features?: string[];
  /** Texts read as missing; default the model's (model.json's na_values). */
  naValues?: string[];
}

export interface PredictDeps {
  logger: Logger;
  cwd: string;
  /** Where predictions go without --output. */
  stdout: NodeJS.WritableStream;
}

export interface PredictResult {
  model: { path: string; format: LoadedModel['format'] };
  task: LoadedModel['task'];
  data: string;
  rows: number;
  output?: string;
  format: PredictionFormat;
  /** Classification: predictions per class. */
  counts: Record<string, number>;
  /** Regression: the smallest, mean and largest prediction (null without rows). */
  summary?: { min: number; mean: number; max: number } | null;
  /** Categories never seen in training, per feature: read as missing values. */
  unknown_categories: Record<string, number>;
}

const BATCH_ROWS = 512;
const MAX_PROBLEMS = 10;

/**
 * `mlctl predict`: scores a CSV in one streaming pass (memory does not grow with the file). Columns are
 * found by name, so their order and any extra columns do not matter. Categorical features take their
 * text; an empty cell (or a text of the model's na_values) is a missing value; a category never seen in
 * training is read as missing and counted. A bad row stops the output and the run fails with every
 * problem found (INPUT_INVALID); with --output, no file is left behind.
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
  const regression = model.task === 'regression';
  if (regression && options.proba) {
    throw new MlctlError(
      'USAGE',
      '--proba: a regression model predicts a number, with no class probabilities',
      {
        hint: `${options.model} is a regression model (target ${model.target ?? 'unknown'}); drop --proba.`,
      },
    );
  }
  const sink: TextSink = options.output
    ? await createFileSink(resolve(deps.cwd, options.output))
    : createStreamSink(deps.stdout);
  const { predictor, classes } = model;
  const naValues = new Set(options.naValues ?? model.naValues);
  const encoded = encodedFeatures(model.features, model.featureInfo);
  const encoder = new RowEncoder(encoded, naValues);
  const counts = new Float64Array(classes.length);
  const stats = { min: Infinity, max: -Infinity, sum: 0 };
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
  const out = new Float64Array(predictor.nOutputs);
  const line = {
    proba: options.proba,
    classes,
    features: model.features,
    categorical: encoded.map((f) => f.type === 'categorical'),
    naValues,
  };

  try {
    for await (const record of readCsvRecords(dataPath, {
      onDefect: (d) => problem(`line ${d.line}: ${d.message}`),
    })) {
      if (header === undefined) {
        header = record.fields.map((f) => f.trim());
        index = matchColumns(model, header, options);
        if (options.format === 'csv') batch.push(csvHeader(record.fields, line));
        continue;
      }
      if (record.fields.length !== header.length) {
        problem(`line ${record.line}: ${record.fields.length} fields, the header has ${header.length}`);
        continue;
      }
      let ok = true;
      for (let f = 0; f < index.length; f++) {
        const v = encoder.encode(f, record.fields[index[f] as number] as string);
        if (typeof v === 'number') row[f] = v;
        else {
          ok = false;
          problem(`line ${record.line}: ${v.feature} = ${JSON.stringify(v.value)} ${v.message}`);
        }
      }
      if (!ok || problemCount > 0) continue;
      predictor.predictInto(row, out);
      let prediction: string | number;
      if (regression) {
        prediction = out[0] as number;
        stats.min = Math.min(stats.min, prediction);
        stats.max = Math.max(stats.max, prediction);
        stats.sum += prediction;
      } else {
        const best = argmax(out);
        counts[best] = (counts[best] as number) + 1;
        prediction = classes[best] as string | number;
      }
      rows++;
      const raw = index.map((at) => record.fields[at] as string);
      batch.push(
        options.format === 'csv'
          ? csvLine(record.fields, prediction, out, line)
          : jsonLine(raw, row, prediction, out, line),
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
          hint: 'Numeric features take decimal numbers, categorical ones their text; an empty cell is a missing value.',
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
  for (const [feature, count] of Object.entries(encoder.unknown))
    deps.logger.warn({ feature, count }, 'categories not seen in training, read as missing values');
  deps.logger.info(
    { model: options.model, data: options.data, rows, output: options.output ?? 'stdout' },
    'predictions written',
  );
  return {
    model: { path: options.model, format: model.format },
    task: model.task,
    data: options.data,
    rows,
    output: options.output,
    format: options.format,
    counts: Object.fromEntries(classes.map((c, i) => [String(c), counts[i] as number])),
    ...(regression
      ? { summary: rows > 0 ? { min: stats.min, mean: stats.sum / rows, max: stats.max } : null }
      : {}),
    unknown_categories: { ...encoder.unknown },
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

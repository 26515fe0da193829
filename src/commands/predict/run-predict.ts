import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError, assertDataFile } from '../../errors';
import type { PredictionFormat } from '../../config/sections/predict';
import { encodedFeatures } from '../../data/row-encoder';
import { loadModel } from '../../artifact/load';
import type { LoadedModel } from '../../artifact/load';
import { runBatch } from '../../batch/run-batch';
import { createFileSink, createStreamSink } from './sink';
import type { TextSink } from './sink';
import { csvHeader } from './lines';
import type { LineShape } from './lines';
import { createChunkScorer } from './score-chunk';
import type { PredictChunkResult, PredictJob } from './score-chunk';
import { ROW_HINT, warnUnknownCategories } from '../../batch/run-helpers';

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
  /** Worker threads; default the machine's cores for a large file, else 1. The output does not depend on it. */
  threads?: number;
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

/**
 * Chunks of 1–3 MB (3 MB: some 7,500 rows of 20 numbers), at least four per thread. Each chunk's rows
 * go through the forest tree after tree, so its size is how many rows share each tree's trip through
 * the caches: on the batch bench's deep forest one thread walks 100,000 rows in 1.65 s in blocks of
 * 2,500 rows, 1.25 s in blocks of 5,000 and 0.98 s in blocks of 10,000; 4 MB chunks took the command's
 * peak RSS past scikit-learn's (docs/BENCHMARKS.md).
 */
function chunkBytes(size: number, threads: number): number {
  return Math.min(3 << 20, Math.max(1 << 20, Math.floor(size / (4 * threads))));
}

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
  const { classes } = model;
  const naValues = [...(options.naValues ?? model.naValues)];
  const encoded = encodedFeatures(model.features, model.featureInfo);
  const shape: LineShape = {
    proba: options.proba,
    classes,
    features: model.features,
    categorical: encoded.map((f) => f.type === 'categorical'),
    naValues: new Set(naValues),
  };
  const counts = new Float64Array(classes.length);
  const stats = { min: Infinity, max: -Infinity, sum: 0 };
  const { rows, threads, unknown } = await runBatch<PredictJob, PredictChunkResult>({
    dataPath,
    data: options.data,
    sink,
    matchColumns: (header) => matchColumns(model, header, options),
    rowsSpec: { features: encoded, naValues },
    job: (spec) => ({
      ...spec,
      predictor: model.predictor.shared(),
      format: options.format,
      proba: options.proba,
    }),
    scorerModule: join(__dirname, 'score-chunk.js'),
    createScorer: createChunkScorer,
    ...(options.format === 'csv' ? { headerLine: (fields: string[]) => csvHeader(fields, shape) } : {}),
    threads: options.threads,
    chunkBytes,
    onResult: (r) => {
      r.counts.forEach((n, c) => (counts[c] = (counts[c] as number) + n));
      stats.min = Math.min(stats.min, r.min);
      stats.max = Math.max(stats.max, r.max);
      stats.sum += r.sum;
    },
    hint: ROW_HINT,
    stopped: 'predictions stopped',
  });
  warnUnknownCategories(deps.logger, unknown);
  deps.logger.info(
    { model: options.model, data: options.data, rows, threads, output: options.output ?? 'stdout' },
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
    unknown_categories: unknown,
  };
}

/** The output may be new or a file to replace, never a directory. */
export async function assertWritableFile(path: string, shown: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new MlctlError('OUTPUT_CONFLICT', `--output ${shown} is a directory`, {
      hint: 'Name the file to write, e.g. --output predictions.csv.',
    });
  }
}

/** Where each of the model's features is in the header (by name), or INPUT_INVALID naming the missing. */
export function matchColumns(model: LoadedModel, header: string[], options: { data: string }): number[] {
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

import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError, assertDataFile } from '../../errors';
import type { PredictionFormat } from '../../config/sections/predict';
import { encodedFeatures } from '../../data/row-encoder';
import { loadModel } from '../../artifact/load';
import type { LoadedModel } from '../../artifact/load';
import { runBatch } from '../../batch/run-batch';
import { TreeShap } from '../../forest/tree-shap';
import { createFileSink, createStreamSink } from '../predict/sink';
import { assertWritableFile, matchColumns } from '../predict/run-predict';
import { explainCsvHeader } from './lines';
import type { ExplainShape } from './lines';
import { createChunkScorer } from './score-chunk';
import type { ExplainChunkResult, ExplainJob } from './score-chunk';
import { ROW_HINT, warnUnknownCategories } from '../../batch/run-helpers';

export interface ExplainOptions {
  model: string;
  data: string;
  /** A file; default the `stdout` stream of deps. */
  output?: string;
  format: PredictionFormat;
  /** Classification: every class's SHAP values, not only the predicted class's. */
  allClasses: boolean;
  /** Texts read as missing; default the model's (model.json's na_values). */
  naValues?: string[];
  /** Worker threads; default the machine's cores. The output does not depend on it. */
  threads?: number;
}

export interface ExplainDeps {
  logger: Logger;
  cwd: string;
  /** Where explanations go without --output. */
  stdout: NodeJS.WritableStream;
}

export interface ExplainResult {
  model: { path: string; format: LoadedModel['format'] };
  task: LoadedModel['task'];
  data: string;
  rows: number;
  output?: string;
  format: PredictionFormat;
  all_classes: boolean;
  /** Per explained output (the predicted class: the first class's; every class; the regression value). */
  expected_value: Record<string, number>;
  threads: number;
  /** Categories never seen in training, per feature: read as missing values. */
  unknown_categories: Record<string, number>;
}

/**
 * About 40 rows of 20 numbers. SHAP costs up to a fifth of a second a row on a large forest, so a file of
 * a few hundred rows is minutes of work: small chunks, and every core from the second chunk on (64 KB
 * chunks left a 300-row file of the bench's model on one thread).
 */
const CHUNK_BYTES = 16 * 1024;

/**
 * `mlctl explain`: exact path-dependent TreeSHAP values (shap's TreeExplainer) for every row of a CSV,
 * streamed in one pass on every core, in input order. Reads rows as `mlctl predict` does (columns by
 * name, categories by their text, empty cells missing). Each row: its prediction, the expected value and
 * one SHAP value per feature, with `expected_value + Σ shap = probability` (or the predicted value).
 */
export async function runExplain(options: ExplainOptions, deps: ExplainDeps): Promise<ExplainResult> {
  const dataPath = resolve(deps.cwd, options.data);
  await assertDataFile(dataPath, options.data);
  if (options.output !== undefined)
    await assertWritableFile(resolve(deps.cwd, options.output), options.output);
  const model = await loadModel(resolve(deps.cwd, options.model));
  if (model.task === 'regression' && options.allClasses) {
    throw new MlctlError('USAGE', '--all-classes: a regression model has one output, with no classes', {
      hint: `${options.model} is a regression model (target ${model.target ?? 'unknown'}); drop --all-classes.`,
    });
  }
  const sink = options.output
    ? await createFileSink(resolve(deps.cwd, options.output))
    : createStreamSink(deps.stdout);
  const naValues = [...(options.naValues ?? model.naValues)];
  const encoded = encodedFeatures(model.features, model.featureInfo);
  const shape: ExplainShape = {
    task: model.task,
    classes: model.classes,
    features: model.features,
    allClasses: options.allClasses,
    categorical: encoded.map((f) => f.type === 'categorical'),
    naValues: new Set(naValues),
  };
  const { rows, threads, unknown } = await runBatch<ExplainJob, ExplainChunkResult>({
    dataPath,
    data: options.data,
    sink,
    matchColumns: (header) => matchColumns(model, header, options),
    rowsSpec: { features: encoded, naValues },
    job: (spec) => ({
      ...spec,
      predictor: model.predictor.shared(),
      format: options.format,
      allClasses: options.allClasses,
    }),
    scorerModule: join(__dirname, 'score-chunk.js'),
    createScorer: createChunkScorer,
    ...(options.format === 'csv'
      ? { headerLine: (fields: string[]) => explainCsvHeader(fields, shape) }
      : {}),
    threads: options.threads,
    chunkBytes: () => CHUNK_BYTES,
    parallelFromBytes: 2 * CHUNK_BYTES,
    onResult: () => undefined,
    hint: ROW_HINT,
    stopped: 'explanations stopped',
  });
  warnUnknownCategories(deps.logger, unknown);
  deps.logger.info(
    { model: options.model, data: options.data, rows, threads, output: options.output ?? 'stdout' },
    'explanations written',
  );
  return {
    model: { path: options.model, format: model.format },
    task: model.task,
    data: options.data,
    rows,
    ...(options.output !== undefined ? { output: options.output } : {}),
    format: options.format,
    all_classes: options.allClasses,
    expected_value: expectedValues(model),
    threads,
    unknown_categories: unknown,
  };
}

/** The model's expected value per output: each class's (classification), or the one value. */
function expectedValues(model: LoadedModel): Record<string, number> {
  const { expectedValue } = new TreeShap(model.predictor);
  const labels = model.task === 'regression' ? ['value'] : model.classes.map(String);
  return Object.fromEntries(labels.map((label, c) => [label, expectedValue[c] as number]));
}

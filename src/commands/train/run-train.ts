import { randomUUID } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { assertDataFile } from '../../errors';
import { readTrainingTable } from '../../data/training-table';
import { checkOutputTarget, writeModelArtifact } from '../../artifact/write';
import type { ModelMetrics } from '../../artifact/write';
import { sha256File } from '../../artifact/checksums';
import { trainForest } from '../../forest/forest';
import { classificationMetrics } from '../../forest/metrics';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../../artifact/model-file';
import type { ModelParams } from '../../artifact/model-file';
import { Predictor, argmax } from '../../forest/predictor';
import type { ClassLabel } from '../../forest/predictor';
import { stratifiedSplit } from '../../forest/split';
import { checkAgainstSchema, findSchema } from './dataset-check';
import { checkLeafBound, modelParams } from './resolve-params';
import type { HyperParameters } from './resolve-params';

export interface TrainOptions extends HyperParameters {
  data: string;
  /** Default: the schema's target, else `target`. */
  target?: string;
  schema?: string;
  features?: string[];
  output: string;
  minAccuracy?: number;
  /** Default: the machine's cores. */
  threads?: number;
}

export interface TrainProgress {
  trees: number;
  totalTrees: number;
  /** Training rows each tree is grown on. */
  rows: number;
  elapsedMs: number;
}

export interface TrainDeps {
  logger: Logger;
  cwd: string;
  /** mlctl's version, recorded in MLmodel. */
  version: string;
  now?: () => Date;
  onProgress?: (progress: TrainProgress) => void;
  /** Compiled worker script (tests); default the one beside the learner. */
  workerScript?: string;
}

/** The quality gate's verdict: an expected outcome, not an error. */
export interface GateResult {
  minAccuracy: number;
  accuracy: number;
  passed: boolean;
  reason: string;
}

/** Everything a caller (the CLI, or `train --register`) needs about the run. */
export interface TrainResult {
  /** The artifact directory, as given (relative to cwd) and absolute. */
  modelDir: string;
  modelPath: string;
  metrics: ModelMetrics;
  params: ModelParams;
  data: { path: string; sha256: string; rows: number };
  /** The schema the data was checked against, if any. */
  schema?: string;
  target: string;
  features: string[];
  classes: ClassLabel[];
  gate?: GateResult;
  /** sha256 of every artifact file, as in SHA256SUMS. */
  files: Record<string, string>;
  threads: number;
  seconds: { fit: number; total: number };
}

/** `mlctl train`: check and read the data, split, train, measure, write the artifact. */
export async function runTrain(options: TrainOptions, deps: TrainDeps): Promise<TrainResult> {
  const started = performance.now();
  const { logger } = deps;
  const dataPath = resolve(deps.cwd, options.data);
  const modelPath = resolve(deps.cwd, options.output);
  await assertDataFile(dataPath, options.data);
  await checkOutputTarget(modelPath);

  const found = await findSchema(
    dataPath,
    options.schema === undefined ? undefined : resolve(deps.cwd, options.schema),
  );
  const schemaShown = found && (options.schema ?? shownPath(deps.cwd, found.path));
  if (found) await checkAgainstSchema(dataPath, options.data, schemaShown as string, found.schema);
  const target = options.target ?? found?.schema.target ?? 'target';

  const table = await readTrainingTable(dataPath, { target, features: options.features, name: options.data });
  logger.info(
    {
      data: options.data,
      rows: table.rows,
      features: table.features.length,
      classes: table.classes.length,
      schema: schemaShown,
    },
    'training data read',
  );
  const params = modelParams(options, table.features.length);
  const split = stratifiedSplit(table.y, table.classes, options.testSize, options.seed);
  checkLeafBound(options.minSamplesLeaf, split.train.length);

  const trainColumns = table.columns.map((column) =>
    Float64Array.from(split.train, (row) => column[row] as number),
  );
  const trainY = Uint16Array.from(split.train, (row) => table.y[row] as number);
  const fitStarted = performance.now();
  const training = await trainForest(
    { columns: trainColumns, y: trainY, nClasses: table.classes.length },
    {
      nEstimators: options.nEstimators,
      seed: options.seed,
      mtry: params.max_features_count,
      minSamplesLeaf: options.minSamplesLeaf,
      maxDepth: options.maxDepth ?? Infinity,
    },
    {
      threads: options.threads,
      workerScript: deps.workerScript,
      onTree: (trees, totalTrees) =>
        deps.onProgress?.({
          trees,
          totalTrees,
          rows: split.train.length,
          elapsedMs: performance.now() - fitStarted,
        }),
    },
  );
  const fitSeconds = (performance.now() - fitStarted) / 1000;
  logger.info(
    { trees: options.nEstimators, threads: training.threads, seconds: round(fitSeconds) },
    'forest trained',
  );

  const predictor = new Predictor({
    features: table.features,
    classes: table.classes,
    forest: training.forest,
  });
  const testPredictions = predictRows(predictor, table.columns, split.test);
  const trainPredictions = argmaxRows(training.forest.nClasses, training.trainProba);
  const metrics: ModelMetrics = {
    ...classificationMetrics(
      Uint16Array.from(split.test, (row) => table.y[row] as number),
      testPredictions,
      table.classes,
    ),
    oob_accuracy: training.oobAccuracy,
    rows: { train: split.train.length, test: split.test.length },
  };
  const gate = options.minAccuracy === undefined ? undefined : judge(metrics.accuracy, options.minAccuracy);

  const data = { path: shownPath(deps.cwd, dataPath), sha256: await sha256File(dataPath), rows: table.rows };
  const files = await writeModelArtifact(modelPath, {
    document: {
      format: MODEL_FORMAT,
      format_version: MODEL_FORMAT_VERSION,
      features: table.features,
      target,
      classes: table.classes,
      params,
    },
    forest: training.forest,
    metrics,
    mlmodel: {
      mlctlVersion: deps.version,
      params,
      data,
      features: table.features,
      classType: table.classType,
      uuid: randomUUID().replace(/-/g, ''),
      created: (deps.now ?? (() => new Date()))(),
    },
    reference: {
      features: table.features,
      columns: table.columns,
      rows: split.train,
      target: trainY,
      prediction: trainPredictions,
      classes: table.classes,
    },
  });
  logger.info({ model_dir: options.output, accuracy: round(metrics.accuracy) }, 'model written');

  return {
    modelDir: options.output,
    modelPath,
    metrics,
    params,
    data,
    schema: schemaShown,
    target,
    features: table.features,
    classes: table.classes,
    gate,
    files,
    threads: training.threads,
    seconds: { fit: fitSeconds, total: (performance.now() - started) / 1000 },
  };
}

function predictRows(predictor: Predictor, columns: readonly Float64Array[], rows: Int32Array): Uint16Array {
  return argmaxRows(predictor.classes.length, predictor.predictProbaColumns(columns, rows));
}

function argmaxRows(K: number, proba: Float64Array): Uint16Array {
  return Uint16Array.from({ length: proba.length / K }, (_, k) => argmax(proba.subarray(k * K, k * K + K)));
}

function judge(accuracy: number, minAccuracy: number): GateResult {
  const passed = accuracy >= minAccuracy;
  const reason = passed
    ? `held-out accuracy ${round(accuracy)} meets --min-accuracy ${minAccuracy}`
    : `held-out accuracy ${round(accuracy)} is below --min-accuracy ${minAccuracy}`;
  return { minAccuracy, accuracy, passed, reason };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** A path as the user would write it: relative to cwd when inside it, with forward slashes. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === '' || rel.startsWith('..') ? path : rel).split(sep).join('/');
}

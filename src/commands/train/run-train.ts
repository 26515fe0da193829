import { randomUUID } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError, assertDataFile } from '../../errors';
import { readTrainingTable } from '../../data/training-table';
import type { FeatureSpec, LeftOut } from '../../data/training-table';
import { checkOutputTarget, writeModelArtifact } from '../../artifact/write';
import type { ModelMetrics } from '../../artifact/write';
import { sha256File } from '../../artifact/checksums';
import { trainForest } from '../../forest/forest';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, featureInfo } from '../../artifact/model-file';
import type { ModelParams } from '../../artifact/model-file';
import type { ClassLabel } from '../../forest/predictor';
import type { Task } from '../../forest/tree-arrays';
import { checkAgainstSchema, findSchema } from './dataset-check';
import { argmaxRows, evaluationRows, measure, splitRows } from './evaluate';
import { checkGateOptions, judge } from './gate';
import { OobCurve } from './oob-curve';
import { reportData } from './report-data';
import { renderTrainReport } from '../../report/train-report';
import { writeFileAtomic } from '../../io/fs-atomic';
import type { GateOptions, GateResult } from './gate';
import { balancedClassWeights, checkLeafBound, modelParams } from './resolve-params';
import type { HyperParameters } from './resolve-params';

export interface TrainOptions extends HyperParameters, GateOptions {
  data: string;
  /** Default: the schema's target, else `target`. */
  target?: string;
  schema?: string;
  features?: string[];
  categorical?: string[];
  numeric?: string[];
  naValues?: string[];
  /** Default: inferred from the target. */
  task?: Task;
  /** Evaluate on this file instead of a split of --data. */
  testData?: string;
  output: string;
  /** Also write the training report here. */
  report?: string;
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

export type { GateResult } from './gate';

/** Everything a caller (the CLI, or `train --register`) needs about the run. */
export interface TrainResult {
  /** The artifact directory, as given (relative to cwd) and absolute. */
  modelDir: string;
  modelPath: string;
  task: Task;
  /** Why the task is what it is. */
  taskReason: string;
  metrics: ModelMetrics;
  params: ModelParams;
  data: { path: string; sha256: string; rows: number };
  /** The schema the data was checked against, if any. */
  schema?: string;
  testData?: string;
  target: string;
  features: string[];
  specs: FeatureSpec[];
  leftOut: LeftOut[];
  notes: string[];
  /** Classification: the labels; empty for regression. */
  classes: ClassLabel[];
  gate?: GateResult;
  /** sha256 of every artifact file, as in SHA256SUMS. */
  files: Record<string, string>;
  /** Where the training report was written besides the artifact (--report). */
  report?: string;
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
  if (options.testData !== undefined)
    await assertDataFile(resolve(deps.cwd, options.testData), options.testData);
  if (options.testData !== undefined && options.testSize !== undefined) {
    throw new MlctlError('USAGE', '--test-data and --test-size exclude each other', {
      hint: 'With --test-data the model trains on every row of --data and is measured on the test file.',
    });
  }
  await checkOutputTarget(modelPath);

  const found = await findSchema(
    dataPath,
    options.schema === undefined ? undefined : resolve(deps.cwd, options.schema),
  );
  const schemaShown = found && (options.schema ?? shownPath(deps.cwd, found.path));
  if (found)
    await checkAgainstSchema(dataPath, options.data, schemaShown as string, found.schema, options.naValues);
  const target = options.target ?? found?.schema.target ?? 'target';

  const table = await readTrainingTable(dataPath, {
    target,
    features: options.features,
    name: options.data,
    schema: found?.schema,
    categorical: options.categorical,
    numeric: options.numeric,
    naValues: options.naValues,
    task: options.task,
  });
  for (const l of table.leftOut)
    logger.warn({ column: l.column, reason: l.reason }, 'column left out of the features');
  for (const note of table.notes) logger.warn({ note }, 'check the data');
  logger.info(
    {
      data: options.data,
      rows: table.rows,
      features: table.features.length,
      task: table.task,
      classes: table.classes.length,
      schema: schemaShown,
    },
    'training data read',
  );
  checkGateOptions(options, table.task);
  if (options.classWeight && table.task === 'regression') {
    throw new MlctlError('USAGE', '--class-weight applies to classification only', {
      hint: `The target is a quantity: ${table.taskReason}.`,
    });
  }

  const testSize = options.testData !== undefined ? 0 : (options.testSize ?? 0.2);
  const split = splitRows(table, testSize, options.seed);
  const params = modelParams(options, table.features.length, table.task, testSize);
  checkLeafBound(options.minSamplesLeaf, split.train.length);

  const pick = (column: ArrayLike<number>): Float64Array =>
    Float64Array.from(split.train, (row) => column[row] as number);
  const trainColumns = table.columns.map(pick);
  const trainY = Uint16Array.from(split.train, (row) => table.y[row] as number);
  const trainValues = table.task === 'regression' ? pick(table.values) : undefined;
  const fitStarted = performance.now();
  const oobCurve = new OobCurve(
    {
      task: table.task,
      K: table.task === 'regression' ? 1 : table.classes.length,
      ...(options.classWeight ? { classWeight: balancedClassWeights(trainY, table.classes.length) } : {}),
    },
    trainValues ?? trainY,
  );
  const training = await trainForest(
    {
      columns: trainColumns,
      categories: table.specs.map((s) => s.categories?.length ?? 0),
      target: trainValues
        ? { task: 'regression', y: trainValues }
        : {
            task: 'classification',
            y: trainY,
            K: table.classes.length,
            ...(options.classWeight
              ? { classWeight: balancedClassWeights(trainY, table.classes.length) }
              : {}),
          },
    },
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
      onGrown: (_index, tree) => oobCurve.add(tree),
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

  const evaluated = await evaluationRows(options, deps, table, split, training, trainValues ?? trainY);
  const metrics = measure(evaluated, training, trainValues ?? trainY, table.classes);
  const gate = judge(options, metrics, evaluated.evaluation === 'oob' ? 'out-of-bag' : 'held-out');

  const data = { path: shownPath(deps.cwd, dataPath), sha256: await sha256File(dataPath), rows: table.rows };
  const reportStarted = performance.now();
  const report = renderTrainReport(
    reportData(
      {
        task: table.task,
        target,
        classes: table.classes,
        features: table.features,
        specs: table.specs,
        metrics,
        trees: options.nEstimators,
        seed: options.seed,
        data: { path: data.path, rows: data.rows },
        oobCurve: oobCurve.points,
      },
      training.forest,
      evaluated,
    ),
  );
  logger.info({ seconds: round((performance.now() - reportStarted) / 1000) }, 'training report made');
  const K = table.classes.length;
  const files = await writeModelArtifact(modelPath, {
    document: {
      format: MODEL_FORMAT,
      format_version: MODEL_FORMAT_VERSION,
      ...(table.task === 'regression' ? { task: 'regression' } : {}),
      features: table.features,
      ...featureInfo(table.specs),
      ...(options.naValues && options.naValues.length > 0 ? { na_values: options.naValues } : {}),
      target,
      ...(table.task === 'classification' ? { classes: table.classes } : {}),
      params,
    },
    forest: training.forest,
    metrics,
    mlmodel: {
      mlctlVersion: deps.version,
      params,
      data,
      specs: table.specs,
      task: table.task,
      classType: table.classType,
      uuid: randomUUID().replace(/-/g, ''),
      created: (deps.now ?? (() => new Date()))(),
    },
    reference: {
      features: table.features,
      columns: table.columns,
      categories: table.specs.map((s) => s.categories),
      rows: split.train,
      target: trainValues ?? trainY,
      prediction: trainValues ? training.trainPredictions : argmaxRows(K, training.trainPredictions),
      classes: table.classes,
    },
    report,
  });
  if (options.report !== undefined) await writeFileAtomic(resolve(deps.cwd, options.report), report);
  logger.info({ model_dir: options.output, evaluation: metrics.evaluation }, 'model written');

  return {
    modelDir: options.output,
    modelPath,
    task: table.task,
    taskReason: table.taskReason,
    metrics,
    params,
    data,
    schema: schemaShown,
    ...(options.testData !== undefined ? { testData: options.testData } : {}),
    target,
    features: table.features,
    specs: table.specs,
    leftOut: table.leftOut,
    notes: table.notes,
    classes: table.classes,
    gate,
    files,
    ...(options.report !== undefined ? { report: options.report } : {}),
    threads: training.threads,
    seconds: { fit: fitSeconds, total: (performance.now() - started) / 1000 },
  };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** A path as the user would write it: relative to cwd when inside it, with forward slashes. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return (rel === '' || rel.startsWith('..') ? path : rel).split(sep).join('/');
}

import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ClassifierMetrics, Evaluation, ModelMetrics, RegressorMetrics } from '../../artifact/write';
import { readEvaluationTable } from '../../data/evaluation-table';
import type { TrainingTable } from '../../data/training-table';
import type { ForestTraining } from '../../forest/forest';
import { forestOutputs } from '../../forest/batch';
import { shuffleSplit, stratifiedSplit } from '../../forest/split';
import { classificationMetrics, probabilityMetrics, regressionMetrics } from '../../forest/metrics';
import type { ClassLabel } from '../../forest/predictor';
import { argmax } from '../../forest/predictor';

/** The rows a model is measured on: their truth and the model's outputs (K per row, or 1). */
export interface EvaluatedRows {
  evaluation: Evaluation;
  /** Class indexes, or regression targets. */
  truth: ArrayLike<number>;
  outputs: Float64Array;
  trainRows: number;
  /** The evaluated rows' features: `rows[i]` of `columns` is evaluated row i (the training report's). */
  features: { columns: readonly Float64Array[]; rows: Int32Array };
}

/** metrics.json from the evaluated rows and the out-of-bag predictions of the training rows. */
export function measure(
  rows: EvaluatedRows,
  training: ForestTraining,
  trainTruth: ArrayLike<number>,
  classes: readonly ClassLabel[],
): ModelMetrics {
  const K = classes.length;
  const counts = { train: rows.trainRows, test: rows.truth.length };
  if (K === 0) {
    const oob = oobRows(training, trainTruth, 1);
    const metrics: RegressorMetrics = {
      evaluation: rows.evaluation,
      ...regressionMetrics(rows.truth, rows.outputs),
      oob_r2: oob.truth.length > 0 ? regressionMetrics(oob.truth, oob.outputs).r2 : null,
      rows: counts,
    };
    return metrics;
  }
  const predicted = argmaxRows(K, rows.outputs);
  const base = classificationMetrics(rows.truth, predicted, classes);
  const oob = oobRows(training, trainTruth, K);
  const oobAccuracy =
    oob.truth.length > 0
      ? classificationMetrics(oob.truth, argmaxRows(K, oob.outputs), classes).accuracy
      : null;
  const metrics: ClassifierMetrics = {
    evaluation: rows.evaluation,
    accuracy: base.accuracy,
    f1_macro: base.f1_macro,
    ...probabilityMetrics(rows.truth, rows.outputs, K),
    oob_accuracy: oobAccuracy,
    classes: base.classes,
    per_class: base.per_class,
    confusion_matrix: base.confusion_matrix,
    rows: counts,
  };
  return metrics;
}

/** The training rows some tree did not draw, with their out-of-bag outputs. */
export function oobRows(
  training: ForestTraining,
  truth: ArrayLike<number>,
  K: number,
): { truth: Float64Array; outputs: Float64Array } {
  const picked: number[] = [];
  training.oobScored.forEach((s, i) => {
    if (s) picked.push(i);
  });
  return {
    truth: Float64Array.from(picked, (i) => truth[i] as number),
    outputs: Float64Array.from({ length: picked.length * K }, (_, j) => {
      const row = picked[Math.floor(j / K)] as number;
      return training.oobPredictions[row * K + (j % K)] as number;
    }),
  };
}

export function argmaxRows(K: number, outputs: Float64Array): Uint16Array {
  return Uint16Array.from({ length: outputs.length / K }, (_, k) =>
    argmax(outputs.subarray(k * K, k * K + K)),
  );
}

/** Training and evaluation rows: a stratified (classification) or plain split, or every row. */
export function splitRows(
  table: TrainingTable,
  testSize: number,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  if (testSize === 0)
    return { train: Int32Array.from({ length: table.rows }, (_, i) => i), test: new Int32Array(0) };
  return table.task === 'regression'
    ? shuffleSplit(table.rows, testSize, seed)
    : stratifiedSplit(table.y, table.classes, testSize, seed);
}

export async function evaluationRows(
  options: { testData?: string; naValues?: string[] },
  deps: { cwd: string; logger: Logger },
  table: TrainingTable,
  split: { train: Int32Array; test: Int32Array },
  training: ForestTraining,
  trainTruth: ArrayLike<number>,
): Promise<EvaluatedRows> {
  const trainRows = split.train.length;
  if (options.testData !== undefined) {
    const test = await readEvaluationTable(resolve(deps.cwd, options.testData), {
      features: table.specs,
      target: table.target,
      classes: table.classes,
      naValues: options.naValues ?? [],
      name: options.testData,
    });
    if (test.noTarget > 0)
      deps.logger.warn(
        { rows: test.noTarget, data: options.testData },
        'rows without a target left out of the test data',
      );
    for (const [feature, count] of Object.entries(test.unknown))
      deps.logger.warn(
        { feature, count, data: options.testData },
        'categories not seen in training, read as missing',
      );
    const all = Int32Array.from({ length: test.rows }, (_, i) => i);
    return {
      evaluation: 'test_data',
      truth: test.truth,
      outputs: forestOutputs(training.forest, test.columns, all),
      trainRows,
      features: { columns: test.columns, rows: all },
    };
  }
  if (split.test.length === 0) {
    const picked: number[] = [];
    training.oobScored.forEach((s, i) => s && picked.push(i));
    const K = training.forest.nClasses;
    return {
      evaluation: 'oob',
      truth: Float64Array.from(picked, (i) => trainTruth[i] as number),
      outputs: Float64Array.from(
        { length: picked.length * K },
        (_, j) => training.oobPredictions[(picked[Math.floor(j / K)] as number) * K + (j % K)] as number,
      ),
      trainRows,
      // With --test-size 0 the training rows are every row of the table, in order.
      features: { columns: table.columns, rows: Int32Array.from(picked) },
    };
  }
  const truth = table.task === 'regression' ? table.values : table.y;
  return {
    evaluation: 'holdout',
    truth: Float64Array.from(split.test, (row) => truth[row] as number),
    outputs: forestOutputs(training.forest, table.columns, split.test),
    trainRows,
    features: { columns: table.columns, rows: split.test },
  };
}

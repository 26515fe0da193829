import { MlctlError } from '../errors';
import type { ClassLabel } from '../forest/predictor';
import { ColumnReader } from './column-reader';
import { inferTask } from './column-types';
import type { Task } from './column-types';
import { readCsvRecords } from './csv';
import { planColumns, ProblemList } from './table-plan';
import { typeFeatures } from './feature-types';
import type { FeatureSpec, LeftOut } from './feature-types';
import { isFiniteNumberText } from './numeric-text';
import type { DatasetSchema } from './schema';

export type { FeatureSpec, LeftOut } from './feature-types';

/** A labelled dataset in memory, column by column, as the learner takes it. */
export interface TrainingTable {
  features: string[];
  /** Each feature's type, categories and whether it was missing anywhere. */
  specs: FeatureSpec[];
  /** One array per feature: numbers, or category codes (indexes into the spec's categories); NaN missing. */
  columns: Float64Array[];
  target: string;
  task: Task;
  /** Why the task is what it is (inferred, or as asked). */
  taskReason: string;
  /** Classification: class index of every row, into `classes`. */
  y: Uint16Array;
  /** Classification: sorted numerically when every label is a number, else as text. Empty for regression. */
  classes: ClassLabel[];
  /** How the labels read: MLflow's signature type follows from it. */
  classType: 'integer' | 'number' | 'string';
  /** Regression: the target of every row. */
  values: Float64Array;
  rows: number;
  /** Columns that are not features, and why (identifier-like, empty…). */
  leftOut: LeftOut[];
  /** Advice about the data (e.g. texts that look like missing-value markers). */
  notes: string[];
}

export interface ReadTableOptions {
  target: string;
  /** Feature columns; default every column but the target (less those that cannot be features). */
  features?: string[];
  /** The file's name in messages (default: the path). */
  name?: string;
  /** Column types from a dataset schema (docs/DATA.md). */
  schema?: DatasetSchema;
  /** Columns forced categorical / numeric. */
  categorical?: string[];
  numeric?: string[];
  /** Texts read as missing, besides the empty cell. */
  naValues?: string[];
  /** Default: inferred from the target (column-types.ts). */
  task?: Task;
}

/** Past this many distinct labels the target is almost surely not a class column (a regression target). */
export const MAX_CLASSES = 1000;

/**
 * Reads a training CSV in one streaming pass into typed columns: every feature numeric or categorical
 * (from the schema, the overrides, or inferred by validate --infer's rules), empty cells missing. All
 * problems are collected and reported at once (INPUT_INVALID, exit 2), so the user fixes the file in one
 * go.
 */
export async function readTrainingTable(path: string, options: ReadTableOptions): Promise<TrainingTable> {
  const file = options.name ?? path;
  const problems = new ProblemList();
  const naValues = new Set(options.naValues ?? []);
  let plan: ReturnType<typeof planColumns> | undefined;
  let readers: ColumnReader[] = [];
  let target: ColumnReader | undefined;
  const labelIndex = new Map<string, number>();
  let labels = new Uint32Array(1024);
  let rows = 0;
  const noTarget: number[] = [];

  const onDefect = (d: { line: number; message: string }): void => problems.add(`line ${d.line}: ${d.message}`);
  for await (const record of readCsvRecords(path, { onDefect })) {
    if (plan === undefined) {
      plan = planColumns(record.fields.map((f) => f.trim()), options, file);
      readers = plan.candidates.map((name) => new ColumnReader(name, naValues));
      target = new ColumnReader(options.target, naValues);
      continue;
    }
    if (record.fields.length !== plan.width) {
      problems.add(`line ${record.line}: ${record.fields.length} fields, the header has ${plan.width}`);
      continue;
    }
    const label = (record.fields[plan.targetIndex] as string).trim();
    // Nothing to learn from a row without a target: it is left out, and said so.
    if (label === '' || naValues.has(label)) {
      noTarget.push(record.line);
      continue;
    }
    for (let f = 0; f < readers.length; f++)
      (readers[f] as ColumnReader).add(record.fields[plan.candidateIndex[f] as number] as string, record.line);
    (target as ColumnReader).add(label, record.line);
    if (rows === labels.length) {
      const bigger = new Uint32Array(labels.length * 2);
      bigger.set(labels);
      labels = bigger;
    }
    // A regression target has as many labels as rows: past MAX_CLASSES none is kept.
    let index = labelIndex.get(label);
    if (index === undefined && labelIndex.size <= MAX_CLASSES) labelIndex.set(label, (index = labelIndex.size));
    labels[rows++] = index ?? 0;
  }
  if (plan === undefined || target === undefined || rows === 0) {
    if (problems.count === 0) {
      throw new MlctlError('INPUT_INVALID', `${file} has no data rows${noTarget.length > 0 ? ` with a target` : ''}`, {
        hint: noTarget.length > 0 ? `Every row's target "${options.target}" is empty.` : 'Train on a CSV with a header and rows.',
      });
    }
    throw tableProblems(file, problems);
  }

  const typed = typeFeatures(readers, plan.explicit, options, problems);
  if (noTarget.length > 0) {
    const lines = noTarget.slice(0, 5).join(', ') + (noTarget.length > 5 ? ', …' : '');
    typed.notes.unshift(`${noTarget.length} row${noTarget.length === 1 ? ' has' : 's have'} no target "${options.target}" and ${noTarget.length === 1 ? 'is' : 'are'} left out (line${noTarget.length === 1 ? '' : 's'} ${lines})`);
  }
  const { task, reason } = options.task
    ? { task: options.task, reason: 'as asked (--task)' }
    : inferTask(target.stats);
  if (task === 'regression') {
    for (const bad of target.texts) problems.add(`line ${bad.line}: the target "${options.target}" = ${JSON.stringify(bad.text)} is not a number (regression)`);
  }
  if (problems.count > 0) throw tableProblems(file, problems);

  const base = {
    features: typed.specs.map((s) => s.name),
    specs: typed.specs,
    columns: typed.columns,
    target: options.target,
    task,
    taskReason: reason,
    rows,
    leftOut: typed.leftOut,
    notes: typed.notes,
  };
  if (task === 'regression') {
    return { ...base, y: new Uint16Array(0), classes: [], classType: 'number', values: target.numericColumn() };
  }
  if (labelIndex.size > MAX_CLASSES) {
    throw new MlctlError('INPUT_INVALID', `the target "${options.target}" has more than ${MAX_CLASSES} distinct values, too many classes`, {
      hint: 'A column of many distinct numbers is a regression target (--task regression); check --target.',
    });
  }
  const { classes, classType, remap } = orderClasses([...labelIndex.keys()]);
  if (classes.length < 2) {
    throw new MlctlError('INPUT_INVALID', `the target "${options.target}" has a single class (${String(classes[0])}): nothing to learn`, {
      hint: 'A classifier needs at least two classes in the target column; check --target and the data.',
    });
  }
  const y = new Uint16Array(rows);
  for (let i = 0; i < rows; i++) y[i] = remap[labels[i] as number] as number;
  return { ...base, y, classes, classType, values: new Float64Array(0) };
}

function tableProblems(file: string, problems: ProblemList): MlctlError {
  return new MlctlError('INPUT_INVALID', `${file}: ${problems.count} problem${problems.count === 1 ? '' : 's'} in the training data`, {
    problems: problems.list(),
    hint: 'Numeric features take decimal numbers, categorical ones text; an empty cell is a missing value (--na-values adds texts such as NA). `mlctl validate --infer` shows each column\'s type; --numeric/--categorical override it.',
    location: { file },
  });
}

/**
 * Labels sorted numerically when all are numbers (so "10" follows "9", and "1.0" is the class 1), as
 * text otherwise. `remap` takes a label's order of appearance to its class index.
 */
export function orderClasses(labels: string[]): {
  classes: ClassLabel[];
  classType: TrainingTable['classType'];
  remap: Uint16Array;
} {
  const numeric = labels.every((l) => isFiniteNumberText(l));
  const keys: ClassLabel[] = labels.map((l) => (numeric ? Number(l) : l));
  const classes = [...new Set(keys)].sort((a, b) =>
    numeric ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0,
  );
  const position = new Map(classes.map((c, i) => [c, i]));
  const remap = Uint16Array.from(keys, (k) => position.get(k) as number);
  const classType = !numeric ? 'string' : classes.every((c) => Number.isInteger(c)) ? 'integer' : 'number';
  return { classes, classType, remap };
}

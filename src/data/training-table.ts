import { MlctlError } from '../errors';
import type { ClassLabel } from '../forest/predictor';
import { readCsvRecords } from './csv';
import { isFiniteNumberText } from './numeric-text';

/** A labelled dataset in memory, column by column, as the learner takes it. */
export interface TrainingTable {
  features: string[];
  target: string;
  /** One array per feature. */
  columns: Float64Array[];
  /** Class index of every row, into `classes`. */
  y: Uint16Array;
  /** Sorted: numerically when every label is a number, else as text. */
  classes: ClassLabel[];
  /** How the labels read: MLflow's signature type follows from it. */
  classType: 'integer' | 'number' | 'string';
  rows: number;
}

export interface ReadTableOptions {
  target: string;
  /** Feature columns; default every column but the target. */
  features?: string[];
  /** The file's name in messages (default: the path). */
  name?: string;
}

/** Past this many distinct labels the target is almost surely not a class column (a regression target). */
export const MAX_CLASSES = 1000;
const MAX_SAMPLES = 10;

/**
 * Reads a training CSV in one streaming pass into typed columns. Every value of a feature column must be
 * a finite number and every row must have a target; all such problems are collected and reported at once
 * (INPUT_INVALID, exit 2), so the user fixes the file in one go.
 */
export async function readTrainingTable(path: string, options: ReadTableOptions): Promise<TrainingTable> {
  const file = options.name ?? path;
  const problems = new ProblemList();
  let layout: { featureIndex: number[]; targetIndex: number; features: string[]; width: number } | undefined;
  let columns: Float64Array[] = [];
  let rows = 0;
  const labelIndex = new Map<string, number>();
  let labels = new Uint32Array(1024);

  const onDefect = (d: { line: number; message: string }): void => problems.add(`line ${d.line}: ${d.message}`);
  for await (const record of readCsvRecords(path, { onDefect })) {
    if (layout === undefined) {
      layout = planColumns(record.fields.map((f) => f.trim()), options, file);
      columns = layout.features.map(() => new Float64Array(1024));
      continue;
    }
    if (record.fields.length !== layout.width) {
      problems.add(`line ${record.line}: ${record.fields.length} fields, the header has ${layout.width}`);
      continue;
    }
    if (rows === labels.length) {
      columns = columns.map((c) => grow(c));
      labels = grow(labels);
    }
    for (let f = 0; f < layout.featureIndex.length; f++) {
      const text = (record.fields[layout.featureIndex[f] as number] as string).trim();
      if (isFiniteNumberText(text)) (columns[f] as Float64Array)[rows] = Number(text);
      else problems.add(`line ${record.line}: column "${layout.features[f]}" = ${JSON.stringify(text)} is not a finite number`);
    }
    const label = (record.fields[layout.targetIndex] as string).trim();
    if (label === '') problems.add(`line ${record.line}: the target "${options.target}" is empty`);
    let index = labelIndex.get(label);
    if (index === undefined) labelIndex.set(label, (index = labelIndex.size));
    labels[rows++] = index;
  }

  if (problems.count > 0) {
    throw new MlctlError('INPUT_INVALID', `${file}: ${problems.count} problem${problems.count === 1 ? '' : 's'} in the training data`, {
      problems: problems.list(),
      hint: 'Features must be numeric with no empty values. Pick numeric columns with --features, or clean the file (`mlctl validate --infer` shows each column\'s type).',
      location: { file },
    });
  }
  if (layout === undefined || rows === 0) {
    throw new MlctlError('INPUT_INVALID', `${file} has no data rows`, { hint: 'Train on a CSV with a header and rows.' });
  }
  const { classes, classType, remap } = orderClasses([...labelIndex.keys()]);
  if (classes.length < 2) {
    throw new MlctlError('INPUT_INVALID', `the target "${options.target}" has a single class (${String(classes[0])}): nothing to learn`, {
      hint: 'A classifier needs at least two classes in the target column; check --target and the data.',
    });
  }
  if (classes.length > MAX_CLASSES) {
    throw new MlctlError('INPUT_INVALID', `the target "${options.target}" has ${classes.length} distinct values, more than ${MAX_CLASSES} classes`, {
      hint: 'mlctl trains classifiers; a column of many distinct numbers is a regression target. Check --target.',
    });
  }
  const y = new Uint16Array(rows);
  for (let i = 0; i < rows; i++) y[i] = remap[labels[i] as number] as number;
  return {
    features: layout.features,
    target: options.target,
    columns: columns.map((c) => c.slice(0, rows)),
    y,
    classes,
    classType,
    rows,
  };
}

function planColumns(header: string[], options: ReadTableOptions, file: string) {
  const duplicate = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicate !== undefined) {
    throw new MlctlError('INPUT_INVALID', `${file}: column "${duplicate}" appears more than once in the header`, {
      hint: 'Give every column a unique name.',
    });
  }
  const targetIndex = header.indexOf(options.target);
  if (targetIndex < 0) {
    throw new MlctlError('INPUT_INVALID', `${file}: no target column "${options.target}"`, {
      problems: [`columns: ${header.join(', ')}`],
      hint: 'Name the class column with --target <column> (env MLCTL_TARGET).',
    });
  }
  const features = options.features ?? header.filter((_, i) => i !== targetIndex);
  const repeated = features.find((f, i) => features.indexOf(f) !== i);
  if (repeated !== undefined) {
    throw new MlctlError('INPUT_INVALID', `--features names "${repeated}" more than once`);
  }
  const missing = features.filter((f) => !header.includes(f));
  if (missing.length > 0) {
    throw new MlctlError('INPUT_INVALID', `${file}: --features names columns that are not in the file`, {
      problems: [...missing.map((m) => `no column "${m}"`), `columns: ${header.join(', ')}`],
    });
  }
  if (features.includes(options.target)) {
    throw new MlctlError('INPUT_INVALID', `the target "${options.target}" cannot also be a feature`, {
      hint: 'Remove it from --features.',
    });
  }
  const clash = features.filter((f) => f === 'target' || f === 'prediction');
  if (clash.length > 0) {
    throw new MlctlError('INPUT_INVALID', `feature column "${clash[0]}" clashes with a column of reference.csv`, {
      hint: 'reference.csv adds the columns `target` and `prediction`; rename the feature, or leave it out with --features.',
    });
  }
  if (features.length === 0) {
    throw new MlctlError('INPUT_INVALID', `${file}: no feature columns besides the target "${options.target}"`);
  }
  return { features, targetIndex, featureIndex: features.map((f) => header.indexOf(f)), width: header.length };
}

/**
 * Labels sorted numerically when all are numbers (so "10" follows "9", and "1.0" is the class 1), as
 * text otherwise. `remap` takes a label's order of appearance to its class index.
 */
function orderClasses(labels: string[]): {
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

function grow<T extends Float64Array | Uint32Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

class ProblemList {
  count = 0;
  private readonly samples: string[] = [];

  add(problem: string): void {
    this.count++;
    if (this.samples.length < MAX_SAMPLES) this.samples.push(problem);
  }

  list(): string[] {
    return this.count > this.samples.length ? [...this.samples, `… and ${this.count - this.samples.length} more`] : this.samples;
  }
}

import { MlctlError } from '../errors';
import type { ClassLabel } from '../forest/predictor';
import { readCsvRecords } from './csv';
import { isFiniteNumberText, normaliseValue } from './numeric-text';
import { RowEncoder } from './row-encoder';
import type { EncodedFeature } from './row-encoder';
import { ProblemList } from './table-plan';

/** A labelled file read with a model's feature types: what `train --test-data` evaluates on. */
export interface EvaluationTable {
  columns: Float64Array[];
  /** Classification: class indexes; regression: the target values. */
  truth: Float64Array;
  rows: number;
  /** Categories not seen in training, per feature (treated as missing). */
  unknown: Record<string, number>;
  /** Rows left out: their target is empty. */
  noTarget: number;
}

export interface EvaluationOptions {
  features: readonly EncodedFeature[];
  target: string;
  /** Classification: the training classes (a label outside them is a problem). Empty: regression. */
  classes: readonly ClassLabel[];
  naValues: readonly string[];
  name: string;
}

/** Reads an evaluation CSV: columns by name, values encoded as at prediction, every problem at once. */
export async function readEvaluationTable(path: string, options: EvaluationOptions): Promise<EvaluationTable> {
  const problems = new ProblemList();
  const naValues = new Set(options.naValues);
  const encoder = new RowEncoder(options.features, naValues);
  let noTarget = 0;
  const numericClasses = options.classes.every((c) => typeof c === 'number');
  const classIndex = new Map(options.classes.map((c, i) => [normaliseValue(c, numericClasses), i]));
  const regression = options.classes.length === 0;
  let index: number[] | undefined;
  let targetAt = -1;
  let width = 0;
  const columns: number[][] = options.features.map(() => []);
  const truth: number[] = [];
  for await (const record of readCsvRecords(path, { onDefect: (d) => problems.add(`line ${d.line}: ${d.message}`) })) {
    if (index === undefined) {
      const header = record.fields.map((f) => f.trim());
      const missing = [...options.features.map((f) => f.name), options.target].filter((n) => !header.includes(n));
      if (missing.length > 0) {
        throw new MlctlError('INPUT_INVALID', `${options.name} lacks columns the model needs: ${missing.join(', ')}`, {
          problems: [`the file has: ${header.join(', ')}`],
          hint: '--test-data must have the training data\'s feature and target columns.',
        });
      }
      index = options.features.map((f) => header.indexOf(f.name));
      targetAt = header.indexOf(options.target);
      width = header.length;
      continue;
    }
    if (record.fields.length !== width) {
      problems.add(`line ${record.line}: ${record.fields.length} fields, the header has ${width}`);
      continue;
    }
    const label0 = (record.fields[targetAt] as string).trim();
    if (label0 === '' || naValues.has(label0)) {
      noTarget++;
      continue;
    }
    index.forEach((at, f) => {
      const v = encoder.encode(f, record.fields[at] as string);
      if (typeof v === 'number') (columns[f] as number[]).push(v);
      else problems.add(`line ${record.line}: column "${v.feature}" = ${JSON.stringify(v.value)} ${v.message}`);
    });
    const label = label0;
    if (regression) {
      if (isFiniteNumberText(label)) truth.push(Number(label));
      else problems.add(`line ${record.line}: the target "${options.target}" = ${JSON.stringify(label)} is not a number`);
    } else {
      const c = classIndex.get(normaliseValue(label, numericClasses && isFiniteNumberText(label)));
      if (c === undefined) problems.add(`line ${record.line}: class ${JSON.stringify(label)} was not in the training data`);
      else truth.push(c);
    }
  }
  if (index === undefined || truth.length === 0) problems.add('the file has no data rows');
  if (problems.count > 0) {
    throw new MlctlError('INPUT_INVALID', `${options.name}: ${problems.count} problem${problems.count === 1 ? '' : 's'} in the test data`, {
      problems: problems.list(),
      hint: 'The test data is read like the training data, with the model\'s feature types.',
      location: { file: options.name },
    });
  }
  return {
    columns: columns.map((c) => Float64Array.from(c)),
    truth: Float64Array.from(truth),
    rows: truth.length,
    unknown: encoder.unknown,
    noTarget,
  };
}

import { MlctlError } from '../errors';

/** Which columns of the header are read, and which of them the user named as features. */
export interface ColumnPlan {
  /** Columns that may become features, in header order (or --features order). */
  candidates: string[];
  candidateIndex: number[];
  /** Named with --features: each must become a feature. */
  explicit: boolean;
  targetIndex: number;
  width: number;
}

/** Checks the header against the target, --features and the type overrides. */
export function planColumns(
  header: string[],
  options: { target: string; features?: string[]; categorical?: string[]; numeric?: string[] },
  file: string,
): ColumnPlan {
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
      hint: 'Name the target column with --target <column> (env MLCTL_TARGET).',
    });
  }
  const features = options.features ?? header.filter((_, i) => i !== targetIndex);
  const repeated = features.find((f, i) => features.indexOf(f) !== i);
  if (repeated !== undefined) {
    throw new MlctlError('INPUT_INVALID', `--features names "${repeated}" more than once`);
  }
  for (const [flag, names] of [
    ['--features', options.features],
    ['--categorical', options.categorical],
    ['--numeric', options.numeric],
  ] as const) {
    const missing = (names ?? []).filter((f) => !header.includes(f));
    if (missing.length > 0) {
      throw new MlctlError('INPUT_INVALID', `${file}: ${flag} names columns that are not in the file`, {
        problems: [...missing.map((m) => `no column "${m}"`), `columns: ${header.join(', ')}`],
      });
    }
  }
  const both = (options.categorical ?? []).filter((c) => options.numeric?.includes(c));
  if (both.length > 0) {
    throw new MlctlError('USAGE', `column "${both[0]}" is named by both --categorical and --numeric`, {
      hint: 'Give each column one type.',
    });
  }
  if (features.includes(options.target) || options.categorical?.includes(options.target) || options.numeric?.includes(options.target)) {
    throw new MlctlError('INPUT_INVALID', `the target "${options.target}" cannot also be a feature`, {
      hint: 'Remove it from --features, --categorical and --numeric.',
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
  return {
    candidates: features,
    candidateIndex: features.map((f) => header.indexOf(f)),
    explicit: options.features !== undefined,
    targetIndex,
    width: header.length,
  };
}

const MAX_SAMPLES = 10;

/** Problems of a file: all counted, the first few kept to show. */
export class ProblemList {
  count = 0;
  private readonly samples: string[] = [];

  add(problem: string): void {
    this.count++;
    if (this.samples.length < MAX_SAMPLES) this.samples.push(problem);
  }

  list(): string[] {
    return this.count > this.samples.length
      ? [...this.samples, `… and ${this.count - this.samples.length} more`]
      : this.samples;
  }
}

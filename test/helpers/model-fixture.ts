import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChecksums } from '../../src/artifact/checksums';

export interface FixtureOptions {
  accuracy?: number;
  seed?: number;
  datasetSha256?: string;
  /** Extra files (relative path → content), e.g. a nested `trees/part-0.bin`. */
  extraFiles?: Record<string, string | Uint8Array>;
}

export const FIXTURE_DATASET_SHA = 'a'.repeat(63) + '1';

/**
 * A small model artifact in the format of docs/ARTIFACT.md (MLmodel with the mlctl flavor, model.json,
 * metrics.json, reference.csv, SHA256SUMS), as `mlctl train` writes it.
 */
export async function createModelFixture(parent: string, options: FixtureOptions = {}): Promise<string> {
  const dir = join(parent, `model-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(dir, { recursive: true });
  const seed = options.seed ?? 42;
  const mlmodel = `artifact_path: model
flavors:
  mlctl:
    mlctl_version: 0.1.0
    model_file: model.json
    format: mlctl-random-forest
    params:
      n_estimators: 10
      max_features: sqrt
      seed: ${seed}
      test_size: 0.2
      tree:
        max_depth: 5
    data:
      path: data/processed/iris.csv
      sha256: ${options.datasetSha256 ?? FIXTURE_DATASET_SHA}
      rows: 150
model_uuid: ${'0'.repeat(31)}${seed % 10}
utc_time_created: '2026-11-27 00:00:00.000000'
signature:
  inputs: '[{"type": "double", "name": "sepal_length", "required": true}, {"type": "double", "name": "petal_length", "required": true}]'
  outputs: '[{"type": "long", "required": true}]'
  params: null
`;
  const model = {
    features: ['sepal_length', 'petal_length'],
    target: 'target',
    classes: [0, 1, 2],
    seed,
    trees: [],
  };
  const metrics = {
    accuracy: options.accuracy ?? 0.9667,
    f1_macro: 0.9666,
    oob_accuracy: 0.95,
    classes: [0, 1, 2],
    per_class: { '0': { precision: 1, recall: 1, f1: 1, support: 10 } },
    confusion_matrix: [
      [10, 0, 0],
      [0, 9, 1],
      [0, 0, 10],
    ],
    rows: { train: 120, test: 30 },
  };
  await writeFile(join(dir, 'MLmodel'), mlmodel);
  await writeFile(join(dir, 'model.json'), JSON.stringify(model));
  await writeFile(join(dir, 'metrics.json'), JSON.stringify(metrics, null, 2));
  await writeFile(
    join(dir, 'reference.csv'),
    'sepal_length,petal_length,target,prediction\n5.1,1.4,0,0\n6.7,5.2,2,2\n',
  );
  for (const [file, content] of Object.entries(options.extraFiles ?? {})) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  await writeChecksums(dir);
  return dir;
}

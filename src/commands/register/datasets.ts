import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { DatasetInput, LinkedMetric } from '../../registry/types';
import type { ArtifactSummary } from './read-artifact';

/** MLflow refuses a dataset digest longer than this (`MAX_DATASET_DIGEST_SIZE`). */
export const MAX_DIGEST = 36;

export interface ModelDatasets {
  /** The data file the model was trained from (context `training`). */
  training: DatasetInput;
  /** Its held-out test split, which metrics.json measures (context `eval`); absent without a split. */
  eval?: DatasetInput;
}

/**
 * The datasets of a training run as MLflow records them (`mlflow.data.from_pandas(...).to_dict()`: name,
 * digest, source, schema, profile). The training dataset's digest is the data file's sha256, cut to
 * MLflow's 36 characters (the whole hash is in its profile). The test split has no hash of its own in the
 * artifact; it is the same rows for the same file, test size and seed (a stratified split, as
 * scikit-learn's `train_test_split(..., stratify=y, random_state=seed)`), so its digest hashes those.
 * Undefined when the artifact names no data.
 */
export function modelDatasets(artifact: ArtifactSummary): ModelDatasets | undefined {
  const { datasetPath: path, datasetSha256: sha256 } = artifact;
  if (path === undefined || sha256 === undefined) return undefined;
  const name = posix.basename(path.replace(/\\/g, '/')).replace(/\.[^.]*$/, '') || 'dataset';
  const remote = /^https?:\/\//i.test(path);
  const base = {
    source_type: remote ? 'http' : 'local',
    source: JSON.stringify(remote ? { url: path } : { uri: path }),
    ...(artifact.columns ? { schema: JSON.stringify({ mlflow_colspec: artifact.columns }) } : {}),
  };
  const columns = artifact.columns?.length;
  const profile = (rows: number | undefined, extra: Record<string, unknown>) =>
    JSON.stringify({
      ...(rows === undefined ? {} : { num_rows: rows }),
      ...(rows === undefined || columns === undefined ? {} : { num_elements: rows * columns }),
      ...extra,
    });
  const training: DatasetInput = {
    dataset: {
      name,
      digest: sha256.slice(0, MAX_DIGEST),
      ...base,
      profile: profile(artifact.datasetRows, { sha256 }),
    },
    tags: { 'mlflow.data.context': 'training' },
  };
  const split = artifact.split;
  if (!split || split.test === 0 || split.testSize === undefined || split.seed === undefined) {
    return { training };
  }
  const spec = { of_sha256: sha256, test_size: split.testSize, seed: split.seed, stratified: true };
  const digest = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, MAX_DIGEST);
  return {
    training,
    eval: {
      dataset: { name: `${name}-test`, digest, ...base, profile: profile(split.test, { split: spec }) },
      tags: { 'mlflow.data.context': 'eval' },
    },
  };
}

/**
 * metrics.json's numbers with the dataset each was measured on: out-of-bag scores (`oob_*`) on the
 * training rows, every other one on the held-out test split.
 */
export function linkMetrics(
  metrics: Record<string, number>,
  datasets: ModelDatasets | undefined,
): LinkedMetric[] {
  const ref = (input: DatasetInput | undefined) =>
    input && { name: input.dataset.name, digest: input.dataset.digest };
  return Object.entries(metrics).map(([key, value]) => {
    const dataset = ref(key.startsWith('oob_') ? datasets?.training : datasets?.eval);
    return dataset ? { key, value, dataset } : { key, value };
  });
}

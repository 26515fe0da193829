import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MlctlError } from '../errors';
import { CHECKSUMS_FILE, writeChecksums } from './checksums';
import type { Forest } from '../forest/forest';
import type { ClassificationMetrics, ProbabilityMetrics, RegressionMetrics } from '../forest/metrics';
import { formatJson } from './json-text';
import { MLMODEL_FILE, formatMlmodel } from './mlmodel';
import type { MlmodelInfo } from './mlmodel';
import { MODEL_FILE, TREES_FILE, encodeModel } from './model-file';
import type { ModelDocument } from './model-file';
import { treesBinChunks } from './trees-bin';
import { writePythonFlavor } from './python-flavor';
import type { ClassLabel } from '../forest/predictor';

export const METRICS_FILE = 'metrics.json';
export const REFERENCE_FILE = 'reference.csv';
export const REPORT_FILE = 'report.html';

/** Which rows the metrics come from (docs/ARTIFACT.md, metrics.json). */
export type Evaluation = 'holdout' | 'test_data' | 'oob';

/** metrics.json of a classifier. */
export interface ClassifierMetrics extends ClassificationMetrics, ProbabilityMetrics {
  evaluation: Evaluation;
  oob_accuracy: number | null;
  rows: { train: number; test: number };
}

/** metrics.json of a regressor. */
export interface RegressorMetrics extends RegressionMetrics {
  evaluation: Evaluation;
  oob_r2: number | null;
  rows: { train: number; test: number };
}

/** metrics.json (docs/ARTIFACT.md). */
export type ModelMetrics = ClassifierMetrics | RegressorMetrics;

/** The training rows with their target and the model's prediction: drift's baseline. */
export interface ReferenceRows {
  features: readonly string[];
  /** Numbers, or category codes; NaN missing. */
  columns: readonly Float64Array[];
  /** Per feature: its categories (categorical), written in place of the codes. */
  categories: ReadonlyArray<readonly ClassLabel[] | undefined>;
  /** Which rows of `columns`, in order. */
  rows: Int32Array;
  /** Classification: class indexes (into `classes`); regression: the numbers. */
  target: ArrayLike<number>;
  prediction: ArrayLike<number>;
  /** Classification: the labels; empty for regression. */
  classes: readonly ClassLabel[];
}

export interface ArtifactContents {
  document: Omit<ModelDocument, 'forest'>;
  forest: Forest;
  metrics: ModelMetrics;
  mlmodel: MlmodelInfo;
  reference: ReferenceRows;
  /** The training report (src/report/train-report.ts), written as report.html. */
  report?: string;
}

/**
 * Fails early (before any training) when `target` exists and is not something a new model may
 * replace: a file, or a directory that holds anything but an earlier model.
 */
export async function checkOutputTarget(target: string): Promise<void> {
  let info;
  try {
    info = await stat(target);
  } catch {
    return;
  }
  if (!info.isDirectory()) {
    throw new MlctlError('OUTPUT_CONFLICT', `output ${target} exists and is a file`, {
      hint: 'Name a directory for the model with --output.',
    });
  }
  const entries = await readdir(target);
  if (entries.length > 0 && !entries.includes(CHECKSUMS_FILE) && !entries.includes(MLMODEL_FILE)) {
    throw new MlctlError(
      'OUTPUT_CONFLICT',
      `output directory ${target} is not empty and does not hold a model`,
      {
        hint: 'mlctl replaces only an earlier model directory; choose a new or empty directory with --output.',
      },
    );
  }
}

/**
 * Writes the artifact into a temporary directory beside `target`, adds SHA256SUMS, then renames it into
 * place (an earlier model there is replaced): a reader never sees a half-written model. Returns the
 * sha256 of every file.
 */
export async function writeModelArtifact(
  target: string,
  contents: ArtifactContents,
): Promise<Record<string, string>> {
  await checkOutputTarget(target);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.${tag}.tmp`);
  const old = join(parent, `.${basename(target)}.${tag}.old`);
  let moved = false;
  try {
    await mkdir(tmp);
    const model = encodeModel(contents.document, contents.forest);
    await writeFile(join(tmp, MODEL_FILE), model.json);
    if (model.treesBin) await writeChunks(join(tmp, TREES_FILE), treesBinChunks(contents.forest));
    await writeFile(join(tmp, METRICS_FILE), `${formatJson(contents.metrics)}\n`);
    await writeReference(join(tmp, REFERENCE_FILE), contents.reference);
    const python = await writePythonFlavor(tmp, contents.reference, contents.mlmodel.specs);
    await writeFile(join(tmp, MLMODEL_FILE), formatMlmodel(contents.mlmodel, python));
    if (contents.report !== undefined) await writeFile(join(tmp, REPORT_FILE), contents.report);
    const sums = await writeChecksums(tmp);
    try {
      await rename(target, old);
      moved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await rename(tmp, target);
    if (moved) await rm(old, { recursive: true, force: true });
    return sums;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (moved) await rename(old, target).catch(() => undefined);
    if (err instanceof MlctlError) throw err;
    throw new MlctlError('IO_ERROR', `cannot write the model to ${target}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function writeChunks(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

const CHUNK_ROWS = 4096;

/** reference.csv: raw values — numbers, category texts, empty cells for missing (docs/ARTIFACT.md). */
async function writeReference(path: string, ref: ReferenceRows): Promise<void> {
  const handle = await open(path, 'w');
  const regression = ref.classes.length === 0;
  try {
    const label = (c: number): string => (regression ? String(c) : csvField(String(ref.classes[c])));
    const cell = ref.columns.map((col, f) => {
      const categories = ref.categories[f];
      return categories
        ? (row: number): string => {
            const v = col[row] as number;
            return v !== v ? '' : csvField(String(categories[v]));
          }
        : (row: number): string => {
            const v = col[row] as number;
            return v !== v ? '' : String(v);
          };
    });
    let lines = [[...ref.features, 'target', 'prediction'].map(csvField).join(',')];
    for (let k = 0; k < ref.rows.length; k++) {
      const row = ref.rows[k] as number;
      const values = cell.map((c) => c(row));
      values.push(label(ref.target[k] as number), label(ref.prediction[k] as number));
      lines.push(values.join(','));
      if (lines.length >= CHUNK_ROWS) {
        await handle.write(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length > 0) await handle.write(`${lines.join('\n')}\n`);
  } finally {
    await handle.close();
  }
}

/** RFC 4180 quoting, only where needed. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

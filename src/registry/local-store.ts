import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MlctlError } from '../errors';
import { writeFileAtomic } from '../io/fs-atomic';
import { encodeName } from './names';
import type { LoggedModel, Run, Stage } from './types';

/**
 * The on-disk records of the local registry (docs/REGISTRY.md, "Local layout"). Every file is JSON,
 * written whole with temp + rename, so a reader never sees half of one.
 */
export const LAYOUT_FORMAT = 2;

export interface RootRecord {
  format: number;
  createdBy: string;
}

export interface ExperimentRecord {
  experimentId: string;
  name: string;
  creationTime: number;
}

export type RunRecord = Omit<Run, 'artifactUri'>;

export interface ModelRecord {
  name: string;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** Its files are in `logged-models/<id>/artifacts`. */
export type LoggedModelRecord = Omit<LoggedModel, 'artifact_location'>;

export interface VersionRecord {
  name: string;
  version: string;
  stage: Stage;
  source: string;
  runId?: string;
  model_id?: string;
  tags: Record<string, string>;
  description: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

/** Paths inside a registry root. Model names may hold any character but `/` and `:`; directories get a safe spelling. */
export function layout(root: string) {
  const model = (name: string) => join(root, 'models', encodeName(name));
  return {
    root,
    rootRecord: join(root, 'registry.json'),
    rootLock: join(root, '.lock'),
    experiments: join(root, 'experiments.json'),
    run: (runId: string) => join(root, 'runs', runId),
    runRecord: (runId: string) => join(root, 'runs', runId, 'run.json'),
    runArtifacts: (runId: string) => join(root, 'runs', runId, 'artifacts'),
    loggedModel: (modelId: string) => join(root, 'logged-models', modelId),
    loggedModelRecord: (modelId: string) => join(root, 'logged-models', modelId, 'model.json'),
    loggedModelArtifacts: (modelId: string) => join(root, 'logged-models', modelId, 'artifacts'),
    models: join(root, 'models'),
    model,
    modelRecord: (name: string) => join(model(name), 'model.json'),
    modelLock: (name: string) => join(model(name), '.lock'),
    versions: (name: string) => join(model(name), 'versions'),
    version: (name: string, version: string) => join(model(name), 'versions', version),
    versionRecord: (name: string, version: string) => join(model(name), 'versions', version, 'version.json'),
  };
}

export type Layout = ReturnType<typeof layout>;

/** Reads a JSON record; undefined when the file does not exist. */
export async function readRecord<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw new MlctlError('IO_ERROR', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new MlctlError('REGISTRY_ERROR', `the local registry file ${path} is not valid JSON`, {
      hint: 'It was edited or damaged outside mlctl; restore it from a backup or remove the entry.',
      cause: err,
    });
  }
}

export async function writeRecord(path: string, value: unknown): Promise<void> {
  try {
    await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
  } catch (err) {
    throw new MlctlError('IO_ERROR', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

import { MlctlError } from '../errors';
import { canonicalStage, noVersionsFound } from './names';
import type { ModelRegistry, ModelVersion, Stage } from './types';

/**
 * `models:/` URIs, parsed and resolved by MLflow's rules (mlflow/store/artifact/utils/models.py), the
 * same way for every backend:
 *   models:/<name>/<digits>  a version          models:/<name>/latest   the highest version
 *   models:/<name>/<stage>   the highest version in that stage (any case)
 *   models:/<name>@<alias>   the version the alias points at (split on the last `@`)
 */
export type ModelRef =
  | { name: string; kind: 'version'; version: string }
  | { name: string; kind: 'latest' }
  | { name: string; kind: 'stage'; stage: Stage }
  | { name: string; kind: 'alias'; alias: string };

function improper(uri: string): MlctlError {
  return new MlctlError(
    'USAGE',
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
    { hint: 'Examples: models:/iris/3, models:/iris@champion, models:/iris/Production, models:/iris/latest' },
  );
}

export function parseModelUri(uri: string): ModelRef {
  const m = /^models:(.*)$/.exec(uri);
  if (!m) throw improper(uri);
  const path = m[1] as string;
  if (!path.startsWith('/') || path.length <= 1) throw improper(uri);
  const parts = path.slice(1).split('/');
  const first = parts[0] as string;
  if (parts.length > 2 || first.trim() === '') throw improper(uri);
  if (parts.length === 2) {
    const suffix = parts[1] as string;
    if (suffix.trim() === '') throw improper(uri);
    if (/^\d+$/.test(suffix))
      return { name: first, kind: 'version', version: suffix.replace(/^0+(?=\d)/, '') };
    if (suffix.toLowerCase() === 'latest') return { name: first, kind: 'latest' };
    return { name: first, kind: 'stage', stage: canonicalStage(suffix) };
  }
  const at = first.lastIndexOf('@');
  if (at > 0 && at < first.length - 1) {
    return { name: first.slice(0, at), kind: 'alias', alias: first.slice(at + 1) };
  }
  // models:/<id> names one of MLflow 3's LoggedModels: mlctl loads registered versions, which name theirs.
  if (/^m-[0-9a-f]{32}$/.test(first)) {
    throw new MlctlError(
      'USAGE',
      `${uri} names an MLflow 3 logged model, not a registered model version; mlctl loads registered versions`,
      {
        hint: 'Use the version registered from it, e.g. models:/iris/3 or models:/iris@champion (`mlctl models list <name>`).',
      },
    );
  }
  throw improper(uri);
}

/** The canonical URI of a reference, e.g. for logs and `--json` output. */
export function formatModelUri(ref: ModelRef): string {
  switch (ref.kind) {
    case 'version':
      return `models:/${ref.name}/${ref.version}`;
    case 'latest':
      return `models:/${ref.name}/latest`;
    case 'stage':
      return `models:/${ref.name}/${ref.stage}`;
    case 'alias':
      return `models:/${ref.name}@${ref.alias}`;
  }
}

/** Turns a `models:/` URI (or a parsed reference) into the model version it names right now. */
export async function resolveModelUri(
  registry: ModelRegistry,
  uri: string | ModelRef,
): Promise<ModelVersion> {
  const ref = typeof uri === 'string' ? parseModelUri(uri) : uri;
  switch (ref.kind) {
    case 'version':
      return registry.getModelVersion(ref.name, ref.version);
    case 'alias':
      return registry.getVersionByAlias(ref.name, ref.alias);
    case 'latest':
      return highest(await registry.getLatestVersions(ref.name), ref.name);
    case 'stage':
      return highest(await registry.getLatestVersions(ref.name, [ref.stage]), ref.name, ref.stage);
  }
}

function highest(versions: ModelVersion[], name: string, stage?: Stage): ModelVersion {
  // Only READY versions count, as in MLflow; the OSS stores create them READY.
  const ready = versions.filter((v) => v.status === 'READY');
  if (ready.length === 0) throw noVersionsFound(name, stage);
  return ready.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
}

import { posix } from 'node:path';
import { MlctlError } from '../errors';
import { STAGES } from './types';
import type { Stage } from './types';

/**
 * MLflow's rules for names, aliases and stages (mlflow/utils/validation.py, model_version_stages.py),
 * checked before a request so both backends refuse the same values with the same words, and the
 * not-found errors both backends raise.
 */

const ALIAS = /^[\w-]+$/;
const VERSION_ALIAS = /^[vV]\d+$/;
export const MAX_ALIAS_LENGTH = 255;

export function assertModelName(name: string): void {
  if (name.trim() === '') throw rejected('a registered model name cannot be empty');
  if (name.includes('/') || name.includes(':')) {
    throw rejected(`Invalid model name '${name}'. Names cannot contain '/' or ':'.`);
  }
  const norm = posix.normalize(name);
  if (norm !== name || norm === '.' || norm.startsWith('..')) {
    throw rejected(`Invalid model name '${name}'. Names must not resolve to another name as a path.`);
  }
}

export function assertAlias(alias: string): void {
  if (!ALIAS.test(alias)) {
    throw rejected(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw rejected(`alias '${alias.slice(0, 20)}…' is longer than ${MAX_ALIAS_LENGTH} characters`);
  }
  if (alias.toLowerCase() === 'latest') throw rejected("'latest' alias name (case insensitive) is reserved.");
  if (VERSION_ALIAS.test(alias)) throw rejected(`Version alias name '${alias}' is reserved.`);
}

export function assertVersion(version: string): void {
  if (!/^\d+$/.test(version) || Number(version) < 1) {
    throw rejected(`Parameter 'version' must be a positive integer, got '${version}'.`);
  }
}

const TAG_KEY = /^[\w\-./ ]+$/;
export const MAX_TAG_KEY_LENGTH = 250;

/** MLflow's tag-name rule (`_validate_tag_name`), so both backends accept the same keys. */
export function assertTagKey(key: string): void {
  if (key === '' || key.length > MAX_TAG_KEY_LENGTH || !TAG_KEY.test(key)) {
    throw rejected(
      `Invalid tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/), up to ${MAX_TAG_KEY_LENGTH} characters.`,
    );
  }
}

/** The canonical spelling of a stage given in any case (`production` → `Production`). */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.trim().toLowerCase());
  if (!found) {
    throw rejected(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  }
  return found;
}

export function assertArchiveExisting(stage: Stage, archiveExisting: boolean): void {
  if (archiveExisting && stage !== 'Staging' && stage !== 'Production') {
    throw rejected(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production.`,
    );
  }
}

function rejected(message: string): MlctlError {
  return new MlctlError('REGISTRY_REJECTED', message);
}

/** A name as one path segment: letters, digits, `.`, `_` and `-` stay; every other byte becomes `%XX` (so the name is recoverable). */
export function encodeName(name: string): string {
  return Array.from(Buffer.from(name, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9._-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

const LIST_HINT =
  'List what exists with `mlctl models list` (models) or `mlctl models list <name>` (versions).';

export function modelNotFound(name: string, where: string): MlctlError {
  return new MlctlError('MODEL_NOT_FOUND', `registered model '${name}' not found in ${where}`, {
    hint: `${LIST_HINT} Check MLFLOW_TRACKING_URI if you expected another registry.`,
  });
}

export function versionNotFound(name: string, version: string): MlctlError {
  return new MlctlError('MODEL_NOT_FOUND', `model '${name}' has no version ${version}`, { hint: LIST_HINT });
}

export function aliasNotFound(name: string, alias: string): MlctlError {
  return new MlctlError('MODEL_NOT_FOUND', `model '${name}' has no alias '${alias}'`, {
    hint: `Set it with \`mlctl models alias ${name} ${alias} <version>\`; \`mlctl models list ${name}\` shows the aliases.`,
  });
}

export function noVersionsFound(name: string, stage?: Stage): MlctlError {
  const message =
    stage === undefined
      ? `No versions of model with name '${name}' found`
      : `No versions of model with name '${name}' and stage '${stage}' found`;
  return new MlctlError('MODEL_NOT_FOUND', message, {
    hint:
      stage === undefined
        ? 'Register one with `mlctl register`.'
        : `Move a version there with \`mlctl models stage ${name} <version> ${stage}\`.`,
  });
}

export function runNotFound(runId: string, where: string): MlctlError {
  return new MlctlError('MODEL_NOT_FOUND', `run '${runId}' not found in ${where}`);
}

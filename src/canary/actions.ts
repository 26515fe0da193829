import { MlctlError } from '../errors';
import { canonicalStage } from '../registry/names';
import type { ModelRegistry, ModelVersion, Stage } from '../registry/types';

/**
 * What a decision does to the registry. History lives in version tags (`mlctl.canary.*`), which MLflow's
 * UI and client show, so `mlctl canary rollback` and a human can both follow it:
 * - promoted: the alias (or stage, archiving the versions there) moves to the candidate; the candidate
 *   records the decision, when, and the version it replaced; the replaced version records its successor.
 * - rejected: the candidate records the decision; the `candidate`/`canary` aliases that point at it are
 *   removed (with stages, a candidate in Staging is archived). Production is not touched.
 * - inconclusive: the candidate records it; nothing moves.
 */

export const TAG = {
  decision: 'mlctl.canary.decision',
  decidedAt: 'mlctl.canary.decided_at',
  summary: 'mlctl.canary.summary',
  target: 'mlctl.canary.target',
  previousVersion: 'mlctl.canary.previous_version',
  replacedBy: 'mlctl.canary.replaced_by',
  rolledBackAt: 'mlctl.canary.rolled_back_at',
  rolledBackTo: 'mlctl.canary.rolled_back_to',
  restoredAt: 'mlctl.canary.restored_at',
} as const;

/** Aliases that name a version under evaluation; removed from a rejected candidate. */
export const CANDIDATE_ALIASES = ['candidate', 'canary'];

/** The production pointer a decision moves: an alias, or a stage (deprecated in MLflow, still used). */
export type Target = { kind: 'alias'; alias: string } | { kind: 'stage'; stage: Stage };

export function describeTarget(name: string, target: Target): string {
  return target.kind === 'alias' ? `${name}@${target.alias}` : `${name} stage ${target.stage}`;
}

export interface RegistryChange {
  /** What was (or, in a dry run, would be) done, one line each. */
  changes: string[];
  /** The version the target pointed at before (undefined when it pointed nowhere). */
  previousVersion?: string;
}

/** The version the target points at now, or undefined. */
export async function currentVersion(
  registry: ModelRegistry,
  name: string,
  target: Target,
): Promise<ModelVersion | undefined> {
  if (target.kind === 'alias') {
    try {
      return await registry.getVersionByAlias(name, target.alias);
    } catch (err) {
      if (err instanceof MlctlError && err.code === 'MODEL_NOT_FOUND' && /alias/i.test(err.message))
        return undefined;
      throw err;
    }
  }
  return (await registry.getLatestVersions(name, [target.stage]))[0];
}

export async function promote(
  registry: ModelRegistry,
  candidate: ModelVersion,
  target: Target,
  summary: string,
  options: { dryRun: boolean; now: Date },
): Promise<RegistryChange> {
  const { name, version } = candidate;
  const previous = await currentVersion(registry, name, target);
  const changes: string[] = [];
  const where = describeTarget(name, target);
  if (previous?.version === version) {
    changes.push(`${where} already points at version ${version}; nothing to move`);
  } else if (target.kind === 'alias') {
    changes.push(
      `moved ${where} from ${previous ? `version ${previous.version}` : 'nowhere'} to version ${version}`,
    );
  } else {
    changes.push(
      `moved version ${version} to stage ${target.stage}, archiving ${previous ? `version ${previous.version}` : 'none'}`,
    );
  }
  const tags: Record<string, string> = {
    [TAG.decision]: 'promoted',
    [TAG.decidedAt]: options.now.toISOString(),
    [TAG.target]: where,
    [TAG.summary]: summary,
  };
  if (previous && previous.version !== version) tags[TAG.previousVersion] = previous.version;
  changes.push(`tagged version ${version}: ${Object.keys(tags).join(', ')}`);
  if (previous && previous.version !== version)
    changes.push(`tagged version ${previous.version}: ${TAG.replacedBy}=${version}`);
  if (!options.dryRun) {
    if (previous?.version !== version) {
      if (target.kind === 'alias') await registry.setAlias(name, target.alias, version);
      else await registry.transitionStage(name, version, target.stage, true);
    }
    for (const [k, v] of Object.entries(tags)) await registry.setVersionTag(name, version, k, v);
    if (previous && previous.version !== version)
      await registry.setVersionTag(name, previous.version, TAG.replacedBy, version);
  }
  return { changes, previousVersion: previous?.version };
}

export async function reject(
  registry: ModelRegistry,
  candidate: ModelVersion,
  target: Target,
  decision: 'rejected' | 'inconclusive',
  summary: string,
  options: { dryRun: boolean; now: Date },
): Promise<RegistryChange> {
  const { name, version } = candidate;
  const previous = await currentVersion(registry, name, target);
  const changes: string[] = [
    `${describeTarget(name, target)} stays at ${previous ? `version ${previous.version}` : 'nothing'}`,
  ];
  const tags = {
    [TAG.decision]: decision,
    [TAG.decidedAt]: options.now.toISOString(),
    [TAG.summary]: summary,
  };
  changes.push(`tagged version ${version}: ${TAG.decision}=${decision}`);
  const aliases =
    decision === 'rejected' ? candidate.aliases.filter((a) => CANDIDATE_ALIASES.includes(a)) : [];
  for (const alias of aliases)
    changes.push(`removed alias ${name}@${alias} (it pointed at version ${version})`);
  const archive = decision === 'rejected' && target.kind === 'stage' && candidate.stage === 'Staging';
  if (archive) changes.push(`moved version ${version} from Staging to Archived`);
  if (!options.dryRun) {
    for (const [k, v] of Object.entries(tags)) await registry.setVersionTag(name, version, k, v);
    for (const alias of aliases) await registry.deleteAlias(name, alias);
    if (archive) await registry.transitionStage(name, version, 'Archived', false);
  }
  return { changes, previousVersion: previous?.version };
}

export interface RollbackResult {
  name: string;
  target: string;
  from: string;
  to: string;
  /** Where `to` came from: the recorded history, or --to. */
  chosenBy: 'history' | 'flag';
  changes: string[];
}

/**
 * Moves the production pointer back: to `to`, or to the version the current one replaced (its
 * `mlctl.canary.previous_version` tag, written when it was promoted).
 */
export async function rollback(
  registry: ModelRegistry,
  name: string,
  target: Target,
  to: string | undefined,
  options: { dryRun: boolean; now: Date },
): Promise<RollbackResult> {
  const where = describeTarget(name, target);
  const current = await currentVersion(registry, name, target);
  if (!current) {
    throw new MlctlError(
      'MODEL_NOT_FOUND',
      `${where} points at no version, so there is nothing to roll back`,
      {
        hint: `Point it with \`mlctl models alias ${name} <alias> <version>\` (or give --to).`,
      },
    );
  }
  const recorded = current.tags[TAG.previousVersion];
  const dest = to ?? recorded;
  if (dest === undefined || dest === '') {
    throw new MlctlError(
      'MODEL_NOT_FOUND',
      `version ${current.version} (${where}) has no recorded previous version: it was not promoted by \`mlctl canary promote\``,
      { hint: `Say where to go: mlctl canary rollback --name ${name} --to <version>.` },
    );
  }
  const restored = await registry.getModelVersion(name, dest);
  if (restored.version === current.version) {
    throw new MlctlError('USAGE', `${where} already points at version ${dest}`, {
      hint: 'Give --to with another version, or leave it out to use the recorded previous one.',
    });
  }
  const changes = [
    target.kind === 'alias'
      ? `moved ${where} from version ${current.version} back to version ${restored.version}`
      : `moved version ${restored.version} back to stage ${target.stage}, archiving version ${current.version}`,
    `tagged version ${current.version}: ${TAG.rolledBackAt}, ${TAG.rolledBackTo}=${restored.version}`,
    `tagged version ${restored.version}: ${TAG.restoredAt}`,
  ];
  if (!options.dryRun) {
    if (target.kind === 'alias') await registry.setAlias(name, target.alias, restored.version);
    else await registry.transitionStage(name, restored.version, target.stage, true);
    const at = options.now.toISOString();
    await registry.setVersionTag(name, current.version, TAG.rolledBackAt, at);
    await registry.setVersionTag(name, current.version, TAG.rolledBackTo, restored.version);
    await registry.setVersionTag(name, restored.version, TAG.restoredAt, at);
  }
  return {
    name,
    target: where,
    from: current.version,
    to: restored.version,
    chosenBy: to === undefined ? 'history' : 'flag',
    changes,
  };
}

/** `--alias production` or `--stage Production` (not both); the alias `production` when neither. */
export function parseTarget(alias: string | undefined, stage: string | undefined): Target {
  if (alias !== undefined && stage !== undefined) {
    throw new MlctlError('USAGE', 'give --alias or --stage, not both', {
      hint: 'Aliases are MLflow’s current way; stages are deprecated but still supported.',
    });
  }
  if (stage !== undefined) {
    const s = canonicalStage(stage);
    if (s !== 'Production' && s !== 'Staging') {
      throw new MlctlError('USAGE', `--stage must be Production or Staging, got ${stage}`);
    }
    return { kind: 'stage', stage: s };
  }
  return { kind: 'alias', alias: alias ?? 'production' };
}

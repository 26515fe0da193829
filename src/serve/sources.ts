import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { MlctlError } from '../errors';
import { CHECKSUMS_FILE } from '../artifact/checksums';
import { loadModel } from '../artifact/load';
import type { LoadedModel as LoadedArtifact } from '../artifact/load';
import { fetchModelToCache } from '../registry/download';
import { parseModelUri, resolveModelUri } from '../registry/uri';
import type { ModelRegistry } from '../registry/types';
import { RowExplainer, saabasExplanation } from '../forest/shap-rows';
import type { LoadedModel, ServableModel } from './model';
import type { ModelSource } from './refresher';

/** The trained forest as serving sees it. */
export function toServable(artifact: LoadedArtifact): ServableModel {
  const { predictor } = artifact;
  // serve takes rows of numbers and answers classes: text categories and regression are not wired in
  // its protocols yet (mlctl predict scores such models).
  const categorical = Object.entries(artifact.featureInfo).filter(([, i]) => i.type === 'categorical');
  if (artifact.task === 'regression' || categorical.length > 0) {
    throw new MlctlError(
      'MODEL_UNSUPPORTED',
      `${artifact.path}: mlctl serve does not serve ${artifact.task === 'regression' ? 'regression models' : `models with categorical features (${categorical.map(([n]) => n).join(', ')})`} yet`,
      { hint: 'Score it with `mlctl predict --model <dir> --data <csv>`.' },
    );
  }
  const k = predictor.classes.length;
  // The forest sums into one scratch array (scoring is synchronous); the caller gets a plain copy.
  const scratch = new Float64Array(k);
  const explainers: Array<RowExplainer | undefined> = [];
  return {
    featureNames: predictor.features,
    classes: predictor.classes,
    predictProba(row) {
      predictor.predictProbaInto(row, scratch);
      const out = new Array<number>(k);
      for (let c = 0; c < k; c++) out[c] = scratch[c] as number;
      return out;
    },
    explain(row, { allClasses, method }) {
      if (method === 'saabas') return saabasExplanation(predictor, row, allClasses);
      // One explainer each way, made at first use: TreeSHAP keeps scratch space sized by the forest.
      const explainer = (explainers[allClasses ? 1 : 0] ??= new RowExplainer(predictor, allClasses));
      return explainer.explain(row);
    },
  };
}

function served(artifact: LoadedArtifact, name: string, version: string, uri: string): LoadedModel {
  return {
    model: toServable(artifact),
    name,
    version,
    uri,
    loadedAt: new Date().toISOString(),
    metrics: (artifact.metrics ?? {}) as unknown as Record<string, unknown>,
  };
}

/**
 * A model directory. It does not move by itself (no auto-refresh), but /admin/reload re-reads it: its
 * version is a fingerprint of its SHA256SUMS, so a changed directory is a new version.
 */
export function createDirectorySource(dir: string, name?: string): ModelSource {
  const path = resolve(dir);
  const shownName = name ?? basename(path);
  return {
    uri: dir,
    refreshable: false,
    async resolve() {
      let sums: Buffer;
      try {
        sums = await readFile(join(path, CHECKSUMS_FILE));
      } catch {
        // loadModel explains what is wrong with the directory (missing, not an artifact).
        return 'unknown';
      }
      return `local-${createHash('sha256').update(sums).digest('hex').slice(0, 12)}`;
    },
    async load(version) {
      return served(await loadModel(path), shownName, version, dir);
    },
  };
}

/**
 * A models:/ URI in a registry. An alias, stage or `latest` can move: resolving it again tells whether
 * to swap. A numbered version is pinned. Downloads go to a cache keyed by name and version and are
 * verified against SHA256SUMS before anything loads.
 */
export function createRegistrySource(
  uri: string,
  registry: ModelRegistry,
  options: { cacheDir: string; logger: Logger },
): ModelSource {
  const ref = parseModelUri(uri);
  const pinned = ref.kind === 'version';
  return {
    uri,
    refreshable: !pinned,
    async resolve() {
      return (await resolveModelUri(registry, ref)).version;
    },
    async load(version) {
      const fetched = await fetchModelToCache(
        registry,
        `models:/${ref.name}/${version}`,
        options.cacheDir,
        options.logger,
      );
      return served(await loadModel(fetched.dir), ref.name, version, uri);
    },
    serverVersion: () => registry.serverVersion(),
  };
}

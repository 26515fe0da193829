import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { CHECKSUMS_FILE } from '../artifact/checksums';
import { loadModel } from '../artifact/load';
import type { LoadedModel as LoadedArtifact } from '../artifact/load';
import { fetchModelToCache } from '../registry/download';
import { parseModelUri, resolveModelUri } from '../registry/uri';
import type { ModelRegistry } from '../registry/types';
import { encodedFeatures } from '../data/row-encoder';
import { RowDecoder } from './input';
import type { LoadedModel, ServableModel } from './model';
import type { ModelSource } from './refresher';

/**
 * The trained forest as serving sees it: classification or regression, numeric and categorical
 * features, missing values (the artifact's own row encoding, as `mlctl predict` reads rows).
 */
export function toServable(artifact: LoadedArtifact): ServableModel {
  const { predictor } = artifact;
  const features = encodedFeatures(artifact.features, artifact.featureInfo);
  const k = predictor.nOutputs;
  // The forest sums into one scratch array (scoring is synchronous); the caller gets a plain copy.
  const scratch = new Float64Array(k);
  return {
    task: artifact.task,
    featureNames: predictor.features,
    features,
    classes: predictor.classes,
    decoder: new RowDecoder(features, artifact.naValues),
    ...(features.some((f) => f.type === 'categorical')
      ? { categories: features.map((f) => (f.type === 'categorical' ? (f.categories ?? []) : undefined)) }
      : {}),
    predict(row) {
      predictor.predictInto(row, scratch);
      const out = new Array<number>(k);
      for (let c = 0; c < k; c++) out[c] = scratch[c] as number;
      return out;
    },
    // Made once per model: the explanation thread keeps its explainers by this object.
    forest: predictor.shared(),
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

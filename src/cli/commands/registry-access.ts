import { resolve } from 'node:path';
import { registrySettings } from '../../config/sections/registry';
import type { ModelRegistry } from '../../registry/types';
import type { CliContext } from '../context';

/**
 * Builds the registry MLFLOW_TRACKING_URI (or --tracking-uri) points at, runs `use`, and releases it.
 * The registry modules load only here, inside an action, so `mlctl --help` stays fast.
 */
export async function openRegistry<T>(
  ctx: CliContext,
  flags: Record<string, unknown>,
  use: (registry: ModelRegistry) => Promise<T>,
): Promise<T> {
  const settings = ctx.settings(registrySettings, { trackingUri: flags.trackingUri });
  const { createRegistry } = await import('../../registry/create-registry');
  const registry = createRegistry(settings, { cwd: ctx.cwd, logger: ctx.logger(), tracer: ctx.tracer() });
  try {
    return await use(registry);
  } finally {
    await registry.close();
  }
}

/**
 * A resolver for `models:/` URIs: downloads (or reuses from MODEL_CACHE_DIR) the verified artifact of
 * the version the URI names now, and returns its directory.
 */
export function modelUriResolver(ctx: CliContext): (uri: string) => Promise<string> {
  return (uri) =>
    openRegistry(ctx, {}, async (registry) => {
      const settings = ctx.settings(registrySettings, {});
      const { fetchModelToCache } = await import('../../registry/download');
      const fetched = await fetchModelToCache(
        registry,
        uri,
        resolve(ctx.cwd, settings.modelCacheDir),
        ctx.logger(),
      );
      return fetched.dir;
    });
}

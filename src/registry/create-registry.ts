import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlctlError } from '../errors';
import type { ResolvedSettings } from '../config/settings';
import type { registrySettings } from '../config/sections/registry';
import { trackingUriProblems } from '../config/sections/registry';
import type { Logger } from '../telemetry/logger';
import type { Tracer } from '../telemetry/tracing/types';
import { LocalRegistry } from './local-registry';
import type { LockOptions } from './local-lock';
import { MlflowClient } from './mlflow-client';
import type { MlflowAuth } from './mlflow-errors';
import { MlflowRegistry } from './mlflow-registry';
import { traceRegistry } from './traced-registry';
import type { ModelRegistry } from './types';

export type RegistrySettings = ResolvedSettings<(typeof registrySettings)['settings']>;

export interface CreateRegistryDeps {
  /** Relative registry paths resolve from here. */
  cwd: string;
  logger?: Logger;
  /** When tracing is on: a span per registry call, and traceparent on the MLflow client's requests. */
  tracer?: Tracer;
  /** Test seams. */
  sleep?: (ms: number) => Promise<void>;
  lock?: LockOptions;
  pageSize?: number;
}

/** Where the settings point, without connecting: an MLflow server URL or a local directory. */
export type RegistryTarget = { kind: 'mlflow'; url: string } | { kind: 'local'; dir: string };

/**
 * The factory keyed by MLFLOW_TRACKING_URI's scheme: `http(s)://` is an MLflow tracking server; unset,
 * a path or `file:` is the embedded local registry.
 */
export function resolveRegistryTarget(
  settings: Pick<RegistrySettings, 'trackingUri' | 'registryDir'>,
  cwd: string,
): RegistryTarget {
  const uri = settings.trackingUri;
  const problems = trackingUriProblems(uri);
  if (problems.length) {
    throw new MlctlError('CONFIG_INVALID', 'invalid configuration for the model registry', { problems });
  }
  if (uri === undefined)
    return { kind: 'local', dir: resolve(cwd, settings.registryDir ?? '.mlctl/registry') };
  if (/^https?:\/\//i.test(uri)) return { kind: 'mlflow', url: uri.replace(/\/+$/, '') };
  if (/^file:/i.test(uri)) {
    // file:///abs/path is a URL; file:relative/path (as MLflow accepts) is a path relative to cwd.
    const path = /^file:\/\//i.test(uri) ? fileURLToPath(uri) : uri.slice('file:'.length);
    return { kind: 'local', dir: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  return { kind: 'local', dir: resolve(cwd, uri) };
}

/** Basic auth wins over a token when both are set, as in MLflow's client. */
export function resolveAuth(settings: Pick<RegistrySettings, 'username' | 'password' | 'token'>): MlflowAuth {
  if (settings.username !== undefined && settings.password !== undefined) {
    return { kind: 'basic', username: settings.username, password: settings.password };
  }
  if (settings.token !== undefined) return { kind: 'bearer', token: settings.token };
  return { kind: 'none' };
}

export function createRegistry(settings: RegistrySettings, deps: CreateRegistryDeps): ModelRegistry {
  const registry = createBackend(settings, deps);
  return deps.tracer ? traceRegistry(registry, deps.tracer) : registry;
}

function createBackend(settings: RegistrySettings, deps: CreateRegistryDeps): ModelRegistry {
  const target = resolveRegistryTarget(settings, deps.cwd);
  if (target.kind === 'local') return new LocalRegistry({ root: target.dir, lock: deps.lock });
  const tracer = deps.tracer;
  const client = new MlflowClient({
    trackingUri: target.url,
    auth: resolveAuth(settings),
    timeoutMs: (settings.requestTimeout ?? 120) * 1000,
    maxRetries: settings.maxRetries ?? 5,
    backoffFactor: settings.backoffFactor ?? 2,
    backoffJitter: settings.backoffJitter ?? 1,
    logger: deps.logger,
    sleep: deps.sleep,
    traceHeaders: tracer ? () => tracer.outgoingHeaders() : undefined,
  });
  return new MlflowRegistry(client, { pageSize: deps.pageSize, sleep: deps.sleep });
}

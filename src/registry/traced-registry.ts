import { isMlctlError } from '../errors';
import type { AttributeValue, Tracer } from '../telemetry/tracing/types';
import type { ModelRegistry } from './types';

/**
 * The registry with a span around each call (`registry <method>`): a child of the current span (the
 * command's, or the request's for a reload), current itself for the calls it makes, so the MLflow
 * client's requests carry its traceparent. Spans name the model and version a call is about, and fail
 * with the error's catalogue code. Every method of ModelRegistry is traced, present and future.
 */
export function traceRegistry(registry: ModelRegistry, tracer: Tracer): ModelRegistry {
  const backend = registry.info.kind;
  const base: Record<string, AttributeValue> = {
    'mlctl.registry.backend': backend,
    'mlctl.registry.location': registry.info.location,
  };
  return new Proxy(registry, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'close') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const span = tracer.startSpan(`registry ${property}`, {
          kind: backend === 'mlflow' ? 'client' : 'internal',
          attributes: { ...base, 'mlctl.registry.operation': property, ...callAttributes(property, args) },
        });
        let outcome: unknown;
        try {
          outcome = tracer.withSpan(span, () => method.apply(target, args));
        } catch (err) {
          end(span, err);
          throw err;
        }
        if (!(outcome instanceof Promise)) {
          span.end();
          return outcome;
        }
        return outcome.then(
          (result: unknown) => {
            span.end();
            return result;
          },
          (err: unknown) => {
            end(span, err);
            throw err;
          },
        );
      };
    },
  });
}

function end(span: ReturnType<Tracer['startSpan']>, err: unknown): void {
  span.fail(err instanceof Error ? err.message : String(err), isMlctlError(err) ? err.code : 'INTERNAL');
  span.end();
}

/** What each call's arguments name, by method: attribute keys in argument order. */
const ARGUMENTS: Record<string, string[]> = {
  ensureExperiment: ['mlctl.experiment'],
  logRunData: ['mlctl.run_id'],
  finishRun: ['mlctl.run_id'],
  getRun: ['mlctl.run_id'],
  logArtifacts: ['mlctl.run_id'],
  ensureRegisteredModel: ['mlctl.model.name'],
  getRegisteredModel: ['mlctl.model.name'],
  listModelVersions: ['mlctl.model.name'],
  getLatestVersions: ['mlctl.model.name'],
  getModelVersion: ['mlctl.model.name', 'mlctl.model.version'],
  setVersionTag: ['mlctl.model.name', 'mlctl.model.version'],
  transitionStage: ['mlctl.model.name', 'mlctl.model.version', 'mlctl.model.stage'],
  setAlias: ['mlctl.model.name', 'mlctl.model.alias', 'mlctl.model.version'],
  deleteAlias: ['mlctl.model.name', 'mlctl.model.alias'],
  getVersionByAlias: ['mlctl.model.name', 'mlctl.model.alias'],
};

/** The model, version, alias, run or experiment a call is about, from its arguments. */
function callAttributes(method: string, args: unknown[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  const keys = ARGUMENTS[method];
  if (keys) {
    keys.forEach((key, i) => {
      if (typeof args[i] === 'string') out[key] = args[i] as string;
    });
    return out;
  }
  // createModelVersion(input), downloadVersion(version): an object with the model's name (and version).
  const first = args[0] as { name?: unknown; version?: unknown } | null | undefined;
  if (first && typeof first === 'object' && typeof first.name === 'string') {
    out['mlctl.model.name'] = first.name;
    if (typeof first.version === 'string') out['mlctl.model.version'] = first.version;
  }
  return out;
}

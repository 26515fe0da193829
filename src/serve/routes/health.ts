import { MlctlError } from '../../errors';
import { checkAdminToken } from '../http/admin-token';
import type { RouteDef } from '../context';

/** GET /livez: the process answers. Never depends on the model or the registry. */
export const livezRoute: RouteDef = { handler: () => ({ body: { status: 'alive' } }) };

/** GET /readyz: 200 only while a model is loaded, else 503 (so no traffic reaches a server that would fail it). */
export const readyzRoute: RouteDef = {
  handler(ctx, deps) {
    const model = ctx.model;
    if (!model) {
      return {
        status: 503,
        body: { ready: false, reason: deps.holder.status.last_error ?? 'no model loaded yet' },
      };
    }
    return { body: { ready: true, model: { name: model.name, version: model.version } } };
  },
};

/** GET /health: everything an operator asks first. 503 while not ready (the seed always said 200). */
export const healthRoute: RouteDef = {
  handler(ctx, deps) {
    const model = ctx.model;
    const status = deps.holder.status;
    const degraded = model !== undefined && status.last_error !== null;
    return {
      status: model ? 200 : 503,
      body: {
        status: model ? (degraded ? 'degraded' : 'ok') : 'unavailable',
        ready: model !== undefined,
        version: deps.version,
        model: model
          ? {
              name: model.name,
              version: model.version,
              uri: model.uri,
              loaded_at: model.loadedAt,
              task: model.model.task,
              feature_names: model.model.featureNames,
              classes: model.model.classes,
            }
          : null,
        metrics: model ? model.metrics : null,
        live_accuracy: model ? (deps.feedback.accuracy(model.version) ?? null) : null,
        live_error: model ? (deps.feedback.error(model.version) ?? null) : null,
        registry: { ...status },
      },
    };
  },
};

/** GET /metrics: Prometheus text exposition, served at the path itself (the seed answered 307). */
export const metricsRoute: RouteDef = {
  async handler(_ctx, deps) {
    return { body: await deps.metrics.registry.metrics(), contentType: deps.metrics.registry.contentType };
  },
};

/** POST /admin/reload: re-resolves the model source now and loads what it points at. */
export const reloadRoute: RouteDef = {
  async handler(ctx, deps) {
    checkAdminToken(ctx.req, { token: deps.settings.adminToken, header: deps.settings.adminTokenHeader });
    if (!deps.reload) throw new MlctlError('RELOAD_FAILED', 'this server has no model source to reload from');
    const outcome = await deps.reload();
    if (outcome.result === 'failed') {
      throw new MlctlError(
        'RELOAD_FAILED',
        `reload failed, still serving ${ctx.model?.version ?? 'nothing'}: ${outcome.error}`,
      );
    }
    return { body: { ...outcome, request_id: ctx.requestId } };
  },
};

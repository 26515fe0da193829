import { createOpenApiDocument } from '../openapi';
import type { RouteDef } from '../context';

/** GET /openapi.json: the OpenAPI 3.1 document, describing the loaded model's features when there is one. */
export const openapiRoute: RouteDef = {
  handler: (ctx, deps) => ({
    body: createOpenApiDocument(deps.version, ctx.model, {
      maxBatch: deps.settings.maxBatch,
      explainMaxRows: deps.settings.explainMaxRows,
      adminTokenHeader: deps.settings.adminTokenHeader,
    }),
  }),
};

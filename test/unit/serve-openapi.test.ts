import { ERROR_CATALOGUE } from '../../src/errors';
import { createRouter } from '../../src/serve/app';
import { startTestServer } from '../helpers/serve';

describe('GET /openapi.json', () => {
  it('documents every route of the router, with its method', async () => {
    const s = await startTestServer();
    try {
      const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      };
      for (const { method, template } of createRouter().routes()) {
        const path = template.replace(/:(\w+)/g, '{$1}');
        expect([method, path, doc.paths[path]?.[method.toLowerCase()] !== undefined]).toEqual([
          method,
          path,
          true,
        ]);
      }
      // Every error schema names the catalogue's codes.
      for (const name of ['Error', 'MlflowError', 'OipError']) {
        expect(doc.components.schemas[name]?.properties?.error_code).toEqual({
          enum: Object.keys(ERROR_CATALOGUE),
        });
      }
    } finally {
      await s.close();
    }
  });
});

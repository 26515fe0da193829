import { HttpError } from './errors';

export type Method = 'GET' | 'POST' | 'HEAD';

export interface RouteMatch<H> {
  handler: H;
  /** The route template, e.g. `/v2/models/:name/infer`: the only path label metrics ever see. */
  template: string;
  params: Readonly<Record<string, string>>;
}

interface Route<H> {
  method: Method;
  segments: string[];
  /** Its handler and template; for a route without parameters, the whole match, made once. */
  match: RouteMatch<H>;
}

/** The params of every route without any. */
export const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A small exact-segment router. Every path also answers with a trailing slash, with no redirect (the
 * seed's 307 broke scrapers). Unknown paths are 404 and known paths with the wrong method 405 — in
 * both cases without inventing a new label value.
 */
export class Router<H> {
  private readonly exact = new Map<string, Map<string, Route<H>>>();
  private readonly patterns: Route<H>[] = [];

  add(method: Method, template: string, handler: H): this {
    const match = { handler, template, params: NO_PARAMS };
    const route: Route<H> = { method, segments: template.split('/').slice(1), match };
    if (template.includes(':')) {
      this.patterns.push(route);
    } else {
      const byMethod = this.exact.get(template) ?? new Map<string, Route<H>>();
      byMethod.set(method, route);
      this.exact.set(template, byMethod);
    }
    return this;
  }

  /** Matches a request; throws HttpError 404/405 when nothing fits. */
  match(method: string, rawUrl: string): RouteMatch<H> {
    const query = rawUrl.indexOf('?');
    let path = query === -1 ? rawUrl : rawUrl.slice(0, query);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const lookup = method === 'HEAD' ? 'GET' : method;

    const byMethod = this.exact.get(path);
    if (byMethod) {
      const route = byMethod.get(lookup);
      if (route) return route.match;
      throw methodNotAllowed([...byMethod.keys()]);
    }
    const segments = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.patterns) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === lookup) return { ...route.match, params };
      allowed.push(route.method);
    }
    if (allowed.length) throw methodNotAllowed(allowed);
    throw new HttpError(404, 'not found: no such endpoint', {
      hint: 'GET /openapi.json lists the endpoints',
    });
  }
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const a = actual[i] as string;
    if (t.startsWith(':')) {
      if (a === '') return undefined;
      try {
        params[t.slice(1)] = decodeURIComponent(a);
      } catch {
        return undefined;
      }
    } else if (t !== a) {
      return undefined;
    }
  }
  return params;
}

function methodNotAllowed(methods: string[]): HttpError {
  const allow = [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');
  return new HttpError(405, `method not allowed; use ${allow}`, {}, { allow });
}

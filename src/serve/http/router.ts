import { MlctlError } from '../../errors';

export type Method = 'GET' | 'POST' | 'HEAD';

export interface RouteMatch<H> {
  /** The route's handler; undefined when nothing fits, and `error` says why (404 or 405). */
  handler: H | undefined;
  /**
   * The route template, e.g. `/v2/models/:name/infer`: the only path label metrics ever see. A known
   * path with the wrong method keeps its template; an unknown path is UNMATCHED.
   */
  template: string;
  params: Readonly<Record<string, string>>;
  error?: MlctlError;
}

/** The template of every path no route has: scanners cannot grow the metrics' label values. */
export const UNMATCHED = '(unmatched)';

interface Route<H> {
  method: Method;
  segments: string[];
  /** Its handler and template; for a route without parameters, the whole match, made once. */
  match: RouteMatch<H> & { handler: H };
}

/** The params of every route without any. */
export const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A small exact-segment router. Every path also answers with a trailing slash, with no redirect (the
 * seed's 307 broke scrapers). Unknown paths are 404 and known paths with the wrong method 405 (labelled
 * with their route's template); neither invents a new label value.
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

  /** Matches a request; a miss has no handler, and an error: 404, or 405 with the methods allowed. */
  match(method: string, rawUrl: string): RouteMatch<H> {
    const query = rawUrl.indexOf('?');
    let path = query === -1 ? rawUrl : rawUrl.slice(0, query);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const lookup = method === 'HEAD' ? 'GET' : method;
    const byMethod = this.exact.get(path);
    if (byMethod) {
      const route = byMethod.get(lookup);
      if (route) return route.match;
      return methodNotAllowed(path, [...byMethod.keys()]);
    }
    const segments = path.split('/').slice(1);
    const allowed: string[] = [];
    let template = UNMATCHED;
    for (const route of this.patterns) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === lookup) return { ...route.match, params };
      allowed.push(route.method);
      template = route.match.template;
    }
    if (allowed.length) return methodNotAllowed(template, allowed);
    return {
      handler: undefined,
      template: UNMATCHED,
      params: NO_PARAMS,
      error: new MlctlError('ENDPOINT_NOT_FOUND', 'not found: no such endpoint', {
        hint: 'GET /openapi.json lists the endpoints',
      }),
    };
  }

  /** Every route template with its methods (HEAD with GET), for documentation and tests. */
  routes(): Array<{ method: Method; template: string }> {
    const exact = [...this.exact.values()].flatMap((m) => [...m.values()]);
    return [...exact, ...this.patterns].map((r) => ({ method: r.method, template: r.match.template }));
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

function methodNotAllowed<H>(template: string, methods: string[]): RouteMatch<H> {
  const allow = [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');
  return {
    handler: undefined,
    template,
    params: NO_PARAMS,
    error: new MlctlError('METHOD_NOT_ALLOWED', `method not allowed; use ${allow}`, { headers: { allow } }),
  };
}

/**
 * Connection failures that say nobody is there: nothing listens at the address (ECONNREFUSED) or its
 * host name does not resolve (ENOTFOUND). Retrying does not change either within a command's lifetime, so
 * the HTTP clients (MLflow, Prometheus, a /metrics page) fail at once instead of backing off for a
 * minute; timeouts, resets, temporary DNS failures (EAI_AGAIN) and 5xx keep their retry policies.
 */
export const NOBODY_THERE: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND']);

/** The first `code` among `known` on an error or its causes (undici and fetch wrap socket errors). */
export function errorCodeIn(err: unknown, known: ReadonlySet<string>): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && known.has(code)) return code;
  }
  return undefined;
}

/** What a nobody-there failure means, for a hint: `ECONNREFUSED` → nothing listens at … */
export function nobodyThereHint(code: string, location: string, setting: string): string {
  return code === 'ENOTFOUND'
    ? `The host name of ${location} does not resolve: check ${setting} for a typo.`
    : `Nothing listens at ${location}: check ${setting} (host and port) and that the server is up.`;
}

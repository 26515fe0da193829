/**
 * An error that ends a request with a status and a JSON body. Handlers throw it for bad input; the
 * app maps it to a response, never to a crash.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    /** Extra fields of the JSON error body: where the problem is (row, column), what was expected. */
    readonly details: Record<string, unknown> = {},
    /** Response headers, e.g. Allow on a 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, message, details);

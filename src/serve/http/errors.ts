import { MlctlError, isMlctlError } from '../../errors';

/**
 * Errors on the HTTP path are MlctlErrors like everywhere else: the catalogue (src/errors.ts) gives each
 * code its status, and the response carries the code as `error_code`. Anything else that reaches the
 * handler is a bug, answered as INTERNAL.
 */
export const badRequest = (message: string, details?: Record<string, unknown>): MlctlError =>
  new MlctlError('BAD_REQUEST', message, { details });

/** An error as a request ends with it: itself when it is an MlctlError, else an INTERNAL error around it. */
export function requestError(err: unknown): MlctlError {
  if (isMlctlError(err)) return err;
  // A bug: the client gets a generic message, the log gets the error (the cause) with its stack.
  return new MlctlError('INTERNAL', 'internal error; the request id identifies it in the server log', {
    cause: err,
  });
}

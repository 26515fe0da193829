import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { MlctlError } from '../../errors';

export interface AdminTokenSettings {
  /** The token; without one the admin endpoints are disabled (403), never open. */
  token?: string;
  /** The request header that carries it (any case). */
  header: string;
}

/**
 * Guards the admin endpoints of `mlctl serve` and `mlctl drift serve` alike: 403 PERMISSION_DENIED when
 * they are disabled (no token configured) and when the token is missing or wrong. Missing and wrong are
 * one answer, so a caller learns nothing by leaving the header out.
 */
export function checkAdminToken(req: IncomingMessage, settings: AdminTokenSettings): void {
  if (!settings.token) {
    throw new MlctlError(
      'PERMISSION_DENIED',
      'admin endpoints are disabled: no ADMIN_API_TOKEN is configured',
      {
        hint: 'Set ADMIN_API_TOKEN on the server to enable them.',
      },
    );
  }
  const given = req.headers[settings.header.toLowerCase()];
  if (typeof given !== 'string' || !tokenMatches(given, settings.token)) {
    throw new MlctlError('PERMISSION_DENIED', `forbidden: missing or wrong ${settings.header} header`);
  }
}

/** Compares in constant time, whatever the lengths: both sides are hashed first. */
function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

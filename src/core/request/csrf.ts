import type { ErrorFactory } from '../errors.js';
import type { Credentials } from './credentials.js';

const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A cookie is sent by the browser whichever site made the request: an unsafe
 * request carrying one must come from an authorized party (its Origin, else
 * the token's `azp`). A header token cannot be sent cross-site, so it is exempt.
 */
export function checkCsrf(
  credentials: Credentials,
  authorizedParties: readonly string[] | undefined,
  azp: unknown,
  errors: ErrorFactory,
): void {
  if (credentials.source !== 'cookie' || authorizedParties === undefined || !UNSAFE_METHODS.has(credentials.method)) return;
  const party = credentials.origin ?? (typeof azp === 'string' ? azp : undefined);
  if (party === undefined || !authorizedParties.includes(party)) {
    throw errors.forbidden('csrf_origin', 'A cookie-authenticated request must come from an authorized origin.');
  }
}

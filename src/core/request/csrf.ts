import type { ErrorFactory } from '../errors.js';
import type { Credentials } from './credentials.js';

const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The guard's CSRF settings (`allowedOrigins`, `trustProxy`). */
export interface CsrfPolicy {
  readonly allowedOrigins: readonly string[] | undefined;
  readonly trustProxy: boolean;
}

function firstListValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/** The origin the request was sent to: its Host (or, behind a trusted proxy, X-Forwarded-Host and -Proto). */
function ownOrigin(credentials: Credentials, trustProxy: boolean): string | undefined {
  const header = credentials.header;
  if (header === undefined) return undefined;
  const forwardedProto = trustProxy ? firstListValue(header.call(credentials, 'x-forwarded-proto')) : undefined;
  const forwardedHost = trustProxy ? firstListValue(header.call(credentials, 'x-forwarded-host')) : undefined;
  const scheme = forwardedProto ?? (credentials.encrypted === true ? 'https' : 'http');
  const host = forwardedHost ?? header.call(credentials, 'host');
  if (host === undefined || (scheme !== 'http' && scheme !== 'https')) return undefined;
  try {
    const url = new URL(`${scheme}://${host}`);
    return url.host === '' || url.pathname !== '/' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * A cookie is sent by the browser whichever site made the request: an unsafe request
 * carrying one must come from an allowed origin (`allowedOrigins` or the provider's
 * `authorizedParties`; with neither, the request's own origin). Without `Origin`, only a
 * request the browser marks same-origin (or does not mark at all) passes. A header token
 * cannot be sent cross-site, so it is exempt.
 */
export function checkCsrf(credentials: Credentials, authorizedParties: readonly string[] | undefined, policy: CsrfPolicy, errors: ErrorFactory): void {
  if (credentials.source !== 'cookie' || !UNSAFE_METHODS.has(credentials.method)) return;
  const origin = credentials.origin;
  let allowed: boolean;
  if (origin === undefined) {
    const site = credentials.header?.('sec-fetch-site');
    allowed = site === undefined || site === 'same-origin';
  } else if (policy.allowedOrigins !== undefined || authorizedParties !== undefined) {
    allowed = policy.allowedOrigins?.includes(origin) === true || authorizedParties?.includes(origin) === true;
  } else {
    allowed = origin === ownOrigin(credentials, policy.trustProxy);
  }
  if (!allowed) throw errors.forbidden('csrf_origin', 'A cookie-authenticated request must come from an allowed origin.');
}

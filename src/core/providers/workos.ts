import type { CommonProviderOptions, Provider } from './types.js';
import { buildProvider } from './build.js';
import { validateNonEmptyString, validateStringList } from './validate.js';

export interface WorkOSProviderOptions extends CommonProviderOptions {
  /** Your WorkOS client id (client_...). */
  clientId: string;
  /** The exact `iss` values to accept; default: both forms WorkOS issues. */
  issuers?: readonly string[];
  /** The WorkOS API base (default https://api.workos.com). */
  apiBaseUrl?: string;
}

/** WorkOS AuthKit access tokens: the current user base, subject = WorkOS user id. */
export function workos(options: WorkOSProviderOptions): Provider {
  const where = 'workos()';
  const clientId = validateNonEmptyString(where, 'clientId', options?.clientId);
  const base = (options.apiBaseUrl ?? 'https://api.workos.com').replace(/\/+$/, '');
  const issuers = validateStringList(where, 'issuers', options.issuers) ?? [
    `${base}/`,
    `${base}/user_management/${clientId}`,
  ];
  return buildProvider(options, {
    kind: 'workos',
    issuers,
    defaultJwksUrl: `${base}/sso/jwks/${encodeURIComponent(clientId)}`,
    defaultAlgorithms: ['RS256'],
    requireSessionId: true,
    legacyUsers: false,
  });
}

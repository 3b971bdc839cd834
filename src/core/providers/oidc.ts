import type { CommonProviderOptions, Provider } from './types.js';
import { buildProvider, validateIssuer } from './build.js';
import { configError } from './validate.js';

export interface OidcProviderOptions extends CommonProviderOptions {
  /** The issuer, exactly as it appears in `iss`. */
  issuer: string;
  /** Require a `sid` claim (default false: generic OIDC access tokens often have none). */
  requireSessionId?: boolean;
}

/** Any OIDC/OAuth issuer with a JWKS. The key set URL is explicit: no discovery round trip. */
export function oidc(options: OidcProviderOptions): Provider {
  const where = 'oidc()';
  const issuer = validateIssuer(where, options?.issuer);
  if (options.jwksUrl === undefined && options.jwks === undefined) {
    throw configError(where, 'jwksUrl (or an inline jwks) is required.');
  }
  return buildProvider(options, {
    kind: 'oidc',
    issuers: [issuer],
    defaultJwksUrl: undefined,
    defaultAlgorithms: ['RS256'],
    requireSessionId: options.requireSessionId ?? false,
    legacyUsers: false,
  });
}

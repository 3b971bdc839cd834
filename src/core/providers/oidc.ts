import type { CommonProviderOptions, Provider } from './types.js';
import { buildProvider, requireOptionsObject, validateIssuer } from './build.js';
import { configError, validateKeySetUrl, validateStringList } from './validate.js';
import { readGenericClaims } from '../principal/provider-claims.js';

export interface OidcProviderOptions extends Omit<CommonProviderOptions, 'audience'> {
  /** The issuer, exactly as it appears in `iss`. */
  issuer: string;
  /**
   * Required `aud` value(s). Required: without it an ID token, or a token for another API of the
   * same tenant, would pass. `false` accepts any audience, on purpose.
   */
  audience: string | readonly string[] | false;
  /** Require a `sid` claim (default false: generic OIDC access tokens often have none). */
  requireSessionId?: boolean;
  /** Find the key set through the issuer's `/.well-known/openid-configuration` (instead of `jwksUrl`). */
  discovery?: boolean;
  /** With discovery: hosts besides the issuer's that may serve its `jwks_uri` (Google serves keys elsewhere). */
  jwksHosts?: readonly string[];
}

/** Any OIDC/OAuth issuer with a JWKS, given by `jwksUrl`, `jwks`, or found by `discovery: true`. */
export function oidc(options: OidcProviderOptions): Provider {
  const where = 'oidc()';
  requireOptionsObject(where, options, "oidc({ issuer, audience, jwksUrl })");
  const issuer = validateIssuer(where, options.issuer);
  if (options.audience === undefined) {
    throw configError(where, 'audience is required: the `aud` your API expects (or audience: false to accept any audience, on purpose).');
  }
  const discovery = options.discovery ?? false;
  if (typeof discovery !== 'boolean') throw configError(where, 'discovery must be true or false.');
  if (discovery && (options.jwksUrl !== undefined || options.jwks !== undefined)) {
    throw configError(where, 'give discovery: true or a jwksUrl/jwks, not both.');
  }
  if (!discovery && options.jwksUrl === undefined && options.jwks === undefined) {
    throw configError(where, 'jwksUrl (or an inline jwks, or discovery: true) is required.');
  }
  if (options.jwksHosts !== undefined && !discovery) throw configError(where, 'jwksHosts applies only with discovery: true.');
  const jwksHosts = validateStringList(where, 'jwksHosts', options.jwksHosts) ?? [];
  // The discovery document travels under the key sets' rule: https, or http on loopback only.
  if (discovery) validateKeySetUrl(where, `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  return buildProvider(options as CommonProviderOptions, {
    kind: 'oidc',
    issuers: [issuer],
    ownKeys: ['issuer', 'requireSessionId', 'discovery', 'jwksHosts'],
    defaultJwksUrl: undefined,
    defaultKeySource: discovery ? { type: 'discovery', issuer, jwksHosts: Object.freeze([...jwksHosts]) } : undefined,
    defaultAlgorithms: ['RS256'],
    requireSessionId: options.requireSessionId ?? false,
    legacyUsers: false,
    subjectIsWorkosUser: false,
    readClaims: readGenericClaims,
  });
}

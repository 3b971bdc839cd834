import type { Provider } from './types.js';
import { buildProvider, requireOptionsObject, validateIssuer } from './build.js';
import { configError, validateNonEmptyString } from './validate.js';
import { assertKnownKeys } from '../options-keys.js';
import type { JsonWebKeySet } from '../jwk.js';
import type { JsonObject } from '../token/decode.js';
import { ClaimsReading, nonEmptyString, objectClaim, stringList, unique, type ProviderClaims } from '../principal/provider-claims.js';
import { STYTCH_SESSION_CLAIM } from './stytch-claims.js';

export interface IdentitySessionsOptions {
  /** The identity service's sessions issuer (its `sessions.issuer`). */
  issuer: string;
  /** The sessions' project id: the JWTs' `aud`. */
  projectId: string;
  /** Where the session keys are served (the service's `/.well-known/jwks.json` or `/v1/sessions/jwks/<projectId>`). */
  jwksUrl?: string;
  /** The session keys inline, instead of jwksUrl. */
  jwks?: JsonWebKeySet;
  /** A name for logs and `principal.provider` (default `identity-sessions`). */
  name?: string;
  algorithms?: readonly string[];
  clockToleranceSeconds?: number;
}

/** Marks the provider whose tokens the first-party cookies carry and the refresh renews. */
export interface IdentitySessionsProvider extends Provider {
  readonly firstPartySessions: { readonly issuer: string; readonly projectId: string };
}

export function isIdentitySessionsProvider(provider: unknown): provider is IdentitySessionsProvider {
  return typeof provider === 'object' && provider !== null && typeof (provider as IdentitySessionsProvider).firstPartySessions === 'object';
}

/** The session claim, when it names the same session as `sid`. */
export function sessionClaimOf(payload: JsonObject): JsonObject | undefined {
  const session = objectClaim(payload[STYTCH_SESSION_CLAIM]);
  const id = nonEmptyString(session?.id);
  return id !== null && id === payload.sid ? session : undefined;
}

/**
 * Everything that grants comes from the session claim the service wrote: roles, permissions
 * (the principal's scopes), brand, organization. Top-level custom claims named `scope`, `roles`,
 * `brand_id` or `permissions` are the app's data (on `principal.claims`) and grant nothing.
 */
export function readSessionClaim(payload: JsonObject): ClaimsReading {
  const session = sessionClaimOf(payload);
  const reading = new ClaimsReading();
  reading.roles = unique(stringList(session?.roles));
  reading.permissions = unique(stringList(session?.permissions));
  reading.sessionId = nonEmptyString(session?.id);
  reading.organizationId = nonEmptyString(session?.organization_id);
  if (Array.isArray(session?.authentication_factors)) reading.authenticationFactors = session.authentication_factors as ProviderClaims['authenticationFactors'];
  return reading;
}

/** The scopes and brand of a session JWT: the session claim's permissions and brand only. */
export function readSessionAccess(payload: JsonObject): { scopes: readonly string[]; brandId: string | null } {
  const session = sessionClaimOf(payload);
  return { scopes: unique(stringList(session?.permissions)), brandId: nonEmptyString(session?.brand_id) };
}

/**
 * The identity service's own session JWTs, verified locally with its published keys. A token
 * without the session claim (or whose claim names another session than `sid`) is refused as
 * `kind_rejected`: a template token of the same service never passes as a session.
 */
export function identitySessions(options: IdentitySessionsOptions): IdentitySessionsProvider {
  const where = 'identitySessions()';
  requireOptionsObject(where, options, "identitySessions({ issuer, projectId, jwksUrl })");
  assertKnownKeys(where, options, ['issuer', 'projectId', 'jwksUrl', 'jwks', 'name', 'algorithms', 'clockToleranceSeconds']);
  const issuer = validateIssuer(where, options.issuer);
  const projectId = validateNonEmptyString(where, 'projectId', options.projectId);
  if (options.jwksUrl === undefined && options.jwks === undefined) throw configError(where, 'jwksUrl (or jwks) is required: the identity service serves its session keys.');
  const { issuer: _issuer, projectId: _project, ...common } = options;
  const provider = buildProvider(
    { ...common, name: options.name ?? 'identity-sessions', audience: projectId },
    {
      kind: 'stytch',
      issuers: [issuer],
      ownKeys: [],
      defaultJwksUrl: undefined,
      defaultAlgorithms: ['RS256', 'ES256', 'EdDSA'],
      requireSessionId: true,
      legacyUsers: false,
      subjectIsWorkosUser: true,
      refuseToken: (header, payload) => {
        const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
        if (typ !== 'jwt' || sessionClaimOf(payload) === undefined) {
          return { reason: 'kind_rejected', message: 'The token has no session claim for its sid: it is not a session JWT of the identity service.' };
        }
        return undefined;
      },
      readClaims: readSessionClaim,
    },
  );
  return Object.freeze({ ...provider, readAccess: readSessionAccess, firstPartySessions: Object.freeze({ issuer, projectId }) });
}

import type { JsonWebKeySet } from '../jwk.js';
import type { JsonObject } from '../token/decode.js';
import type { ClaimsReading } from '../principal/provider-claims.js';

export type ProviderKind = 'clerk' | 'workos' | 'stytch' | 'oidc';

/** Where a provider's verification keys come from. */
export type KeySourceConfig =
  | { type: 'jwks'; url: string }
  | { type: 'pem'; pem: string }
  | { type: 'jwks-inline'; jwks: JsonWebKeySet }
  /** OIDC discovery: the issuer's `/.well-known/openid-configuration` names the key set. */
  | { type: 'discovery'; issuer: string; jwksHosts: readonly string[] };

/** Why a token is refused as a session of its provider. */
export interface TokenRefusal {
  reason: string;
  message: string;
}

/** Options every provider accepts. */
export interface CommonProviderOptions {
  /** A name for logs and `principal.provider`; defaults to the provider kind. */
  name?: string;
  /** Override where the key set is fetched from (https, or http on loopback only). */
  jwksUrl?: string;
  /** A public key set given inline: no fetch at all. */
  jwks?: JsonWebKeySet;
  /** Algorithms accepted for this provider's tokens (asymmetric only). */
  algorithms?: readonly string[];
  /** Required `aud` value(s); when set, a token without a matching `aud` fails. */
  audience?: string | readonly string[];
  /** Seconds of clock skew allowed on exp/nbf/iat (default 5, at most 300). */
  clockToleranceSeconds?: number;
  /** Claim holding the brand id (default `brand_id`). */
  brandClaim?: string;
  /** Claim holding the roles (a string or a list); default: the provider's own reading (see docs/providers.md). */
  roleClaim?: string;
}

/**
 * A configured issuer. Providers are plain data: the verifier builds key sets
 * and caches from them, so one provider can serve several verifiers.
 */
export interface Provider {
  readonly kind: ProviderKind;
  readonly name: string;
  /** Exact `iss` strings routed to this provider. */
  readonly issuers: readonly string[];
  readonly algorithms: readonly string[];
  readonly keySource: KeySourceConfig;
  readonly audience: readonly string[] | undefined;
  readonly authorizedParties: readonly string[] | undefined;
  readonly clockToleranceSeconds: number;
  readonly requireSessionId: boolean;
  readonly brandClaim: string;
  readonly roleClaim: string | undefined;
  /** Clerk tokens carry a Clerk user id that may map to a WorkOS user id. */
  readonly legacyUsers: boolean;
  /** Whether `sub` is a WorkOS user id (workos()): then it is also `workosUserId`. */
  readonly subjectIsWorkosUser: boolean;
  /** Returns why the token is not a session token of this provider (checked before any key work). */
  readonly refuseToken: (header: JsonObject, payload: JsonObject) => TokenRefusal | undefined;
  /** The vendor's reading of a verified payload: roles, organization, permissions, features... (a fresh reading per call: it becomes the principal's base). */
  readonly readClaims: (payload: JsonObject) => ClaimsReading;
  /** Where scopes and brand come from when not the top-level `scope`/`scp` and brand claim (identitySessions(): the session claim only). */
  readonly readAccess?: (payload: JsonObject) => { scopes: readonly string[]; brandId: string | null };
}

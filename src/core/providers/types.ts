import type { JsonWebKeySet } from '../jwk.js';
import type { JsonObject } from '../token/decode.js';

export type ProviderKind = 'clerk' | 'workos' | 'oidc';

/** Where a provider's verification keys come from. */
export type KeySourceConfig =
  | { type: 'jwks'; url: string }
  | { type: 'pem'; pem: string }
  | { type: 'jwks-inline'; jwks: JsonWebKeySet };

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
  /** Claim holding the roles (a string or a list); default: WorkOS `role`/`roles`, Clerk `o.rol`/`org_role`. */
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
  /** Clerk tokens carry a Clerk user id that maps to a WorkOS user id. */
  readonly legacyUsers: boolean;
  /** Returns a reason when the token is not a session token of this provider. */
  readonly rejectTokenKind: (header: JsonObject, payload: JsonObject) => string | undefined;
}

/** What a provider reads from a verified payload besides the subject: the principal's vendor fields. */
import type { JsonObject } from '../token/decode.js';

/** Who acts for the user (impersonation: Clerk, WorkOS and RFC 8693 `act`). */
export interface Actor {
  readonly sub: string;
}

/** One authentication factor as the vendor's claim lists it (Stytch's `authentication_factors` entries). */
export type AuthenticationFactor = Readonly<Record<string, unknown>>;

/** The principal's vendor fields, as each provider reads them from its tokens. */
export interface ProviderClaims {
  /** Roles as the vendor's SDK reads them (Clerk `org:admin`, WorkOS `role`/`roles`, Stytch session roles), or the provider's `roleClaim`. */
  readonly roles: readonly string[];
  /** `sid` (Stytch: the session claim's id). */
  readonly sessionId: string | null;
  readonly organizationId: string | null;
  readonly organizationSlug: string | null;
  /** Clerk `org:<role>`, WorkOS `role`; null where the vendor has no organization role. */
  readonly organizationRole: string | null;
  /** Clerk organization permissions (`org:<feature>:<permission>`), WorkOS and OIDC `permissions`. */
  readonly permissions: readonly string[];
  /** Clerk `fea` entries as written (`o:dashboard`, `u:premium`). */
  readonly features: readonly string[];
  /** WorkOS `entitlements`. */
  readonly entitlements: readonly string[];
  /** WorkOS `feature_flags`. */
  readonly featureFlags: readonly string[];
  /** Who acts for the user (`act.sub`, impersonation), else null. */
  readonly actor: Actor | null;
  /** Stytch authentication factors, as the session claim lists them; empty for other providers. */
  readonly authenticationFactors: readonly AuthenticationFactor[];
}

/** The one empty list: most list claims of most tokens are absent, and what is shared is frozen. */
export const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** Words of a claim: a string split on `separator`, or the non-empty strings of a list. */
export function words(value: unknown, separator: RegExp): readonly string[] {
  // Most claims are absent: no array for them.
  if (value === undefined) return EMPTY_LIST;
  if (typeof value === 'string') return value.split(separator).filter((word) => word !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

/** The non-empty strings of a list claim (a single string counts as a list of one). */
export function stringList(value: unknown): readonly string[] {
  return words(typeof value === 'string' ? [value] : value, /$^/);
}

export function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function objectClaim(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/**
 * The strings of up to three lists, each once, in order. (Most lists are empty or hold one word:
 * no Set for those. Fixed parameters, not a rest parameter: no array per call on a cache miss.)
 */
export function unique(first: readonly string[], second: readonly string[] = EMPTY_LIST, third: readonly string[] = EMPTY_LIST): readonly string[] {
  const count = first.length + second.length + third.length;
  if (count === 0) return EMPTY_LIST;
  if (count === 1) return [first.length === 1 ? first[0]! : second.length === 1 ? second[0]! : third[0]!];
  return [...new Set([...first, ...second, ...third])];
}

/** `act: { sub }` (Clerk, WorkOS, RFC 8693): the impersonator, else null. */
export function actorOf(payload: JsonObject): Actor | null {
  const sub = nonEmptyString(objectClaim(payload.act)?.sub);
  return sub === null ? null : { sub };
}

/** The claims of a reading not yet made a principal's base. */
const NO_PAYLOAD: JsonObject = Object.freeze({});

/**
 * A provider's reading of a payload: every field starts empty and the reader writes what the
 * token has. The reading then becomes the principal's base itself (see principalBaseOf), which
 * adds the scopes, brand and claims: one object per cache miss, where a reading copied into a
 * base made two. A class, not an object literal: V8 allocates a literal's objects straight in the
 * old generation once most of them live long (cached bases do), uncached ones included.
 */
export class ClaimsReading implements ProviderClaims {
  // Declared and assigned in the constructor, not class fields (which ES2022 defines first, then the constructor writes again).
  declare roles: readonly string[];
  declare sessionId: string | null;
  declare organizationId: string | null;
  declare organizationSlug: string | null;
  declare organizationRole: string | null;
  declare permissions: readonly string[];
  declare features: readonly string[];
  declare entitlements: readonly string[];
  declare featureFlags: readonly string[];
  declare actor: Actor | null;
  declare authenticationFactors: readonly AuthenticationFactor[];
  /** Set by principalBaseOf, as the next three. */
  declare scopes: readonly string[];
  declare scope: string;
  declare brandId: string | null;
  declare claims: JsonObject;
  /** The token's `iss`, set by principalBaseOf; who the user is and the provider's name, set by identify(). */
  declare issuer: string;
  declare subject: string;
  declare workosUserId: string | null;
  declare clerkUserId: string | null;
  declare provider: string;

  constructor() {
    this.roles = EMPTY_LIST;
    this.sessionId = null;
    this.organizationId = null;
    this.organizationSlug = null;
    this.organizationRole = null;
    this.permissions = EMPTY_LIST;
    this.features = EMPTY_LIST;
    this.entitlements = EMPTY_LIST;
    this.featureFlags = EMPTY_LIST;
    this.actor = null;
    this.authenticationFactors = EMPTY_LIST;
    this.scopes = EMPTY_LIST;
    this.scope = '';
    this.brandId = null;
    this.claims = NO_PAYLOAD;
    this.issuer = '';
    this.subject = '';
    this.workosUserId = null;
    this.clerkUserId = null;
    this.provider = '';
  }
}

/**
 * A generic OIDC issuer's token: roles from `role`/`roles`/`org_role`, Auth0/WorkOS-style
 * `org_id` and `permissions`, `sid`, `act`.
 */
export function readGenericClaims(payload: JsonObject): ClaimsReading {
  const reading = new ClaimsReading();
  reading.roles = unique(words(payload.role, /\s+/), words(payload.roles, /\s+/), words(payload.org_role, /\s+/));
  reading.sessionId = nonEmptyString(payload.sid);
  reading.organizationId = nonEmptyString(payload.org_id);
  reading.permissions = unique(words(payload.permissions, /\s+/));
  reading.actor = actorOf(payload);
  return reading;
}

import type { Provider } from './providers/types.js';
import type { JsonObject } from './token.js';

/** The verified session, as attached to `req.auth` (Express) and `ctx.state.auth` (Koa). */
export interface SessionPrincipal {
  /** Canonical user id: the WorkOS user id. */
  readonly subject: string;
  readonly type: 'user';
  readonly brandId: string | null;
  readonly workosUserId: string;
  /** The Clerk user id when the token was a legacy Clerk token. */
  readonly clerkUserId: string | null;
  /** Space-separated scopes, normalised from scope, scp, permissions and Clerk o.per. */
  readonly scope: string;
  readonly scopes: readonly string[];
  /** Roles from the token (WorkOS role/roles, Clerk o.rol / org_role). */
  readonly roles: readonly string[];
  readonly sessionId: string | null;
  /** The name of the provider that verified the token. */
  readonly provider: string;
  /** The `iss` of the token. */
  readonly issuer: string;
  /** The verified payload, read-only. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Set by requirePermission(): the roles that granted the permission it checked (as Stytch's verdict). */
  readonly grantingRoles?: readonly string[];
}

/** The parts of a principal that depend only on the token, computed once and cached with it. */
export interface PrincipalBase {
  readonly scopes: readonly string[];
  readonly scope: string;
  readonly roles: readonly string[];
  readonly brandId: string | null;
  readonly sessionId: string | null;
  readonly claims: Readonly<JsonObject>;
}

function words(value: unknown, separator: RegExp): string[] {
  if (typeof value === 'string') return value.split(separator).filter((word) => word !== '');
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item !== '');
  return [];
}

function clerkOrganisation(payload: JsonObject): JsonObject | undefined {
  const o = payload.o;
  return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as JsonObject) : undefined;
}

/** Collects scopes from every claim peers use, in order, without duplicates. */
export function normaliseScopes(payload: JsonObject): string[] {
  const org = clerkOrganisation(payload);
  const all = [
    ...words(payload.scope, /\s+/),
    ...words(payload.scp, /\s+/),
    ...words(payload.permissions, /\s+/),
    ...words(payload.org_permissions, /\s+/),
    ...words(org?.per, /[\s,]+/),
  ];
  return [...new Set(all)];
}

/** Roles from the provider's `roleClaim` when one is configured, else from every claim peers use. */
export function normaliseRoles(payload: JsonObject, roleClaim?: string): string[] {
  if (roleClaim !== undefined) return [...new Set(words(payload[roleClaim], /[\s,]+/))];
  const org = clerkOrganisation(payload);
  const all = [...words(payload.role, /\s+/), ...words(payload.roles, /\s+/), ...words(payload.org_role, /\s+/), ...words(org?.rol, /[\s,]+/)];
  return [...new Set(all)];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export function buildPrincipalBase(provider: Provider, payload: JsonObject): PrincipalBase {
  const scopes = Object.freeze(normaliseScopes(payload));
  const brand = payload[provider.brandClaim];
  return Object.freeze({
    scopes,
    scope: scopes.join(' '),
    roles: Object.freeze(normaliseRoles(payload, provider.roleClaim)),
    brandId: typeof brand === 'string' && brand !== '' ? brand : null,
    sessionId: typeof payload.sid === 'string' ? payload.sid : null,
    claims: deepFreeze(payload),
  });
}

/** A fresh principal per request, so nothing one request attaches leaks into another. */
export function createPrincipal(
  base: PrincipalBase,
  provider: Provider,
  subject: string,
  clerkUserId: string | null,
): SessionPrincipal {
  return {
    subject,
    type: 'user',
    brandId: base.brandId,
    workosUserId: subject,
    clerkUserId,
    scope: base.scope,
    scopes: base.scopes,
    roles: base.roles,
    sessionId: base.sessionId,
    provider: provider.name,
    issuer: base.claims.iss as string,
    claims: base.claims,
  };
}

import type { JsonValue } from './model.js';

/** Most bytes the serialised custom claims of a session may take. */
export const MAX_CUSTOM_CLAIMS_BYTES = 4096;

/**
 * Claim names a session's custom claims never set: registered JWT claims, the names sessionguard
 * and its peers read roles, permissions, organisations and sessions from, and Stytch's namespace.
 * A custom claim with one of these names is ignored, so it can never change who the user is or
 * what they may do.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'azp', 'act', 'typ', 'scope', 'scp', 'permissions',
  'role', 'roles', 'org_id', 'org_role', 'org_permissions', 'o', 'fea', 'cat', 'sts', 'auth_time',
]);
const RESERVED_PREFIX = 'https://stytch.com/';

/** A patch of custom claims: a value sets a key, `null` deletes it; nested objects merge key by key. */
export type ClaimsPatch = Readonly<Record<string, JsonValue>>;

export function isReservedClaim(name: string, brandClaims: ReadonlySet<string>): boolean {
  return RESERVED_NAMES.has(name) || brandClaims.has(name) || name.startsWith(RESERVED_PREFIX);
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The claims after a patch: a value sets a key, `null` deletes it, a nested object merges into a nested object. */
export function mergeClaims(current: Readonly<Record<string, JsonValue>>, patch: ClaimsPatch): Record<string, JsonValue> {
  const next: Record<string, JsonValue> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (isObject(value)) setOwn(next, key, mergeClaims(Object.hasOwn(next, key) && isObject(next[key]) ? (next[key] as Record<string, JsonValue>) : {}, value));
    else setOwn(next, key, value);
  }
  return next;
}

/** Defines rather than assigns: a claim named `__proto__` stays a plain key, never a prototype. */
function setOwn(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The patch without its reserved top-level names (they are ignored, not refused). */
export function withoutReservedClaims(patch: ClaimsPatch, brandClaims: ReadonlySet<string>): ClaimsPatch {
  const allowed: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(patch)) if (!isReservedClaim(key, brandClaims)) allowed[key] = value;
  return allowed;
}

/** The serialised size of claims in UTF-8 bytes. */
export function claimsBytes(claims: Readonly<Record<string, JsonValue>>): number {
  return Buffer.byteLength(JSON.stringify(claims), 'utf8');
}

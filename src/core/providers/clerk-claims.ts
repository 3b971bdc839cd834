/** Clerk session tokens as @clerk/backend reads them: v1 `org_*` claims, v2 `o` and `fea` with the `fpm` bitmask. */
import type { JsonObject } from '../token/decode.js';
import { actorOf, ClaimsReading, EMPTY_LIST, nonEmptyString, objectClaim, stringList, unique, words } from '../principal/provider-claims.js';
import type { TokenRefusal } from './types.js';

/** The bits of a decimal string, least significant first (Clerk's `fpm` entries may exceed 2^53). */
function decimalBits(decimal: string): number[] | undefined {
  if (!/^\d+$/.test(decimal)) return undefined;
  let value = BigInt(decimal);
  const bits: number[] = [];
  while (value > 0n) {
    bits.push(Number(value & 1n));
    value >>= 1n;
  }
  return bits;
}

/** The `fea` claim's entries split by scope: `o:x` is an organization feature, `u:x` a user's, `ou:x`/`uo:x` both. */
function featureScopes(fea: string): { org: string[]; all: string[] } | undefined {
  const org: string[] = [];
  const all: string[] = [];
  for (const raw of fea.split(',')) {
    const part = raw.trim();
    const colon = part.indexOf(':');
    if (colon === -1) return undefined;
    const scope = part.slice(0, colon);
    if (scope === 'o' || scope === 'ou' || scope === 'uo') org.push(part.slice(colon + 1));
    all.push(part);
  }
  return { org, all };
}

/** `org:<feature>:<permission>` for every bit of a feature's `fpm` entry set over the `per` list. */
function organizationPermissions(features: readonly string[], per: unknown, fpm: unknown): string[] {
  if (typeof per !== 'string' || per === '' || typeof fpm !== 'string' || fpm === '') return [];
  const permissions = per.split(',').map((permission) => permission.trim());
  const masks = fpm.split(',').map((mask) => decimalBits(mask.trim()) ?? []);
  const granted: string[] = [];
  features.forEach((feature, index) => {
    const bits = masks[index] ?? [];
    for (let bit = 0; bit < bits.length && bit < permissions.length; bit++) {
      if (bits[bit] === 1) granted.push(`org:${feature}:${permissions[bit]}`);
    }
  });
  return granted;
}

/** Whether @clerk/backend parses `fea` for this token (a v2 token with an organization), where a malformed one throws. */
function unreadableFeatures(payload: JsonObject): boolean {
  const fea = payload.fea;
  if (payload.v !== 2 || objectClaim(payload.o) === undefined || fea === undefined || fea === null || fea === '' || fea === false || fea === 0) return false;
  return typeof fea !== 'string' || featureScopes(fea) === undefined;
}

/** Refuses what Clerk's request path refuses or cannot read: a pending or unknown session status, an `fea` it fails on. */
export function clerkClaimRefusal(payload: JsonObject, acceptPendingSessions: boolean): TokenRefusal | undefined {
  // Clerk's own middleware throws on it (an error, not a signed-out state): refused here rather than read half-way.
  if (unreadableFeatures(payload)) return { reason: 'claim_invalid', message: 'The token\'s "fea" claim is not a list of scoped features.' };
  const status = payload.sts;
  if (status === undefined || status === 'active') return undefined;
  if (status === 'pending') {
    return acceptPendingSessions ? undefined : { reason: 'session_pending', message: 'The session has a pending task: it is not signed in yet.' };
  }
  return { reason: 'claim_invalid', message: 'The token\'s "sts" claim is not a known session status.' };
}

/** Roles, permissions and organization of a Clerk session token, spelled as Clerk's `toAuth()` spells them. */
export function readClerkClaims(payload: JsonObject): ClaimsReading {
  let organizationId: string | null;
  let organizationSlug: string | null;
  let organizationRole: string | null;
  let permissions: readonly string[];
  let features: string[] = [];
  const fea = typeof payload.fea === 'string' ? featureScopes(payload.fea) : undefined;
  if (fea !== undefined) features = fea.all;
  if (payload.v === 2) {
    const o = objectClaim(payload.o);
    const role = nonEmptyString(o?.rol);
    organizationId = nonEmptyString(o?.id);
    organizationSlug = nonEmptyString(o?.slg);
    organizationRole = role === null ? null : `org:${role}`;
    permissions = o === undefined ? [] : organizationPermissions(fea?.org ?? [], o.per, o.fpm);
  } else {
    organizationId = nonEmptyString(payload.org_id);
    organizationSlug = nonEmptyString(payload.org_slug);
    organizationRole = nonEmptyString(payload.org_role);
    permissions = stringList(payload.org_permissions);
  }
  const reading = new ClaimsReading();
  reading.roles = unique(words(payload.role, /\s+/), words(payload.roles, /\s+/), organizationRole === null ? EMPTY_LIST : [organizationRole]);
  reading.sessionId = nonEmptyString(payload.sid);
  reading.organizationId = organizationId;
  reading.organizationSlug = organizationSlug;
  reading.organizationRole = organizationRole;
  reading.permissions = unique(permissions);
  reading.features = features;
  reading.actor = actorOf(payload);
  return reading;
}

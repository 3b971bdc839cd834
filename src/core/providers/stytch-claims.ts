/** Stytch session JWTs as stytch-node's `authenticateJwtLocal` reads them (B2C and B2B). */
import type { JsonObject } from '../token/decode.js';
import { ClaimsReading, nonEmptyString, objectClaim, stringList, unique, type AuthenticationFactor } from '../principal/provider-claims.js';
import type { TokenRefusal } from './types.js';

export const STYTCH_SESSION_CLAIM = 'https://stytch.com/session';
export const STYTCH_ORGANIZATION_CLAIM = 'https://stytch.com/organization';

/**
 * A session token carries the session claim (an M2M client token of the same project does not), and
 * declares `typ: JWT`: stytch-node verifies with jose's `typ` option, which requires the header
 * (compared case-insensitively, an `application/` prefix ignored).
 */
export function stytchTokenRefusal(header: JsonObject, payload: JsonObject, b2b: boolean): TokenRefusal | undefined {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (typ !== 'jwt') return { reason: 'kind_rejected', message: 'The token does not declare the type JWT: it is not a session token.' };
  const session = objectClaim(payload[STYTCH_SESSION_CLAIM]);
  if (session === undefined || nonEmptyString(session.id) === null) {
    return { reason: 'kind_rejected', message: 'The token has no Stytch session claim: it is not a session token.' };
  }
  if (b2b && nonEmptyString(objectClaim(payload[STYTCH_ORGANIZATION_CLAIM])?.organization_id) === null) {
    return { reason: 'kind_rejected', message: 'The token has no Stytch organization claim: it is not a B2B member session token.' };
  }
  return undefined;
}

function factors(value: unknown): AuthenticationFactor[] {
  return Array.isArray(value) ? value.filter((item): item is AuthenticationFactor => objectClaim(item) !== undefined) : [];
}

/** Session id, roles and factors from the session claim; organization id and slug from the B2B claim. */
export function readStytchClaims(payload: JsonObject): ClaimsReading {
  const session = objectClaim(payload[STYTCH_SESSION_CLAIM]);
  const organization = objectClaim(payload[STYTCH_ORGANIZATION_CLAIM]);
  const reading = new ClaimsReading();
  reading.roles = unique(stringList(session?.roles));
  reading.sessionId = nonEmptyString(session?.id);
  reading.organizationId = nonEmptyString(organization?.organization_id);
  reading.organizationSlug = nonEmptyString(organization?.slug);
  reading.authenticationFactors = factors(session?.authentication_factors);
  return reading;
}

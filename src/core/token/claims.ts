import type { ErrorFactory } from '../errors.js';
import type { Provider } from '../providers/types.js';
import type { JsonObject } from './decode.js';

/** Why a verified payload is not an acceptable session right now; undefined when it is. */
export type ClaimProblem =
  | { error: 'token_expired' }
  | { error: 'invalid_token'; reason: string; message: string };

const expired: ClaimProblem = { error: 'token_expired' };

function invalid(reason: string, message: string): ClaimProblem {
  return { error: 'invalid_token', reason, message };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Why a required NumericDate claim is not acceptable, or undefined. */
function numericDateProblem(payload: JsonObject, claim: 'exp' | 'iat'): ClaimProblem | undefined {
  const value = payload[claim];
  if (value === undefined) return invalid('claim_missing', `The token has no "${claim}" claim.`);
  return isNumericDate(value) ? undefined : invalid('claim_invalid', `The token's "${claim}" claim is not a number.`);
}

/** Whether `aud` (a string or a list) names one of the accepted audiences. */
function namesAudience(aud: unknown, accepted: readonly string[]): boolean {
  if (typeof aud === 'string') return accepted.includes(aud);
  return Array.isArray(aud) && aud.some((value) => typeof value === 'string' && accepted.includes(value));
}

/** Checks that do not depend on time: presence and types of claims, audience, azp. */
export function checkStaticClaims(provider: Provider, payload: JsonObject): ClaimProblem | undefined {
  // Claim by claim, not a loop over a list: no array per cache miss.
  const problem = numericDateProblem(payload, 'exp') ?? numericDateProblem(payload, 'iat');
  if (problem !== undefined) return problem;
  if (payload.nbf !== undefined && !isNumericDate(payload.nbf)) {
    return invalid('claim_invalid', 'The token\'s "nbf" claim is not a number.');
  }
  if (payload.sub === undefined) return invalid('claim_missing', 'The token has no "sub" claim.');
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    return invalid('claim_invalid', 'The token\'s "sub" claim is not a non-empty string.');
  }
  if (provider.requireSessionId || payload.sid !== undefined) {
    if (payload.sid === undefined) return invalid('claim_missing', 'The token has no "sid" claim: it is not a session token.');
    if (typeof payload.sid !== 'string' || payload.sid === '') {
      return invalid('claim_invalid', 'The token\'s "sid" claim is not a non-empty string.');
    }
  }
  if (payload.jti !== undefined && (typeof payload.jti !== 'string' || payload.jti === '')) {
    return invalid('claim_invalid', 'The token\'s "jti" claim is not a non-empty string.');
  }
  if (provider.audience !== undefined) {
    if (!namesAudience(payload.aud, provider.audience)) return invalid('audience_invalid', 'The token is not meant for this audience.');
  }
  // As @clerk/backend: with authorized parties configured, a token must name one of them.
  if (provider.authorizedParties !== undefined) {
    if (typeof payload.azp !== 'string' || !provider.authorizedParties.includes(payload.azp)) {
      return invalid('azp_invalid', 'The token was issued to a party this server does not accept.');
    }
  }
  return undefined;
}

/** Time checks, re-run on every request (also for cached tokens). `now` in seconds. */
export function checkTime(provider: Provider, payload: JsonObject, now: number): ClaimProblem | undefined {
  const tolerance = provider.clockToleranceSeconds;
  if ((payload.exp as number) <= now - tolerance) return expired;
  if (payload.nbf !== undefined && (payload.nbf as number) > now + tolerance) {
    return invalid('token_not_yet_valid', 'The token is not valid yet.');
  }
  if ((payload.iat as number) > now + tolerance) return invalid('iat_in_future', 'The token was issued in the future.');
  return undefined;
}

/** A claim problem as the rejection to answer with. */
export function throwIfClaimProblem(errors: ErrorFactory, problem: ClaimProblem | undefined): void {
  if (problem === undefined) return;
  if (problem.error === 'token_expired') throw errors.tokenExpired();
  throw errors.invalidToken(problem.reason, problem.message);
}

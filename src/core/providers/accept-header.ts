import type { ErrorFactory } from '../errors.js';
import type { JsonObject } from '../token/decode.js';
import type { Provider } from './types.js';

/**
 * What the routed provider says of a token's protected header before any key work: its
 * algorithm must be one the provider accepts, the token must be of a kind it takes as a session,
 * and a `kid` must be a string. Returns the kid.
 */
export function acceptHeader(provider: Provider, header: JsonObject, payload: JsonObject, errors: ErrorFactory): string | undefined {
  if (!provider.algorithms.includes(header.alg as string)) {
    throw errors.invalidToken('alg_not_allowed', 'The token is signed with an algorithm this server does not accept.');
  }
  const refusal = provider.refuseToken(header, payload);
  if (refusal !== undefined) throw errors.invalidToken(refusal.reason, refusal.message);
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') throw errors.invalidToken('kid_unknown', 'The token names no usable key.');
  return kid;
}

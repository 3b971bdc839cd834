/** What every adapter does the same way with first-party sessions; adapters only write the cookies and the answer. */
import { isSessionError, type SessionError } from '../errors.js';
import { rememberGuardContext } from '../guards/context.js';
import type { SessionPrincipal } from '../principal/principal.js';
import type { RequestLike } from '../request/credentials.js';
import type { SessionVerifier } from '../verifier.js';
import type { CreatedSession, FirstPartySessions } from './first-party-sessions.js';
import { setCookiesOf } from './outcome.js';

export interface CookieOutcome {
  principal: SessionPrincipal | undefined;
  /** The rejection to answer with, if any (its cookies are in setCookies). */
  error: SessionError | undefined;
  /** `Set-Cookie` values to append, whatever the outcome. */
  setCookies: readonly string[];
}

/** The middleware's path when first-party sessions are configured: never rejects. */
export async function authenticateWithCookies(verifier: SessionVerifier, key: object, request: RequestLike, optional: boolean): Promise<CookieOutcome> {
  rememberGuardContext(key, verifier.guardContext);
  try {
    const { principal, setCookies } = await verifier.authenticateRequest(request, { optional });
    return { principal, error: undefined, setCookies };
  } catch (error) {
    return { principal: undefined, error: isSessionError(error) ? error : verifier.reject(error), setCookies: setCookiesOf(error) };
  }
}

function firstPartyOf(verifier: SessionVerifier, method: string): FirstPartySessions {
  const firstParty = verifier.firstParty;
  if (firstParty === undefined) throw new TypeError(`sessionguard: ${method}() needs an identitySessions() provider.`);
  return firstParty;
}

/** startSession()'s cookies, for an adapter to append. */
export function startSessionCookies(verifier: SessionVerifier, created: CreatedSession): string[] {
  return firstPartyOf(verifier, 'startSession').startSession(created);
}

/** endSession() for an adapter: `append` writes the cookies (cleared even when the revoke fails) before the answer or the rejection. */
export async function endSessionWith(verifier: SessionVerifier, request: RequestLike, append: (setCookies: readonly string[]) => void): Promise<{ revoked: boolean }> {
  try {
    const { revoked, setCookies } = await firstPartyOf(verifier, 'endSession').endSession(request);
    append(setCookies);
    return { revoked };
  } catch (error) {
    append(setCookiesOf(error));
    throw error;
  }
}

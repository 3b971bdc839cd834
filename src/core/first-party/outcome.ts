import type { SessionError } from '../errors.js';
import type { SessionPrincipal } from '../principal/principal.js';

/** What `verifier.authenticateRequest()` resolves to: the principal and the full `Set-Cookie` values to append. */
export interface AuthenticatedRequest {
  principal: SessionPrincipal | undefined;
  setCookies: readonly string[];
}

const cookiesOfErrors = new WeakMap<SessionError, readonly string[]>();

/** Rejections that must not clear the cookies (a cross-site refresh refused, the service down). */
export const keepCookies = new WeakSet<SessionError>();

export function withCookies(error: SessionError, setCookies: readonly string[]): SessionError {
  if (setCookies.length > 0) cookiesOfErrors.set(error, setCookies);
  return error;
}

/** The `Set-Cookie` values to send with a rejection of authenticateRequest() or endSession() (clearing the first-party cookies), else []. */
export function setCookiesOf(error: unknown): readonly string[] {
  return (typeof error === 'object' && error !== null && cookiesOfErrors.get(error as SessionError)) || [];
}

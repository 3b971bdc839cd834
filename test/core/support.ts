/** Core tests without a framework: a request as Node gives it, and assertions on the thrown SessionError. */
import { isSessionError, type RequestLike, type SessionError, type SessionPrincipal, type SessionVerifier } from '../../src';

/** A GET request with a bearer token, as an adapter hands it to the verifier. */
export function bearerRequest(token: string, headers: Record<string, string> = {}): RequestLike {
  return { method: 'GET', headers: { authorization: `Bearer ${token}`, ...headers } };
}

/** authenticate() with a bearer token: the principal, or the SessionError it threw. */
export async function authenticate(verifier: SessionVerifier, token: string): Promise<SessionPrincipal | SessionError> {
  return authenticateRequest(verifier, bearerRequest(token));
}

/** authenticate() with any request (cookies, other schemes, no token): the principal, or the SessionError it threw. */
export async function authenticateRequest(verifier: SessionVerifier, request: RequestLike): Promise<SessionPrincipal | SessionError> {
  try {
    const principal = await verifier.authenticate(request);
    if (principal === undefined) throw new Error('authenticate() answered no principal for a required token');
    return principal;
  } catch (error) {
    if (isSessionError(error)) return error;
    throw error;
  }
}

/** The status an adapter would answer: 200 for a principal, the rejection's status otherwise. */
export function statusOf(outcome: SessionPrincipal | SessionError): number {
  return isSessionError(outcome) ? outcome.status : 200;
}

/**
 * Asserts a rejection as the adapters would answer it: status, error and reason, a message, and
 * the RFC 6750 challenge on 401s (no `error=` when no token was sent, `error="invalid_token"` otherwise).
 */
export function expectRejection(outcome: unknown, status: number, error: string, reason?: string): SessionError {
  expect(isSessionError(outcome)).toBe(true);
  const rejection = outcome as SessionError;
  expect({ status: rejection.status, error: rejection.error, reason: rejection.reason }).toEqual({ status, error, reason });
  expect(typeof rejection.message).toBe('string');
  if (status === 401) {
    const challenge = rejection.headers['WWW-Authenticate'];
    expect(challenge).toMatch(/^Bearer realm="[^"]*"/);
    if (error === 'missing_token') expect(challenge).not.toMatch(/error=/);
    else expect(challenge).toMatch(/error="invalid_token"/);
  }
  return rejection;
}

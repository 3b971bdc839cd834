/**
 * First-party sessions on a request: the two cookies, the transparent refresh of an expired
 * session JWT from the session token, and sign-in/out. The verifier calls authenticate() when an
 * identitySessions() provider is configured; adapters call startSession()/endSession().
 */
import { isSessionError, type ErrorFactory, type SessionError } from '../errors.js';
import type { RevocationQuery } from '../options.js';
import type { SessionPrincipal } from '../principal/principal.js';
import { cookieCredentials, cookieHeadersOf, type Credentials, type RequestLike } from '../request/credentials.js';
import { checkCsrf, type CsrfPolicy } from '../request/csrf.js';
import { decodeToken, type JsonObject } from '../token/decode.js';
import { sessionClaimOf } from '../providers/identity-sessions.js';
import { clearCookies, readFirstPartyCookies, setCookie, type SessionCookies } from './cookies.js';
import { Refresher } from './refresher.js';
import type { SessionClient } from './session-client.js';
import { keepCookies, withCookies, type AuthenticatedRequest } from './outcome.js';

export interface FirstPartyDeps {
  errors: ErrorFactory;
  now: () => number;
  csrf: CsrfPolicy;
  /** The identitySessions() providers' issuers: only their JWTs may sit in the first-party cookie. */
  issuers: ReadonlySet<string>;
  /** The verifier's whole check of a cookie token (signature, claims, revocation, CSRF, account status). */
  verify(credentials: Credentials): Promise<SessionPrincipal>;
  /** The verifier's ordinary path: a header token or the upstream cookie. */
  authenticateOther(request: RequestLike, optional: boolean): Promise<SessionPrincipal | undefined>;
  isRevoked: ((query: RevocationQuery) => Promise<boolean> | boolean) | undefined;
  /** Turns anything thrown into the SessionError to answer with, and reports it. */
  reject(error: unknown): SessionError;
}

/** A created session as POST /v1/sessions (or authenticate) answers it. */
export interface CreatedSession {
  session_token: string;
  session_jwt: string;
  session?: { expires_at?: string };
}

const RETRY_AFTER_SECONDS = 5;
const NO_COOKIES: readonly string[] = Object.freeze([]);

function payloadOf(jwt: string): JsonObject | undefined {
  return decodeToken(jwt)?.payload;
}

export class FirstPartySessions {
  readonly refresher: Refresher | undefined;

  constructor(
    readonly cookies: SessionCookies,
    private readonly client: SessionClient | undefined,
    private readonly deps: FirstPartyDeps,
  ) {
    this.refresher = client === undefined ? undefined : new Refresher(client, deps.now);
  }

  /** The principal (undefined: anonymous, optional mode) and the cookies to set; rejects with a SessionError carrying its cookies. */
  async authenticate(request: RequestLike, optional: boolean): Promise<AuthenticatedRequest> {
    const { cookies: lines, bearer, origin } = cookieHeadersOf(request);
    // A header token is the API client's own: never refreshed, never touches cookies.
    if (bearer) return { principal: await this.deps.authenticateOther(request, optional), setCookies: [] };
    const found = readFirstPartyCookies(lines, this.cookies, this.deps.errors);
    if (found.jwt === undefined && found.token === undefined) return { principal: await this.deps.authenticateOther(request, optional), setCookies: [] };
    try {
      return await this.fromCookies(request, origin, found.jwt, found.token);
    } catch (thrown) {
      const error = this.deps.reject(thrown);
      const clear = error.status === 401 && !keepCookies.has(error) ? clearCookies(this.cookies) : [];
      if (optional && error.status === 401) return { principal: undefined, setCookies: clear };
      throw withCookies(error, clear);
    }
  }

  private async fromCookies(request: RequestLike, origin: string | undefined, jwt: string | undefined, token: string | undefined): Promise<AuthenticatedRequest> {
    const errors = this.deps.errors;
    let expired: { error: SessionError; sid: string; sessionExpiresAt: number } | undefined;
    if (jwt !== undefined) {
      const notOurs = () => errors.invalidToken('kind_rejected', 'The session cookie holds no session JWT of the identity service.');
      try {
        const principal = await this.deps.verify(cookieCredentials(request, jwt, origin));
        if (!this.deps.issuers.has(principal.issuer)) throw notOurs();
        return { principal, setCookies: NO_COOKIES };
      } catch (error) {
        // token_expired comes only after the signature and the issuer were checked: the one case a refresh may follow.
        if (!isSessionError(error) || error.error !== 'token_expired') throw error;
        const payload = payloadOf(jwt);
        if (payload === undefined || typeof payload.iss !== 'string' || !this.deps.issuers.has(payload.iss)) throw notOurs();
        const claim = sessionClaimOf(payload);
        expired = { error, sid: payload.sid as string, sessionExpiresAt: typeof claim?.expires_at === 'string' ? Date.parse(claim.expires_at) : NaN };
      }
    }
    if (token === undefined || this.refresher === undefined) throw expired?.error ?? errors.missingToken();
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        checkCsrf(cookieCredentials(request, token), undefined, this.deps.csrf, errors);
      } catch {
        // A cross-site request refreshes nothing and keeps the cookies: the site's own next request will.
        const refusal = expired?.error ?? errors.missingToken();
        keepCookies.add(refusal);
        throw refusal;
      }
    }
    const outcome = await this.refresher.refresh(token);
    if (outcome.kind === 'unavailable') {
      const unavailable = errors.serviceUnavailable('identity_unavailable', 'The identity service cannot refresh the session right now: retry shortly.', RETRY_AFTER_SECONDS);
      keepCookies.add(unavailable);
      throw unavailable;
    }
    if (outcome.kind === 'refused') {
      if (outcome.reason !== undefined) throw errors.invalidToken(outcome.reason, 'The account of this session is suspended or banned: the session cannot be renewed.');
      throw await this.refusal(expired?.sid, expired?.sessionExpiresAt);
    }
    if (expired !== undefined && outcome.sessionId !== expired.sid) {
      throw errors.invalidToken('session_mismatch', 'The session token cookie belongs to another session than the session JWT cookie.');
    }
    const principal = await this.deps.verify(cookieCredentials(request, outcome.jwt));
    const now = this.deps.now();
    const exp = payloadOf(outcome.jwt)?.exp;
    const setCookies = [setCookie(this.cookies, this.cookies.jwtName, outcome.jwt, (typeof exp === 'number' ? exp : 0) - now / 1000)];
    if (this.client?.extendMinutes !== undefined) setCookies.push(setCookie(this.cookies, this.cookies.tokenName, token, (outcome.expiresAtMs - now) / 1000));
    return { principal, setCookies };
  }

  /** Why the service refused the token for good, as precisely as this process can tell. */
  private async refusal(sid: string | undefined, sessionExpiresAt: number | undefined): Promise<SessionError> {
    const errors = this.deps.errors;
    if (sid !== undefined && this.deps.isRevoked !== undefined) {
      const [issuer] = this.deps.issuers;
      try {
        if (await this.deps.isRevoked({ subject: '', issuer: issuer!, sessionId: sid, tokenId: null })) return errors.sessionRevoked('session_revoked');
      } catch {
        // The store's answer is only a refinement here: the session is refused either way.
      }
    }
    if (sessionExpiresAt !== undefined && sessionExpiresAt <= this.deps.now()) return errors.invalidToken('session_expired', 'The session has expired: sign in again.');
    return errors.invalidToken('session_not_found', 'The session no longer exists: sign in again.');
  }

  /** The two `Set-Cookie` values of a new session; never reads the request (no session fixation). */
  startSession(created: CreatedSession): string[] {
    const where = 'sessionguard: startSession()';
    if (typeof created !== 'object' || created === null) throw new TypeError(`${where}: pass the created session ({ session_token, session_jwt, session }).`);
    const { session_token: token, session_jwt: jwt } = created;
    if (typeof token !== 'string' || token === '') throw new TypeError(`${where}: session_token must be a non-empty string.`);
    if (typeof jwt !== 'string' || jwt === '') throw new TypeError(`${where}: session_jwt must be a non-empty string.`);
    const exp = payloadOf(jwt)?.exp;
    if (typeof exp !== 'number') throw new TypeError(`${where}: session_jwt is not a session JWT (no exp).`);
    const expiresAt = Date.parse(created.session?.expires_at ?? '');
    if (!Number.isFinite(expiresAt)) throw new TypeError(`${where}: session.expires_at must be the session's expiry (RFC 3339).`);
    const now = this.deps.now();
    return [setCookie(this.cookies, this.cookies.jwtName, jwt, exp - now / 1000), setCookie(this.cookies, this.cookies.tokenName, token, (expiresAt - now) / 1000)];
  }

  /**
   * Revokes the session the request proves (its token cookie, else a JWT cookie whose signature
   * verifies, expired or not) and clears both cookies. A cross-site request (any method) gets a
   * 403 and changes nothing.
   */
  async endSession(request: RequestLike): Promise<{ revoked: boolean; setCookies: string[] }> {
    const client = this.client;
    if (client === undefined) throw new TypeError('sessionguard: endSession() needs the refresh option: { serviceUrl, projectId, secret } or { service }.');
    const found = cookieCredentials(request, '');
    const asUnsafe: Credentials = { token: '', source: 'cookie', method: 'POST', origin: found.origin, header: (name) => found.header?.(name), encrypted: found.encrypted === true };
    checkCsrf(asUnsafe, undefined, this.deps.csrf, this.deps.errors);
    const clear = clearCookies(this.cookies);
    const { jwt, token } = readFirstPartyCookies(cookieHeadersOf(request).cookies, this.cookies, this.deps.errors);
    let target: Record<string, string> | undefined;
    if (token !== undefined) {
      target = { session_token: token };
      this.refresher?.forget(token);
    }
    else if (jwt !== undefined && (await this.signatureVerifies(request, jwt))) target = { session_jwt: jwt };
    if (target === undefined) return { revoked: false, setCookies: clear };
    const answer = await client.call('revoke', target);
    if (answer.status === 200) return { revoked: true, setCookies: clear };
    if (answer.status === 404 || answer.status === 400 || (answer.status === 401 && answer.body?.error_type === 'invalid_session_jwt')) return { revoked: false, setCookies: clear };
    throw withCookies(this.deps.errors.serviceUnavailable('identity_unavailable', 'The identity service cannot end the session right now: retry shortly.', RETRY_AFTER_SECONDS), clear);
  }

  private async signatureVerifies(request: RequestLike, jwt: string): Promise<boolean> {
    const iss = payloadOf(jwt)?.iss;
    if (typeof iss !== 'string' || !this.deps.issuers.has(iss)) return false;
    try {
      await this.deps.verify(cookieCredentials(request, jwt));
      return true;
    } catch (error) {
      return isSessionError(error) && error.error === 'token_expired';
    }
  }
}

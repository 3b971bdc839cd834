import { ErrorFactory, type HttpErrorResponse, type SessionError } from './errors.js';
import { brandClass, SESSION_VERIFIER_BRAND } from './brand.js';
import { Reporter } from './reporting.js';
import { ErrorResponder } from './respond.js';
import { reportRejection, toSessionError } from './rejections.js';
import { findCredentials } from './request/custom-token.js';
import { resolveOptions, type ResolvedOptions, type SessionGuardOptions } from './options.js';
import { assertRequestLike, assertSingleCredential, credentialsFrom, headerCredentials, plainCredentials, readHeaders, RequestShapeError, type Credentials, type NodeRequestLike, type RequestLike } from './request/credentials.js';
import { checkCsrf } from './request/csrf.js';
import { repeatedOnConnection } from './request/repeated-authorization.js';
import { requestFields } from './request/context.js';
import { MAX_TOKEN_BYTES } from './token/decode.js';
import { decodeCredentials } from './token/decode-credentials.js';
import { checkTime, throwIfClaimProblem } from './token/claims.js';
import { TokenCache, timeChecksHold, timeChecksPassed, type VerifiedToken } from './token/token-cache.js';
import { ProviderRegistry } from './providers/registry.js';
import type { Provider } from './providers/types.js';
import { UncachedTokens } from './uncached-tokens.js';
import { principalFrom, type SessionPrincipal } from './principal/principal.js';
import { LegacyUsers } from './principal/legacy-users.js';
import { SessionChecks, type Invalidation } from './session/session-checks.js';
import { invalidationFor, storeHooks } from './session/store-hooks.js';
import { RbacPolicy } from './guards/rbac.js';
import type { GuardContext } from './guards/context.js';
import { isRemoteProvider } from './remote/remote-provider.js';
import { createRemoteVerification, type RemoteVerification } from './remote/remote-verification.js';
import type { FirstPartySessions } from './first-party/first-party-sessions.js';
import type { AuthenticatedRequest } from './first-party/outcome.js';
import { firstPartySessionsFor } from './first-party/setup.js';

export type { Invalidation } from './session/session-checks.js';

/**
 * The framework-free core. A request's path: find the credentials, answer from the token cache
 * or decode the token, route it to its provider by `iss`, check its signature with that
 * provider's keys and its claims, build the principal, then run the session checks (time,
 * revocation, CSRF, account status). Adapters call `authenticateNow()` and translate the
 * principal or SessionError.
 */
export class SessionVerifier {
  readonly errors: ErrorFactory;
  /** What route guards answer with: this verifier's realm and RBAC policy. */
  readonly guardContext: GuardContext;
  private readonly settings: ResolvedOptions;
  private readonly options: SessionGuardOptions;
  private readonly providers: ProviderRegistry;
  private readonly tokenCache: TokenCache | undefined;
  /** The cache-miss path: decoding, routing, signature and claims. */
  private readonly uncached: UncachedTokens;
  private readonly sessionChecks: SessionChecks | undefined;
  /** What a cache hit reads, on the verifier itself: whether it makes the principal and nothing else (no session checks, no onEvent), the cache when a connection's memo may answer (no getToken), the templates. */
  private readonly plainHits: boolean;
  private readonly memoCache: TokenCache | undefined;
  private readonly templates: SessionGuardOptions['templates'];
  /** Events (`emit`: the app's onEvent, undefined without one), and the log lines a user must not miss. */
  private readonly reporter: Reporter;
  private readonly now: () => number;
  private readonly unsubscribe: (() => void) | undefined;
  /** Set in remote mode: tokens are verified by a remote identity service (the only provider). */
  private readonly remote: RemoteVerification | undefined;
  /** Set with an identitySessions() provider: the first-party cookies, their refresh, sign-in and sign-out. */
  readonly firstParty: FirstPartySessions | undefined;

  constructor(options: SessionGuardOptions) {
    this.settings = resolveOptions(options);
    const settings = this.settings;
    this.errors = new ErrorFactory(settings.realm);
    const now = (this.now = options.clock ?? Date.now);
    const reporter = (this.reporter = new Reporter(options.onEvent, options.logger, now));
    // Rare events (key fetches, store reads, status lookups) go through the reporter, which logs the failures.
    const emit = reporter.report;
    const rbac = options.rbac === undefined ? undefined : RbacPolicy.compile(options.rbac);
    this.guardContext = Object.freeze({ errors: this.errors, rbac, responder: new ErrorResponder(settings, reporter) });
    // A store answers status and revocation; its change messages clear what they make stale.
    const store = options.store;
    if (store !== undefined) options = { ...options, ...storeHooks(store, options.storeFailOpen === true, emit) };
    this.options = options;

    this.remote = createRemoteVerification(options, { errors: this.errors, now, minter: options.templates });
    const local = options.providers.filter((provider): provider is Provider => !isRemoteProvider(provider));
    this.providers = new ProviderRegistry(local, options.keySets ?? {}, this.errors, {
      emit,
      now,
      onKeysRemoved: (provider, kids) => this.tokenCache?.forgetSignedWith(provider, kids),
    });
    if (settings.tokenCacheMax > 0) this.tokenCache = new TokenCache(settings.tokenCacheMax, settings.tokenCacheMaxTtlMs, now);
    const hookTimeoutMs = settings.hookTimeoutMs;
    const legacyUsers = new LegacyUsers(options.resolveLegacyUser, { max: settings.legacyMax, ttlMs: settings.legacyTtlMs, hookTimeoutMs, now }, this.errors);
    this.uncached = new UncachedTokens({ errors: this.errors, providers: this.providers, tokenCache: this.tokenCache, legacyUsers, emit: reporter.emit, requestIdHeader: settings.requestIdHeader, now });
    const { accountStatus, isRevoked } = options;
    if (accountStatus !== undefined || isRevoked !== undefined) {
      this.sessionChecks = new SessionChecks({ accountStatus, isRevoked, statusTtlMs: settings.statusTtlMs, hookTimeoutMs, now, emit }, this.errors);
    }
    this.plainHits = this.sessionChecks === undefined && reporter.emit === undefined;
    this.memoCache = options.getToken === undefined ? this.tokenCache : undefined;
    this.templates = options.templates;
    const verify = async (credentials: Credentials) => this.check(credentials);
    const authenticateOther = (request: RequestLike, optional: boolean) => this.authenticate(request, optional);
    this.firstParty = firstPartySessionsFor(options, { errors: this.errors, now, csrf: settings, verify, reject: (error) => this.reject(error), authenticateOther, isRevoked: options.isRevoked });
    this.unsubscribe = store?.subscribe(
      (change) => this.invalidate(invalidationFor(change)),
      (error) => emit({ type: 'store_error', operation: 'subscribe', error: error.message, failOpen: options.storeFailOpen === true }),
    );
  }

  /** The cookie the token is read from. */
  get cookieName(): string {
    return this.settings.cookieName;
  }

  /** Whether the app's `getToken` is the token source: an adapter then hands the core the request its docs promise `getToken`. */
  get usesGetToken(): boolean {
    return this.options.getToken !== undefined;
  }

  /** True when every provider's keys are held and usable. */
  get ready(): boolean {
    return this.providers.ready;
  }

  /** Fetches every provider's keys ahead of traffic; resolves to `ready`. */
  warm(): Promise<boolean> {
    return this.providers.warm();
  }

  /** Forgets cached account status (for a subject, or all) and revocation answers after a change. */
  invalidate(change: Invalidation = {}): void {
    this.sessionChecks?.invalidate(change, this.providers.issuers());
  }

  close(): void {
    this.unsubscribe?.();
    this.providers.close();
  }

  /** Finds the token on a request; undefined when there is none. Throws 400s for ambiguous requests. */
  extract(request: RequestLike): Credentials | undefined {
    const found = findCredentials(request, this.options.getToken, this.settings.cookieName, this.errors);
    if (found === undefined) return undefined;
    assertSingleCredential(found, this.errors);
    return plainCredentials(found);
  }

  /**
   * Everything an adapter needs: the principal, undefined for an anonymous
   * request in optional mode, or a SessionError (never anything else). Throws a TypeError
   * at the call when `request` is not a Node request, a Fetch `Request` or an object with headers.
   */
  authenticate(request: RequestLike, optional = false): Promise<SessionPrincipal | undefined> {
    assertRequestLike(request);
    return new Promise((resolve) => resolve(this.authenticateNow(request, optional)));
  }

  /**
   * authenticate() for adapters: answers synchronously when the caches hold
   * everything the request needs (the hot path then costs no promise and no
   * microtask), else returns a promise. Throws, or rejects with, only a SessionError
   * (and throws authenticate()'s TypeError for something that is not a request).
   */
  authenticateNow(request: RequestLike, optional = false): SessionPrincipal | undefined | Promise<SessionPrincipal | undefined> {
    let credentials: Credentials | undefined;
    let outcome: SessionPrincipal | Promise<SessionPrincipal>;
    try {
      const connection = (request as NodeRequestLike).socket ?? undefined;
      // The connection's last verified token, sent again in the very same Authorization value: no parsing, no hashing.
      const repeated = connection === undefined || this.memoCache === undefined ? undefined : repeatedOnConnection(this.memoCache, connection, request as NodeRequestLike);
      const now = repeated === undefined ? undefined : this.now();
      if (repeated !== undefined && now !== undefined && this.memoCache!.stillHeld(repeated, now)) {
        // A header token has no CSRF check: with no session checks and no events, a hit needs no credentials object.
        if (this.plainHits && timeChecksHold(repeated.verified, now)) return principalFrom(repeated.verified.base, repeated.token, this.templates, this.guardContext);
        credentials = headerCredentials(request, repeated.token, readHeaders(request));
        outcome = this.cacheHit(credentials, repeated.verified, now, request);
      } else {
        const headers = this.options.getToken === undefined ? readHeaders(request) : undefined;
        // A second credential in the header is looked for only on a cache miss, with the shape check (see decodeCredentials).
        credentials = headers === undefined ? findCredentials(request, this.options.getToken, this.settings.cookieName, this.errors) : credentialsFrom(headers, request, this.settings.cookieName, this.errors);
        if (credentials === undefined) {
          if (optional) return undefined;
          throw this.errors.missingToken();
        }
        outcome = this.check(credentials, connection, request);
      }
    } catch (error) {
      throw this.reject(error, credentials, request);
    }
    if (!(outcome instanceof Promise)) return outcome;
    const found = credentials;
    return outcome.catch((error: unknown) => {
      throw this.reject(error, found, request);
    });
  }

  /** A rejection as this verifier answers it (its errorBody and errorContentType), for route handlers and adapters of your own. */
  errorResponse(error: SessionError, request: RequestLike): HttpErrorResponse {
    return this.guardContext.responder!.response(error, request);
  }

  /** authenticate() with first-party sessions: the principal and the `Set-Cookie` values to append; on a rejection, `setCookiesOf(error)`. */
  async authenticateRequest(request: RequestLike, { optional = false }: { optional?: boolean } = {}): Promise<AuthenticatedRequest> {
    assertRequestLike(request);
    if (this.firstParty === undefined) return { principal: await this.authenticate(request, optional), setCookies: [] };
    return this.firstParty.authenticate(request, optional);
  }

  /** Verifies a token (with its request context) and returns the principal, or throws a SessionError. */
  verify(input: Credentials | string): Promise<SessionPrincipal> {
    const credentials: Credentials =
      typeof input === 'string' ? { token: input, source: 'header', method: 'GET', origin: undefined } : input;
    // Not an async function: an answer in hand resolves without an await of its own.
    let outcome: SessionPrincipal | Promise<SessionPrincipal>;
    try {
      outcome = this.check(credentials);
    } catch (error) {
      return Promise.reject(this.verifyError(error, input));
    }
    if (!(outcome instanceof Promise)) return Promise.resolve(outcome);
    return outcome.catch((error: unknown) => {
      throw this.verifyError(error, input);
    });
  }

  /** Only SessionErrors leave verify(): a key set that cannot be had is a 503, as on a request. */
  private verifyError(error: unknown, input: Credentials | string): SessionError {
    const sessionError = toSessionError(error, this.errors);
    // A bare token came from no header: whitespace or a comma in it makes it malformed, not a second credential.
    if (typeof input === 'string' && sessionError.reason === 'duplicate_authorization') return this.errors.invalidToken('token_malformed', 'The token is not a compact JWS.');
    return sessionError;
  }

  /** Turns anything thrown while authenticating into the SessionError to answer with, and reports it (with its request's method, path and id). */
  reject(error: unknown, credentials?: Credentials, request?: RequestLike): SessionError {
    if (error instanceof RequestShapeError) throw error;
    const sessionError = toSessionError(error, this.errors);
    reportRejection(this.reporter, sessionError, { credentials, request, requestIdHeader: this.settings.requestIdHeader, usesStore: this.options.store !== undefined });
    return sessionError;
  }

  /** The whole check of a found token: synchronous as far as the caches allow. */
  private check(credentials: Credentials, connection?: object, request?: RequestLike): SessionPrincipal | Promise<SessionPrincipal> {
    const token = credentials.token;
    if (typeof token !== 'string' || token === '') throw this.errors.missingToken();
    if (this.remote !== undefined) return this.askRemoteService(credentials, this.remote);
    const cache = this.tokenCache;
    // The clock is read once per verification (41 ns a read on some machines).
    const now = this.now();
    if (cache === undefined || token.length > MAX_TOKEN_BYTES) return this.verifyThenAuthorize(credentials, undefined, request, now);
    // Looked up before any decoding: the cache holds only tokens that passed every static check,
    // and the same token string always routes to the same provider, so a hit skips all of it.
    const found = cache.lookup(token, connection, now, credentials.authorization);
    if (typeof found === 'string') return this.verifyThenAuthorize(credentials, found, request, now);
    return this.cacheHit(credentials, found, now, request);
  }

  private cacheHit(credentials: Credentials, found: VerifiedToken, now: number, request: RequestLike | undefined): SessionPrincipal | Promise<SessionPrincipal> {
    this.reporter.emit?.({ type: 'token_cache', provider: found.provider.name, hit: true, ...requestFields(request, this.settings.requestIdHeader) });
    return this.authorize(credentials, found, now);
  }

  private verifyThenAuthorize(credentials: Credentials, cacheKey: string | undefined, request: RequestLike | undefined, now: number): SessionPrincipal | Promise<SessionPrincipal> {
    const verified = this.uncached.verify(credentials, cacheKey, request, now);
    if (verified instanceof Promise) return verified.then((known) => this.authorize(credentials, known, this.now()));
    return this.authorize(credentials, verified, now);
  }

  /** What a verified token still needs on every request: time, then revocation, CSRF and account status. */
  private authorize(credentials: Credentials, verified: VerifiedToken, now: number): SessionPrincipal | Promise<SessionPrincipal> {
    const provider = verified.provider;
    // A repeat token skips reading its claims while the window its time checks passed in holds.
    if (!timeChecksHold(verified, now)) {
      throwIfClaimProblem(this.errors, checkTime(provider, verified.base.claims, now / 1000));
      timeChecksPassed(verified, now);
    }
    const principal = principalFrom(verified.base, credentials.token, this.templates, this.guardContext);
    // Unconfigured checks cost nothing (not even a closure); configured ones answer from their caches when they can.
    if (this.sessionChecks === undefined) {
      checkCsrf(credentials, provider.authorizedParties, this.settings, this.errors);
      return principal;
    }
    return this.sessionChecks.check(principal, () => checkCsrf(credentials, provider.authorizedParties, this.settings, this.errors));
  }

  /** Remote mode: the identity service verifies; only the token's shape and the CSRF check stay local. */
  private async askRemoteService(credentials: Credentials, remote: RemoteVerification): Promise<SessionPrincipal> {
    const { payload } = decodeCredentials(credentials, this.errors);
    const principal = await remote.verify(credentials.token, payload);
    checkCsrf(credentials, remote.provider.authorizedParties, this.settings, this.errors);
    return principal;
  }
}

// Recognised by either build (CommonJS or ESM) of the package, as instanceof cannot be.
brandClass(SessionVerifier, SESSION_VERIFIER_BRAND);

/** Builds the framework-free verifier. */
export function createVerifier(options: SessionGuardOptions): SessionVerifier {
  return new SessionVerifier(options);
}

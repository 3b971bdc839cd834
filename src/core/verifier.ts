import * as nodeCrypto from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ErrorFactory, SessionError } from './errors.js';
import { withDeadline } from './deadline.js';
import { makeEmitter, type SessionEventListener } from './events.js';
import { assertSingleCredential, extractCredentials, type Credentials, type RequestLike } from './request/credentials.js';
import { checkHeader, checkTokenShape, decodeToken, MAX_TOKEN_BYTES, type DecodedToken, type JsonObject } from './token/decode.js';
import { checkStaticClaims, checkTime, type ClaimProblem } from './token/claims.js';
import { buildPrincipalBase, createPrincipal, type PrincipalBase, type SessionPrincipal } from './principal/principal.js';
import { effectiveStatus, parseAccountStatus, type ParsedAccountStatus } from './session/account-status.js';
import { resolveOptions, type ResolvedOptions, type RevocationQuery, type SessionGuardOptions } from './options.js';
import type { Provider } from './providers/types.js';
import { KeySetUnavailableError, type KeySet } from './keys/key-set.js';
import { SignatureRejected, verifySignature } from './keys/verify-signature.js';
import { JwksKeySet } from './keys/jwks-key-set.js';
import { SignatureOffload } from './keys/signature-offload.js';
import type { GuardContext } from './guards/context.js';
import { RbacPolicy } from './guards/rbac.js';
import { LocalKeySet } from './keys/local-key-set.js';
import { invalidationFor, storeHooks } from './session/store-hooks.js';
import { isRemoteProvider } from './remote/remote-provider.js';
import { createRemoteVerification, type RemoteVerification } from './remote/remote-verification.js';

/** What the verified-token cache keeps: everything a repeat request needs except per-request checks. */
interface VerifiedToken {
  provider: Provider;
  /** The provider's key set: a cached verification is only as good as the keys behind it. */
  keySet: KeySet;
  kid: string | undefined;
  subject: string;
  clerkUserId: string | null;
  base: PrincipalBase;
  /** When the cache entry expires (the verifier's clock, ms): min(exp, tokenCache.maxTtlSeconds). Set when cached. */
  cachedUntil: number;
  /** Set once the entry has left the cache (evicted, expired, deleted or replaced): a connection's memo of it is then void. */
  evicted: boolean;
}

/** The last verified token a connection sent, its cache key and the cache entry it names. */
interface ConnectionMemo {
  token: string;
  cacheKey: string;
  verified: VerifiedToken;
}

/**
 * Gives a connection its memo, once: a hidden, read-only property (the memo object itself is
 * updated in place). A connection object that cannot take one (frozen) goes without.
 */
function rememberOn(connection: object, key: symbol, memo: ConnectionMemo): void {
  if (Object.isExtensible(connection)) Object.defineProperty(connection, key, { value: memo });
}

/** Which caches to clear after a change of account status or revocation. */
export interface Invalidation {
  subject?: string;
  /** With `subject`: only this issuer's user (default: that subject under every issuer). */
  issuer?: string;
  revocations?: boolean;
  /** Only the cached answers about this session (with or without `tokenId`). */
  sessionId?: string;
  /** Only the cached answers about this token id. */
  tokenId?: string;
}

const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UNMAPPED = Symbol('unmapped');
const STATUS_RETRY_AFTER_SECONDS = 5;

/** Only a boolean is an answer: anything else is a failed lookup (fail closed, a 503), never "not revoked". */
function revocationAnswer(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError('isRevoked returned neither true nor false');
  return value;
}

/** Status is cached per issuer and subject: two OIDC issuers may use the same subject for different people. */
function statusKey(issuer: string, subject: string): string {
  return `${issuer}\u0000${subject}`;
}

function revocationKey(issuer: string, sessionId: string | null, tokenId: string | null): string {
  return `${issuer}\u0000${sessionId ?? ''}\u0000${tokenId ?? ''}`;
}

function tokenIdOf(principal: SessionPrincipal): string | null {
  return typeof principal.claims.jti === 'string' ? principal.claims.jti : null;
}

function revocationKeyOf(principal: SessionPrincipal): string {
  return revocationKey(principal.issuer, principal.sessionId, tokenIdOf(principal));
}

function revocationQueryOf(principal: SessionPrincipal): RevocationQuery {
  return { subject: principal.subject, issuer: principal.issuer, sessionId: principal.sessionId, tokenId: tokenIdOf(principal) };
}

/** Node ≥ 20.12's one-shot digest (no Hash object per call); @types/node 20 does not declare it yet. */
const oneShotHash = (nodeCrypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'latin1' | 'base64url') => string }).hash;

function sha256(token: string, encoding: 'latin1' | 'base64url'): string {
  // engines asks for Node >= 20.19, which has crypto.hash; older Nodes still get a correct (slower) digest.
  if (oneShotHash !== undefined) return oneShotHash('sha256', token, encoding);
  return nodeCrypto.createHash('sha256').update(token).digest(encoding as nodeCrypto.BinaryToTextEncoding);
}

/** The verified-token cache key: SHA-256 of the whole token, as a 32-character binary string (the cheapest encoding). */
function cacheKeyOf(token: string): string {
  return sha256(token, 'latin1');
}

/** A printable token fingerprint for events: never the token itself. */
function tokenFingerprint(token: string): string {
  return sha256(token, 'base64url').slice(0, 12);
}

/**
 * The framework-free core: finds, verifies and authorizes a session token.
 * Adapters call `authenticate()` and translate the principal or SessionError.
 */
export class SessionVerifier {
  readonly errors: ErrorFactory;
  /** What route guards answer with: this verifier's realm and RBAC policy. */
  readonly guardContext: GuardContext;
  private readonly settings: ResolvedOptions;
  private readonly byIssuer = new Map<string, Provider>();
  private readonly keySets = new Map<Provider, KeySet>();
  private readonly tokenCache: LRUCache<string, VerifiedToken> | undefined;
  private readonly legacyUsers: LRUCache<string, string | typeof UNMAPPED>;
  private readonly statuses: LRUCache<string, ParsedAccountStatus, SessionPrincipal> | undefined;
  private readonly revocations: LRUCache<string, boolean, RevocationQuery> | undefined;
  private readonly emit: SessionEventListener | undefined;
  private readonly now: () => number;
  private readonly options: SessionGuardOptions;
  private readonly unsubscribe: (() => void) | undefined;
  /** Revocation lookups under way, by cache key (see forgetRevocation). */
  private readonly revocationsInFlight = new Map<string, number>();
  /** Counts invalidations, to tell a lookup aborted by one from a failed lookup. */
  private invalidations = 0;
  /**
   * Where each connection (the request's socket) holds the last verified token it sent, with its
   * cache key and cache entry: browsers and API clients send the same token again and again on a
   * keep-alive connection, and a string comparison is much cheaper than its SHA-256 and a cache
   * lookup. One token per open connection, gone with the connection. A hidden property of the
   * socket, not a WeakMap: its lookup costs a loaded server about 2% of its requests per second.
   */
  private readonly memoKey = Symbol('sessionguard.lastToken');
  /** Whether a signature check runs on the event loop or on the thread pool. */
  private readonly offload = new SignatureOffload();
  /** Set in remote mode: tokens are verified by a remote identity service (the only provider). */
  private readonly remote: RemoteVerification | undefined;

  constructor(options: SessionGuardOptions) {
    this.settings = resolveOptions(options);
    this.errors = new ErrorFactory(this.settings.realm);
    this.guardContext = Object.freeze({ errors: this.errors, rbac: options.rbac === undefined ? undefined : RbacPolicy.compile(options.rbac) });
    this.emit = makeEmitter(options.onEvent);
    this.now = options.clock ?? Date.now;
    // A store answers status and revocation; its change messages clear what they make stale.
    const store = options.store;
    if (store !== undefined) options = { ...options, ...storeHooks(store, options.providers, options.storeFailOpen === true, this.emit) };
    this.options = options;
    this.unsubscribe = store?.subscribe(
      (change) => this.invalidate(invalidationFor(change)),
      (error) => this.emit?.({ type: 'store_error', operation: 'subscribe', error: error.message, failOpen: options.storeFailOpen === true }),
    );

    this.remote = createRemoteVerification(options, { errors: this.errors, now: this.now, minter: options.templates });
    for (const provider of options.providers) {
      if (isRemoteProvider(provider)) continue;
      for (const issuer of provider.issuers) this.byIssuer.set(issuer, provider);
      this.keySets.set(provider, this.createKeySet(provider));
    }

    // Every cache reads the injected clock on each lookup: lru-cache's default keeps a read time for
    // 1 ms of real time, which lets an entry outlive its TTL when a test clock jumps.
    if (this.settings.tokenCacheMax > 0) {
      this.tokenCache = new LRUCache({
        max: this.settings.tokenCacheMax,
        ttlAutopurge: false,
        perf: { now: this.now },
        ttlResolution: 0,
        // A connection's memo may still name the entry: mark it, so the memo is not trusted past the cache.
        dispose: (verified) => {
          verified.evicted = true;
        },
      });
    }
    this.legacyUsers = new LRUCache({
      max: this.settings.legacyMax,
      ttl: this.settings.legacyTtlMs,
      perf: { now: this.now }, ttlResolution: 0,
      fetchMethod: async (clerkUserId) => {
        const mapped = await withDeadline(options.resolveLegacyUser!(clerkUserId), this.settings.hookTimeoutMs, 'resolveLegacyUser');
        if (mapped !== null && (typeof mapped !== 'string' || mapped === '')) throw new TypeError('resolveLegacyUser returned neither a string nor null');
        return mapped ?? UNMAPPED;
      },
    });
    if (options.accountStatus !== undefined && this.settings.statusTtlMs > 0) {
      this.statuses = new LRUCache({
        max: 100_000,
        ttl: this.settings.statusTtlMs,
        perf: { now: this.now }, ttlResolution: 0,
        fetchMethod: (_key, _stale, { context }) => this.lookUpStatus(context.subject, context),
      });
    }
    if (options.isRevoked !== undefined && this.settings.statusTtlMs > 0) {
      this.revocations = new LRUCache({
        max: 100_000,
        ttl: this.settings.statusTtlMs,
        perf: { now: this.now }, ttlResolution: 0,
        fetchMethod: async (key, _stale, { context }) => {
          // Counted: an aborted lookup and the one asked again after it may overlap.
          this.revocationsInFlight.set(key, (this.revocationsInFlight.get(key) ?? 0) + 1);
          try {
            return revocationAnswer(await withDeadline(options.isRevoked!(context), this.settings.hookTimeoutMs, 'isRevoked'));
          } finally {
            const left = this.revocationsInFlight.get(key)! - 1;
            if (left === 0) this.revocationsInFlight.delete(key);
            else this.revocationsInFlight.set(key, left);
          }
        },
      });
    }
  }

  /** The cookie the token is read from. */
  get cookieName(): string {
    return this.settings.cookieName;
  }

  /** True when every provider's keys are held and usable. */
  get ready(): boolean {
    for (const keySet of this.keySets.values()) if (!keySet.ready) return false;
    return true;
  }

  /** Fetches every provider's keys ahead of traffic; resolves to `ready`. */
  async warm(): Promise<boolean> {
    const results = await Promise.all([...this.keySets.values()].map((keySet) => keySet.warm()));
    return results.every(Boolean);
  }

  /** Forgets cached account status (for a subject, or all) and revocation answers after a change. */
  invalidate(change: Invalidation = {}): void {
    this.invalidations++;
    const revocation = change.sessionId !== undefined || change.tokenId !== undefined;
    if (change.subject !== undefined) {
      const issuers = change.issuer !== undefined ? [change.issuer] : this.byIssuer.keys();
      for (const issuer of issuers) this.statuses?.delete(statusKey(issuer, change.subject));
    } else if (!change.revocations && !revocation) this.statuses?.clear();
    if (revocation) this.forgetRevocation(change.sessionId, change.tokenId);
    else if (change.revocations || change.subject === undefined) this.revocations?.clear();
  }

  /**
   * Drops the cached answers about one session or token, keeping every other
   * (one revocation must not send every session back to the store, nor fail them all during an outage).
   */
  private forgetRevocation(sessionId: string | undefined, tokenId: string | undefined): void {
    const cache = this.revocations;
    if (cache === undefined) return;
    const prefixes = sessionId === undefined ? [] : [...this.byIssuer.keys()].map((issuer) => revocationKey(issuer, sessionId, null));
    const suffix = tokenId === undefined ? undefined : `\u0000${tokenId}`;
    const stale: string[] = [];
    // lru-cache's keys() leaves out entries still being fetched: those answers may predate the change too.
    for (const key of [...cache.keys(), ...this.revocationsInFlight.keys()]) {
      if (prefixes.some((prefix) => key.startsWith(prefix)) || (suffix !== undefined && key.endsWith(suffix))) stale.push(key);
    }
    for (const key of stale) cache.delete(key);
  }

  close(): void {
    this.unsubscribe?.();
    for (const keySet of this.keySets.values()) keySet.close();
  }

  /** Finds the token on a request; undefined when there is none. Throws 400s for ambiguous requests. */
  extract(request: RequestLike): Credentials | undefined {
    const found = extractCredentials(request, this.settings.cookieName, this.errors);
    if (found === undefined) return undefined;
    assertSingleCredential(found, this.errors);
    // A plain object with every field its own: the hot path's credentials read the method only when asked.
    return { token: found.token, source: found.source, method: found.method, origin: found.origin };
  }

  /**
   * Everything an adapter needs: the principal, undefined for an anonymous
   * request in optional mode, or a SessionError (never anything else).
   */
  async authenticate(request: RequestLike, optional = false): Promise<SessionPrincipal | undefined> {
    return this.authenticateNow(request, optional);
  }

  /**
   * authenticate() for adapters: answers synchronously when the caches hold
   * everything the request needs (the hot path then costs no promise and no
   * microtask), else returns a promise. Throws, or rejects with, only a SessionError.
   */
  authenticateNow(request: RequestLike, optional = false): SessionPrincipal | undefined | Promise<SessionPrincipal | undefined> {
    let credentials: Credentials | undefined;
    let outcome: SessionPrincipal | Promise<SessionPrincipal>;
    try {
      // A second credential in the header is looked for only on a cache miss, with the shape check (see decodeChecked).
      credentials = extractCredentials(request, this.settings.cookieName, this.errors);
      if (credentials === undefined) {
        if (optional) return undefined;
        throw this.errors.missingToken();
      }
      outcome = this.verifyNow(credentials, request.socket ?? undefined);
    } catch (error) {
      throw this.reject(error, credentials);
    }
    if (!(outcome instanceof Promise)) return outcome;
    const found = credentials;
    return outcome.catch((error: unknown) => {
      throw this.reject(error, found);
    });
  }

  /** Verifies a token (with its request context) and returns the principal, or throws a SessionError. */
  async verify(input: Credentials | string): Promise<SessionPrincipal> {
    const credentials: Credentials =
      typeof input === 'string' ? { token: input, source: 'header', method: 'GET', origin: undefined } : input;
    return this.verifyNow(credentials);
  }

  /** verify(), synchronous as far as the caches allow: the principal, or a promise for what needs I/O. */
  private verifyNow(credentials: Credentials, connection?: object): SessionPrincipal | Promise<SessionPrincipal> {
    const token = credentials.token;
    if (typeof token !== 'string' || token === '') throw this.errors.missingToken();
    if (this.remote !== undefined) return this.verifyRemotely(credentials);
    if (this.tokenCache === undefined || token.length > MAX_TOKEN_BYTES) return this.verifyMiss(credentials, undefined);

    // Looked up before any decoding: the cache holds only tokens that passed every static check,
    // and the same token string always routes to the same provider, so a hit skips all of it.
    const now = this.now();
    const last = connection === undefined ? undefined : (connection as { [key: symbol]: ConnectionMemo | undefined })[this.memoKey];
    const remembered = last !== undefined && last.token === token;
    if (remembered) {
      // The connection sent this token last time: its cache entry, without hashing the token or
      // looking it up, while that entry is still in the cache (and its keys still usable).
      const held = last.verified;
      if (!held.evicted && now <= held.cachedUntil && held.keySet.stillUsable(now)) {
        this.emit?.({ type: 'token_cache', provider: held.provider.name, hit: true });
        return this.authorize(credentials, held, now);
      }
    }
    const cacheKey = remembered ? last.cacheKey : cacheKeyOf(token);
    const verified = this.tokenCache.get(cacheKey);
    if (verified === undefined || !verified.keySet.stillUsable(now)) return this.verifyMiss(credentials, cacheKey);
    // Only a token found in the cache is remembered: the memo never holds a token that failed.
    if (last === undefined) {
      if (connection !== undefined) rememberOn(connection, this.memoKey, { token, cacheKey, verified });
    } else {
      last.token = token;
      last.cacheKey = cacheKey;
      last.verified = verified;
    }
    this.emit?.({ type: 'token_cache', provider: verified.provider.name, hit: true });
    return this.authorize(credentials, verified, now);
  }

  private async verifyRemotely(credentials: Credentials): Promise<SessionPrincipal> {
    const remote = this.remote!;
    const { payload } = this.decodeChecked(credentials);
    const remotePrincipal = await remote.verify(credentials.token, payload);
    this.checkCsrf(credentials, remote.provider, remotePrincipal);
    return remotePrincipal;
  }

  private async verifyMiss(credentials: Credentials, cacheKey: string | undefined): Promise<SessionPrincipal> {
    const verified = await this.verifyUncached(credentials, cacheKey);
    return this.authorize(credentials, verified, this.now());
  }

  /**
   * The checks a verified token still needs on every request: time, revocation,
   * CSRF and account status. Synchronous while the answers are cached.
   */
  private authorize(credentials: Credentials, verified: VerifiedToken, now: number): SessionPrincipal | Promise<SessionPrincipal> {
    const provider = verified.provider;
    this.throwClaimProblem(checkTime(provider, verified.base.claims, now / 1000));
    const principal = createPrincipal(verified.base, provider, verified.subject, verified.clerkUserId, credentials.token, this.options.templates, this.guardContext);
    // Unconfigured checks cost nothing; configured ones answer from their caches when they can.
    if (this.options.isRevoked !== undefined) {
      const revoked = this.revocations?.get(revocationKeyOf(principal));
      if (revoked === undefined) return this.authorizeLater(credentials, provider, principal);
      this.throwIfRevoked(principal, revoked);
    }
    this.checkCsrf(credentials, provider, principal);
    if (this.options.accountStatus !== undefined) {
      const status = this.statuses?.get(statusKey(principal.issuer, principal.subject));
      if (status === undefined) return this.checkAccountStatus(principal).then(() => principal);
      this.throwIfInactive(status);
    }
    return principal;
  }

  /** authorize() once a revocation answer has to be fetched. */
  private async authorizeLater(credentials: Credentials, provider: Provider, principal: SessionPrincipal): Promise<SessionPrincipal> {
    await this.checkRevocation(principal);
    this.checkCsrf(credentials, provider, principal);
    await this.checkAccountStatus(principal);
    return principal;
  }

  /** Shape, base64url/JSON and protected-header checks, before any routing. */
  private decodeChecked(credentials: Credentials): DecodedToken {
    const token = credentials.token;
    const shapeProblem = checkTokenShape(token);
    if (shapeProblem !== undefined) {
      // A compact JWS has no whitespace or comma: only a token that fails the shape check can be two credentials (a 400).
      assertSingleCredential(credentials, this.errors);
      throw this.errors.invalidToken(
        shapeProblem,
        shapeProblem === 'token_too_large' ? 'The token is larger than 8 KiB.' : 'The token is not a compact JWS.',
      );
    }
    const decoded = decodeToken(token);
    if (decoded === undefined) throw this.errors.invalidToken('token_malformed', 'The token header or payload is not valid base64url JSON.');
    const headerProblem = checkHeader(decoded.header);
    if (headerProblem !== undefined) throw this.errors.invalidToken(headerProblem.reason, headerProblem.message);
    return decoded;
  }

  /** Routing, key and signature checks of a token not in the cache; caches it under `cacheKey`. */
  private async verifyUncached(credentials: Credentials, cacheKey: string | undefined): Promise<VerifiedToken> {
    const token = credentials.token;
    const { header, payload } = this.decodeChecked(credentials);
    const alg = header.alg as string;
    const provider = this.route(payload);
    if (!provider.algorithms.includes(alg)) {
      throw this.errors.invalidToken('alg_not_allowed', 'The token is signed with an algorithm this server does not accept.');
    }
    const kindProblem = provider.rejectTokenKind(header, payload);
    if (kindProblem !== undefined) throw this.errors.invalidToken(kindProblem, 'The token is not a session token.');
    const kid = header.kid;
    if (kid !== undefined && typeof kid !== 'string') throw this.errors.invalidToken('kid_unknown', 'The token names no usable key.');

    if (this.tokenCache !== undefined) this.emit?.({ type: 'token_cache', provider: provider.name, hit: false });
    // Decided here, in the request's own execution context, before the first await.
    const verified = await this.verifyFresh(token, provider, alg, kid, payload, this.offload.shouldOffload());
    if (cacheKey !== undefined) {
      const now = this.now();
      const ttl = Math.min((payload.exp as number) * 1000 - now, this.settings.tokenCacheMaxTtlMs);
      if (ttl > 0) {
        verified.cachedUntil = now + ttl;
        this.tokenCache!.set(cacheKey, verified, { ttl });
      }
    }
    return verified;
  }

  /** Turns anything thrown while authenticating into the SessionError to answer with, and reports it. */
  reject(error: unknown, credentials?: Credentials): SessionError {
    let sessionError: SessionError;
    if (error instanceof SessionError) sessionError = error;
    else if (error instanceof KeySetUnavailableError) {
      sessionError = this.errors.serviceUnavailable('jwks_unavailable', 'The signing keys cannot be fetched right now.', error.retryAfterSeconds);
    } else {
      sessionError = this.errors.serviceUnavailable('internal_error', 'The session could not be checked.', STATUS_RETRY_AFTER_SECONDS);
    }
    if (this.emit !== undefined) {
      this.emit({
        type: 'rejection',
        status: sessionError.status,
        error: sessionError.error,
        reason: sessionError.reason,
        ...(credentials === undefined ? {} : { tokenHash: tokenFingerprint(credentials.token) }),
      });
    }
    return sessionError;
  }

  private createKeySet(provider: Provider): KeySet {
    const source = provider.keySource;
    const where = `${provider.kind}() "${provider.name}"`;
    if (source.type === 'pem') return LocalKeySet.fromConfig(where, { pem: source.pem });
    if (source.type === 'jwks-inline') return LocalKeySet.fromConfig(where, { jwks: source.jwks });
    const tuning = this.options.keySets ?? {};
    return new JwksKeySet({
      provider: provider.name,
      url: source.url,
      fetchTimeoutMs: tuning.fetchTimeoutMs,
      cooldownMs: tuning.cooldownMs,
      maxAgeMs: tuning.maxAgeMs,
      maxStaleMs: tuning.maxStaleMs,
      onEvent: this.emit,
      onKeysRemoved: (kids) => this.forgetTokensSignedWith(provider, kids),
      now: this.now,
    });
  }

  private route(payload: JsonObject): Provider {
    const iss = payload.iss;
    if (iss === undefined) throw this.errors.invalidToken('claim_missing', 'The token has no "iss" claim.');
    if (typeof iss !== 'string') throw this.errors.invalidToken('claim_invalid', 'The token\'s "iss" claim is not a string.');
    const provider = this.byIssuer.get(iss);
    if (provider === undefined) throw this.errors.invalidToken('issuer_unknown', 'The token comes from an issuer this server does not trust.');
    return provider;
  }

  private async verifyFresh(token: string, provider: Provider, alg: string, kid: string | undefined, payload: JsonObject, onThreadPool: boolean): Promise<VerifiedToken> {
    const keySet = this.keySets.get(provider)!;
    try {
      await verifySignature(token, keySet, kid, alg, onThreadPool);
    } catch (error) {
      if (error instanceof SignatureRejected) throw this.errors.invalidToken(error.reason, error.message);
      throw error;
    }
    this.throwClaimProblem(checkStaticClaims(provider, payload));

    const sub = payload.sub as string;
    let subject = sub;
    let clerkUserId: string | null = null;
    if (provider.legacyUsers) {
      clerkUserId = sub;
      subject = await this.resolveLegacyUser(sub);
    }
    return { provider, keySet, kid, subject, clerkUserId, base: buildPrincipalBase(provider, payload), cachedUntil: 0, evicted: false };
  }

  private throwClaimProblem(problem: ClaimProblem | undefined): void {
    if (problem === undefined) return;
    if (problem.error === 'token_expired') throw this.errors.tokenExpired();
    throw this.errors.invalidToken(problem.reason, problem.message);
  }

  private async resolveLegacyUser(clerkUserId: string): Promise<string> {
    let mapped: string | typeof UNMAPPED | undefined;
    try {
      mapped = await this.legacyUsers.fetch(clerkUserId);
    } catch {
      throw this.errors.serviceUnavailable('user_mapping_unavailable', 'The legacy user mapping cannot be read right now.', STATUS_RETRY_AFTER_SECONDS);
    }
    if (mapped === undefined || mapped === UNMAPPED) {
      throw this.errors.invalidToken('user_unmapped', 'This legacy user has no current account.');
    }
    return mapped;
  }

  private async checkRevocation(principal: SessionPrincipal): Promise<void> {
    const isRevoked = this.options.isRevoked;
    if (isRevoked === undefined) return;
    const query = revocationQueryOf(principal);
    let revoked: boolean | undefined;
    try {
      revoked = this.revocations
        ? await this.fetchCurrent(() => this.revocations!.fetch(revocationKeyOf(principal), { context: query }))
        : revocationAnswer(await withDeadline(isRevoked(query), this.settings.hookTimeoutMs, 'isRevoked'));
    } catch {
      throw this.errors.serviceUnavailable('status_unavailable', 'Session revocation cannot be checked right now.', STATUS_RETRY_AFTER_SECONDS);
    }
    this.throwIfRevoked(principal, revoked);
  }

  private throwIfRevoked(principal: SessionPrincipal, revoked: boolean | undefined): void {
    if (revoked === true) throw this.errors.sessionRevoked(principal.sessionId !== null ? 'session_revoked' : 'token_revoked');
  }

  private checkCsrf(credentials: Credentials, provider: Pick<Provider, 'authorizedParties'>, principal: SessionPrincipal): void {
    const parties = provider.authorizedParties;
    if (credentials.source !== 'cookie' || parties === undefined || !UNSAFE_METHODS.has(credentials.method)) return;
    const azp = principal.claims.azp;
    const party = credentials.origin ?? (typeof azp === 'string' ? azp : undefined);
    if (party === undefined || !parties.includes(party)) {
      throw this.errors.forbidden('csrf_origin', 'A cookie-authenticated request must come from an authorized origin.');
    }
  }

  private async lookUpStatus(subject: string, principal: SessionPrincipal): Promise<ParsedAccountStatus> {
    const started = this.now();
    try {
      const status = parseAccountStatus(await withDeadline(this.options.accountStatus!(subject, principal), this.settings.hookTimeoutMs, 'accountStatus'));
      this.emit?.({ type: 'status_lookup', ok: true, durationMs: this.now() - started });
      return status;
    } catch (error) {
      this.emit?.({ type: 'status_lookup', ok: false, durationMs: this.now() - started, error: error instanceof Error ? error.message : 'failed' });
      throw error;
    }
  }

  /**
   * A cached lookup. An invalidation while the lookup is in flight aborts it
   * (its answer may predate the change): ask again instead of failing the request.
   */
  private async fetchCurrent<V>(fetch: () => Promise<V>): Promise<V> {
    const generation = this.invalidations;
    try {
      return await fetch();
    } catch (error) {
      if (generation === this.invalidations) throw error;
      return fetch();
    }
  }

  private async checkAccountStatus(principal: SessionPrincipal): Promise<void> {
    if (this.options.accountStatus === undefined) return;
    let parsed: ParsedAccountStatus | undefined;
    try {
      parsed = this.statuses
        ? await this.fetchCurrent(() => this.statuses!.fetch(statusKey(principal.issuer, principal.subject), { context: principal }))
        : await this.lookUpStatus(principal.subject, principal);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      throw this.errors.serviceUnavailable('status_unavailable', 'Account status cannot be checked right now.', STATUS_RETRY_AFTER_SECONDS);
    }
    this.throwIfInactive(parsed);
  }

  private throwIfInactive(parsed: ParsedAccountStatus): void {
    const status = effectiveStatus(parsed, this.now());
    if (status.state === 'suspended') throw this.errors.accountSuspended(status.suspendedUntil, status.reason);
    if (status.state === 'banned') throw this.errors.accountBanned(status.reason);
  }

  private forgetTokensSignedWith(provider: Provider, kids: readonly (string | undefined)[]): void {
    const cache = this.tokenCache;
    if (cache === undefined) return;
    const gone = new Set(kids);
    for (const [key, entry] of cache.entries()) {
      if (entry.provider === provider && gone.has(entry.kid)) cache.delete(key);
    }
  }
}

/** Builds the framework-free verifier. */
export function createVerifier(options: SessionGuardOptions): SessionVerifier {
  return new SessionVerifier(options);
}

import { LRUCache } from 'lru-cache';
import { sha256 } from '../hash.js';
import type { KeySet } from '../keys/key-set.js';
import { identify, type PrincipalBase, type PrincipalIdentity, type PrincipalSource } from '../principal/principal.js';
import type { Provider } from '../providers/types.js';

/** What the verified-token cache keeps: everything a repeat request needs except per-request checks. */
export interface VerifiedToken {
  provider: Provider;
  /** The provider's key set: a cached verification is only as good as the keys behind it. */
  keySet: KeySet;
  kid: string | undefined;
  /** What the token's principals are copied from: its base, identified. */
  base: PrincipalSource;
  /** When the cache entry expires (the verifier's clock, ms): min(exp, maxTtl). Set when cached. */
  cachedUntil: number;
  /** Set once the entry has left the cache (evicted, expired, deleted or replaced): a connection's memo of it is then void. */
  evicted: boolean;
  /**
   * The time checks (exp, nbf, iat) are known to pass from `timeChecksFrom` to `timeChecksUntil`
   * (the verifier's clock, ms): a hit in that window skips them (see timeChecksHold).
   */
  timeChecksFrom: number;
  readonly timeChecksUntil: number;
}

/** Whether the time checks are known to pass at `now`, without reading the token's claims. */
export function timeChecksHold(verified: VerifiedToken, now: number): boolean {
  return verified.timeChecksFrom <= now && now <= verified.timeChecksUntil;
}

/**
 * Records that the time checks passed at `now`. nbf and iat that pass at a time pass at every
 * later one, so the window starts at the earliest such time; it ends 1 ms before exp (set when the
 * entry is made), where exp > now / 1000 - tolerance holds whatever the rounding of exp * 1000.
 */
export function timeChecksPassed(verified: VerifiedToken, now: number): void {
  if (now < verified.timeChecksFrom) verified.timeChecksFrom = now;
}

/**
 * A verification as the cache keeps it. A class, not an object literal: V8 moves the objects of a
 * literal whose objects mostly live long (as cached ones do) straight to the old generation, and
 * then an uncached verification's objects, made by the same literal, went there too (measured:
 * a cache-off verifier lost about 0.4 µs a token when a cache-on one ran in the same process).
 */
export class VerifiedEntry implements VerifiedToken {
  // Declared and assigned in the constructor, not class fields (which ES2022 defines first, then the constructor writes again).
  declare readonly provider: Provider;
  declare readonly keySet: KeySet;
  declare readonly kid: string | undefined;
  declare readonly base: PrincipalSource;
  declare cachedUntil: number;
  declare evicted: boolean;
  declare timeChecksFrom: number;
  declare readonly timeChecksUntil: number;

  /** `base.claims.exp`: a finite number (checkStaticClaims). */
  constructor(provider: Provider, keySet: KeySet, kid: string | undefined, identity: PrincipalIdentity, base: PrincipalBase) {
    this.provider = provider;
    this.keySet = keySet;
    this.kid = kid;
    this.base = identify(base, provider, identity);
    this.cachedUntil = 0;
    this.evicted = false;
    // Empty until the time checks first pass (timeChecksPassed).
    this.timeChecksFrom = Infinity;
    this.timeChecksUntil = (base.claims.exp as number) * 1000 - 1;
  }
}

/** The last verified token a connection sent, its cache key and the cache entry it names. */
export interface ConnectionMemo {
  token: string;
  /** The Authorization value it came in, as sent (undefined for a cookie): see repeatedOn(). */
  sent: string | undefined;
  cacheKey: string;
  verified: VerifiedToken;
}

/** The cache key: SHA-256 of the whole token, as a 32-character binary string (the cheapest encoding). */
function cacheKeyOf(token: string): string {
  return sha256(token, 'latin1');
}

/**
 * Verified tokens by their SHA-256, so a repeat request skips decoding, routing and the
 * signature check. Each connection (the request's socket) also holds the last verified token it
 * sent: browsers and API clients send the same token again and again on a keep-alive connection,
 * and a string comparison is much cheaper than a SHA-256 and a cache lookup. That memo is a hidden
 * property of the socket, not a WeakMap entry: the WeakMap lookup cost a loaded server about 2% of
 * its requests per second. One token per open connection, gone with the connection.
 */
export class TokenCache {
  private readonly cache: LRUCache<string, VerifiedToken>;
  private readonly memoKey = Symbol('sessionguard.lastToken');

  constructor(max: number, private readonly maxTtlMs: number, now: () => number) {
    // The injected clock on each lookup: lru-cache's default keeps a read time for 1 ms of real
    // time, which lets an entry outlive its TTL when a test clock jumps.
    this.cache = new LRUCache({
      max,
      ttlAutopurge: false,
      perf: { now },
      ttlResolution: 0,
      // A connection's memo may still name the entry: mark it, so the memo is not trusted past the cache.
      dispose: (verified) => {
        verified.evicted = true;
      },
    });
  }

  /**
   * The verified token, if the cache holds it with its keys still usable at `now`; otherwise the
   * key to store the token under once it is verified (a string: no result object per request).
   */
  lookup(token: string, connection: object | undefined, now: number, sent?: string): VerifiedToken | string {
    const last = connection === undefined ? undefined : this.memoOf(connection);
    const remembered = last !== undefined && last.token === token;
    // The connection sent this token last time: its cache entry, without hashing the token or
    // looking it up, while that entry is still in the cache (and its keys still usable).
    if (remembered && stillHeld(last.verified, now)) return last.verified;
    const cacheKey = remembered ? last.cacheKey : cacheKeyOf(token);
    const verified = this.cache.get(cacheKey);
    if (verified === undefined || !verified.keySet.stillUsable(now)) return cacheKey;
    // Only a token found in the cache is remembered: the memo never holds a token that failed.
    if (last === undefined) {
      if (connection !== undefined) rememberOn(connection, this.memoKey, { token, sent, cacheKey, verified });
    } else {
      last.token = token;
      last.sent = sent;
      last.cacheKey = cacheKey;
      last.verified = verified;
    }
    return verified;
  }

  /**
   * The connection's memo when `sent` is, character for character, the Authorization value its
   * last verified token came in: the request carries the same token, and its header needs no
   * parsing. Its entry is good only while `stillHeld()` says so.
   */
  repeatedOn(connection: object, sent: string): ConnectionMemo | undefined {
    const last = this.memoOf(connection);
    return last !== undefined && last.sent === sent ? last : undefined;
  }

  /** Whether a memo's entry is still in the cache, unexpired, with its keys still usable at `now`. */
  stillHeld(memo: ConnectionMemo, now: number): boolean {
    return stillHeld(memo.verified, now);
  }

  private memoOf(connection: object): ConnectionMemo | undefined {
    return (connection as { [key: symbol]: ConnectionMemo | undefined })[this.memoKey];
  }

  /** Keeps a verified token until its `exp` (epoch seconds), at most the configured TTL. */
  store(cacheKey: string, verified: VerifiedToken, exp: number, now: number): void {
    const ttl = Math.min(exp * 1000 - now, this.maxTtlMs);
    if (ttl <= 0) return;
    verified.cachedUntil = now + ttl;
    this.cache.set(cacheKey, verified, { ttl });
  }

  /** Drops the tokens a provider's removed keys signed: they must not verify from the cache either. */
  forgetSignedWith(provider: Provider, kids: readonly (string | undefined)[]): void {
    const gone = new Set(kids);
    for (const [key, entry] of this.cache.entries()) {
      if (entry.provider === provider && gone.has(entry.kid)) this.cache.delete(key);
    }
  }
}

/** Whether a memo's entry is still in the cache, unexpired, with its keys still usable at `now`. */
function stillHeld(verified: VerifiedToken, now: number): boolean {
  return !verified.evicted && now <= verified.cachedUntil && verified.keySet.stillUsable(now);
}

/**
 * Gives a connection its memo, once: a hidden, read-only property (the memo object itself is
 * updated in place). A connection object that cannot take one (frozen) goes without.
 */
function rememberOn(connection: object, key: symbol, memo: ConnectionMemo): void {
  if (Object.isExtensible(connection)) Object.defineProperty(connection, key, { value: memo });
}

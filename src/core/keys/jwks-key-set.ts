import type { JWK } from 'jose';
import type { SessionEventListener } from '../events.js';
import { KeyLookupError, KeySetUnavailableError, type KeySet } from './key-set.js';
import { unusableKeyReason } from './import-key.js';
import { LocalKeySet } from './local-key-set.js';
import { fetchKeySetDocument } from './fetch-key-set.js';

export interface JwksKeySetOptions {
  provider: string;
  url: string;
  /** Abort a key-set fetch after this long (default 5000 ms). */
  fetchTimeoutMs?: number;
  /** At most one refetch for unknown kids per this period (default 30000 ms). */
  cooldownMs?: number;
  /** How long a fetched set counts as fresh (default 600000 ms); refreshed in the background before that. */
  maxAgeMs?: number;
  /** How long held keys keep verifying after freshness ends while refreshes fail (default 3600000 ms; 0 = strict). */
  maxStaleMs?: number;
  maxBodyBytes?: number;
  maxKeys?: number;
  onEvent?: SessionEventListener | undefined;
  /**
   * Told which kids a fresh set no longer has (or has with other key material),
   * so tokens signed with them stop verifying. `undefined` stands for keys
   * published without a kid.
   */
  onKeysRemoved?: (kids: readonly (string | undefined)[]) => void;
  /** Injected clock, for tests of time-based behaviour. */
  now?: () => number;
}

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;

export const JWKS_DEFAULTS = Object.freeze({
  fetchTimeoutMs: 5000,
  cooldownMs: 30000,
  maxAgeMs: 10 * 60 * 1000,
  maxStaleMs: 60 * 60 * 1000,
  maxBodyBytes: 64 * 1024,
  maxKeys: 100,
});

interface HeldKeys {
  keys: LocalKeySet;
  fetchedAt: number;
}

/**
 * A remote JWKS with single-flight fetches, unknown-kid refetch cooldown,
 * background refresh, stale-if-error and failure backoff. It wraps a local key
 * set per fetched document, which does the lookups and imports.
 */
export class JwksKeySet implements KeySet {
  private held: HeldKeys | undefined;
  /** Until when the keys held are usable with no refresh due (see hold()): a cached token's check reads only this. */
  private quietUntil = -Infinity;
  private inflight: Promise<void> | undefined;
  /** When an unknown kid last caused a refetch: the cooldown limits those, it never delays the first. */
  private lastUnknownKidRefetchAt = -Infinity;
  private failures = 0;
  private retryAt = -Infinity;
  private readonly opts: Required<Omit<JwksKeySetOptions, 'onEvent' | 'onKeysRemoved'>> &
    Pick<JwksKeySetOptions, 'onEvent' | 'onKeysRemoved'>;

  constructor(options: JwksKeySetOptions) {
    this.opts = { ...JWKS_DEFAULTS, now: Date.now, ...stripUndefined(options) } as typeof this.opts;
  }

  get ready(): boolean {
    return this.held !== undefined && !this.isExpired(this.opts.now());
  }

  stillUsable(now: number): boolean {
    if (now < this.quietUntil) return true;
    if (this.held === undefined || this.isExpired(now)) return false;
    // Refresh ahead of expiry (and through the stale window); the caller goes on with the keys held.
    if (now >= this.held.fetchedAt + this.opts.maxAgeMs * 0.9) void this.refresh(false);
    return true;
  }

  async warm(): Promise<boolean> {
    await this.refresh(true);
    return this.ready;
  }

  close(): void {
    // Nothing scheduled: background refreshes are started by traffic, not timers.
  }

  keyNow(kid: string | undefined, alg: string, now = this.opts.now()): CryptoKey | undefined {
    return this.stillUsable(now) ? this.held!.keys.keyNow(kid, alg) : undefined;
  }

  async getKey(kid: string | undefined, alg: string): Promise<CryptoKey> {
    // Keys fetched for this very call are as fresh as keys can be: an unknown kid then needs no refetch.
    let fetchedNow = false;
    if (!this.stillUsable(this.opts.now())) {
      await this.refresh(false);
      fetchedNow = true;
      if (this.held === undefined || this.isExpired(this.opts.now())) throw this.unavailable();
    }

    let jwk = this.find(kid);
    if (jwk === undefined && kid !== undefined && !fetchedNow) {
      if (this.inflight !== undefined) {
        // A fetch is already under way (maybe for this very rotation): share it.
        await this.inflight;
      } else if (this.opts.now() - this.lastUnknownKidRefetchAt >= this.opts.cooldownMs) {
        this.lastUnknownKidRefetchAt = this.opts.now();
        await this.refresh(false);
      }
      jwk = this.find(kid);
    }
    if (jwk === undefined) {
      // During an outage an unknown kid may be a rotation we could not see: say so, not "invalid".
      if (this.failures > 0) throw this.unavailable();
      throw new KeyLookupError('kid_unknown');
    }
    return this.held!.keys.getKey(kid, alg);
  }

  private find(kid: string | undefined): JWK | undefined {
    return this.held?.keys.find(kid);
  }

  private isExpired(now: number): boolean {
    const held = this.held;
    return held === undefined || now > held.fetchedAt + this.opts.maxAgeMs + this.opts.maxStaleMs;
  }

  private unavailable(): KeySetUnavailableError {
    const wait = Math.max(1000, this.retryAt - this.opts.now());
    return new KeySetUnavailableError(Math.ceil(wait / 1000));
  }

  /** One fetch at a time; callers share it. Failed fetches back off instead of retrying per request. */
  private refresh(force: boolean): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    if (!force && this.opts.now() < this.retryAt) return Promise.resolve();
    this.inflight = this.fetchAndReplace().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchAndReplace(): Promise<void> {
    const started = this.opts.now();
    try {
      const document = await fetchKeySetDocument(this.opts.url, {
        timeoutMs: this.opts.fetchTimeoutMs,
        maxBodyBytes: this.opts.maxBodyBytes,
      });
      const held = this.accept(document);
      this.replace(held);
      this.failures = 0;
      this.retryAt = -Infinity;
      this.opts.onEvent?.({
        type: 'jwks_fetch',
        provider: this.opts.provider,
        ok: true,
        durationMs: this.opts.now() - started,
        keys: held.keys.all.length,
      });
    } catch (error) {
      this.failures++;
      const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      this.retryAt = this.opts.now() + backoff;
      this.opts.onEvent?.({
        type: 'jwks_fetch',
        provider: this.opts.provider,
        ok: false,
        durationMs: this.opts.now() - started,
        error: error instanceof Error ? error.message : 'key set fetch failed',
      });
    }
  }

  /** Validates a fetched document; throws (keeping the previous keys) when the set as a whole is unusable. */
  private accept(document: unknown): HeldKeys {
    if (typeof document !== 'object' || document === null || !Array.isArray((document as { keys?: unknown }).keys)) {
      throw new Error('key set is not a JSON object with a "keys" array');
    }
    const keys = (document as { keys: unknown[] }).keys;
    if (keys.length > this.opts.maxKeys) throw new Error(`key set has ${keys.length} keys (at most ${this.opts.maxKeys})`);
    const kids = new Set<string>();
    const all: JWK[] = [];
    for (const candidate of keys) {
      const jwk = candidate as JWK;
      const kid = typeof jwk === 'object' && jwk !== null ? jwk.kid : undefined;
      if (kid !== undefined && typeof kid !== 'string') throw new Error('key set has a non-string kid');
      if (kid !== undefined && kids.has(kid)) throw new Error('key set has duplicate kids');
      const why = unusableKeyReason(jwk);
      if (why !== undefined) {
        this.opts.onEvent?.({ type: 'jwks_key_refused', provider: this.opts.provider, kid, why });
        continue;
      }
      if (kid !== undefined) kids.add(kid);
      all.push(jwk);
    }
    if (all.length === 0) throw new Error('key set has no usable signing key');
    return { keys: new LocalKeySet(all), fetchedAt: this.opts.now() };
  }

  /** Keys held from now: usable with no refresh due until 90% of their max age (stillUsable refreshes ahead from there). */
  private hold(held: HeldKeys): void {
    this.held = held;
    this.quietUntil = held.fetchedAt + this.opts.maxAgeMs * 0.9;
  }

  private replace(next: HeldKeys): void {
    const previous = this.held;
    if (previous === undefined) {
      this.hold(next);
      return;
    }
    const before = previous.keys;
    const after = next.keys;
    const removed: (string | undefined)[] = [];
    for (const [kid, jwk] of before.kids()) {
      const now = after.kids().get(kid);
      if (now === undefined || !sameKey(now, jwk)) removed.push(kid);
    }
    // A token without a kid was verified with the set's only key: if that changed, it goes too.
    const onlyBefore = before.all.length === 1 ? before.all[0] : undefined;
    const onlyNow = after.all.length === 1 ? after.all[0] : undefined;
    if (onlyBefore !== undefined && (onlyNow === undefined || !sameKey(onlyBefore, onlyNow))) removed.push(undefined);
    // An unchanged set keeps the keys it imported; a changed one starts afresh, so stale keys never verify again.
    const unchanged = removed.length === 0 && before.all.length === after.all.length;
    this.hold(unchanged ? { keys: before, fetchedAt: next.fetchedAt } : next);
    if (removed.length > 0) this.opts.onKeysRemoved?.(removed);
  }
}

function sameKey(a: JWK, b: JWK): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

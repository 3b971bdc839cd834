/** What the verifier needs from a provider's keys. */
export interface KeySet {
  /**
   * The verification key for `kid` and `alg`. Throws a KeyLookupError when
   * there is no such key, or a KeySetUnavailableError when keys can't be had.
   */
  getKey(kid: string | undefined, alg: string): Promise<CryptoKey>;
  /**
   * The key getKey() would answer, when it is held, imported and usable right now; undefined
   * otherwise (then getKey() fetches, imports, or says why not). Lets a verification with its
   * key in hand run without a promise. `now`: the verifier's clock (ms), read once per verification.
   */
  keyNow(kid: string | undefined, alg: string, now?: number): CryptoKey | undefined;
  /**
   * Whether the keys held may still vouch for a verification made earlier (a
   * verified-token cache hit) at `now` (the verifier's clock, ms); starts a
   * background refresh when one is due.
   */
  stillUsable(now: number): boolean;
  /** Fetch ahead of traffic; resolves true when keys are usable. */
  warm(): Promise<boolean>;
  /** Whether keys are held and usable now. */
  readonly ready: boolean;
  /** Stop timers (background refresh). */
  close(): void;
}

/** No key matches the token's kid (a 401 for the caller). */
export class KeyLookupError extends Error {
  constructor(readonly reason: 'kid_unknown' | 'alg_not_allowed') {
    super(reason);
  }
}

/** Keys can't be had and nothing usable is cached (a 503 for the caller). */
export class KeySetUnavailableError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('jwks_unavailable');
  }
}

import type { ErrorFactory } from './errors.js';
import type { SessionEventListener } from './events.js';
import type { Credentials, RequestLike } from './request/credentials.js';
import { requestFields } from './request/context.js';
import { decodeCredentials } from './token/decode-credentials.js';
import type { JsonObject } from './token/decode.js';
import { checkStaticClaims, throwIfClaimProblem } from './token/claims.js';
import type { TokenCache, VerifiedToken } from './token/token-cache.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { Provider } from './providers/types.js';
import { acceptHeader } from './providers/accept-header.js';
import type { KeySet } from './keys/key-set.js';
import { SignatureRejected, verifySignature, verifySignatureNow } from './keys/verify-signature.js';
import { SignatureOffload } from './keys/signature-offload.js';
import { buildPrincipalBase, type PrincipalIdentity } from './principal/principal.js';
import type { LegacyUsers } from './principal/legacy-users.js';

export interface UncachedTokensSetup {
  errors: ErrorFactory;
  providers: ProviderRegistry;
  tokenCache: TokenCache | undefined;
  legacyUsers: LegacyUsers;
  /** The app's onEvent (undefined without one): a cache miss is an event. */
  emit: SessionEventListener | undefined;
  requestIdHeader: string;
  now: () => number;
}

/** The parts of a token one verification carries from stage to stage. */
interface Verification {
  credentials: Credentials;
  provider: Provider;
  keySet: KeySet;
  kid: string | undefined;
  payload: JsonObject;
  signature: Buffer;
  cacheKey: string | undefined;
}

/**
 * The cache-miss path: decode, route by `iss`, check the header against the provider, then the
 * signature and the claims, and cache the result. Synchronous when the provider's key is imported
 * and the event loop is not busy (the common miss costs no promise); a promise when a key must be
 * fetched or imported, a Clerk user mapped, or the check goes to the thread pool.
 */
export class UncachedTokens {
  /** Whether a signature check runs on the event loop or on the thread pool. */
  private readonly offload = new SignatureOffload();

  constructor(private readonly setup: UncachedTokensSetup) {}

  verify(credentials: Credentials, cacheKey: string | undefined, request?: RequestLike): VerifiedToken | Promise<VerifiedToken> {
    const { errors, providers } = this.setup;
    const { header, payload, signature } = decodeCredentials(credentials, errors);
    const provider = providers.route(payload);
    const kid = acceptHeader(provider, header, payload, errors);
    if (this.setup.tokenCache !== undefined) this.setup.emit?.({ type: 'token_cache', provider: provider.name, hit: false, ...requestFields(request, this.setup.requestIdHeader) });
    const verification: Verification = { credentials, provider, keySet: providers.keySetOf(provider), kid, payload, signature, cacheKey };
    const alg = header.alg as string;
    // Thread pool or not is decided here, in the request's own execution context, before any await.
    const onThreadPool = this.offload.shouldOffload();
    if (!onThreadPool) {
      let checked: boolean;
      try {
        checked = verifySignatureNow(credentials.token, signature, verification.keySet, kid, alg);
      } catch (error) {
        throw this.asRejection(error);
      }
      if (checked) return this.accept(verification);
    }
    return this.verifyLater(verification, alg, onThreadPool);
  }

  /** The key must be awaited, or the check goes to the thread pool. */
  private async verifyLater(verification: Verification, alg: string, onThreadPool: boolean): Promise<VerifiedToken> {
    const { credentials, signature, keySet, kid } = verification;
    try {
      await verifySignature(credentials.token, signature, keySet, kid, alg, onThreadPool);
    } catch (error) {
      throw this.asRejection(error);
    }
    return this.accept(verification);
  }

  /** A signature that does not verify is a 401; anything else (keys that can't be had) passes on. */
  private asRejection(error: unknown): unknown {
    return error instanceof SignatureRejected ? this.setup.errors.invalidToken(error.reason, error.message) : error;
  }

  /** A token with a valid signature: its claims, then who it is, then the cache entry. */
  private accept(verification: Verification): VerifiedToken | Promise<VerifiedToken> {
    const { provider, payload } = verification;
    throwIfClaimProblem(this.setup.errors, checkStaticClaims(provider, payload));
    const identity = this.setup.legacyUsers.identityOf(provider, payload.sub as string);
    if (identity instanceof Promise) return identity.then((known) => this.remember(verification, known));
    return this.remember(verification, identity);
  }

  private remember({ provider, keySet, kid, payload, cacheKey }: Verification, identity: PrincipalIdentity): VerifiedToken {
    const verified: VerifiedToken = { provider, keySet, kid, identity, base: buildPrincipalBase(provider, payload), cachedUntil: 0, evicted: false };
    if (cacheKey !== undefined) this.setup.tokenCache!.store(cacheKey, verified, payload.exp as number, this.setup.now());
    return verified;
  }
}

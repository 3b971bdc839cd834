import type { ErrorFactory } from './errors.js';
import type { SessionEventListener } from './events.js';
import type { Credentials, RequestLike } from './request/credentials.js';
import { requestFields } from './request/context.js';
import { decodeCredentials } from './token/decode-credentials.js';
import type { JsonObject } from './token/decode.js';
import { checkStaticClaims, throwIfClaimProblem } from './token/claims.js';
import { VerifiedEntry, type TokenCache, type VerifiedToken } from './token/token-cache.js';
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

/** What a verification carries past an await: the key to fetch, or the check on the thread pool. */
interface PendingVerification {
  credentials: Credentials;
  signature: Buffer;
  keySet: KeySet;
  kid: string | undefined;
  alg: string;
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

  /** `now`: the verifier's clock (ms), read once for the whole verification. */
  verify(credentials: Credentials, cacheKey: string | undefined, request: RequestLike | undefined, now: number): VerifiedToken | Promise<VerifiedToken> {
    const { errors, providers } = this.setup;
    const decoded = decodeCredentials(credentials, errors);
    const { header, payload } = decoded;
    let signature = decoded.signature;
    const provider = providers.route(payload);
    const kid = acceptHeader(provider, header, payload, errors);
    const emit = this.setup.emit;
    if (this.setup.tokenCache !== undefined && emit !== undefined) {
      // The app's listener may verify another token, whose decoding overwrites the shared signature view: a copy first.
      signature = Buffer.from(signature);
      emit({ type: 'token_cache', provider: provider.name, hit: false, ...requestFields(request, this.setup.requestIdHeader) });
    }
    const keySet = providers.keySetOf(provider);
    const alg = header.alg as string;
    // Thread pool or not is decided here, in the request's own execution context, before any await.
    const onThreadPool = this.offload.shouldOffload();
    if (!onThreadPool) {
      let checked: boolean;
      try {
        checked = verifySignatureNow(credentials.token, signature, keySet, kid, alg, now);
      } catch (error) {
        throw this.asRejection(error);
      }
      // No object for the stages when the check is done: this is the common miss.
      if (checked) return this.accept(provider, keySet, kid, payload, cacheKey, now);
    }
    // Copied before the first await: the decoded signature is a view the next decoding overwrites.
    const pending: PendingVerification = { credentials, signature: Buffer.from(signature), keySet, kid, alg };
    return this.verifyLater(pending, onThreadPool).then(() => this.accept(provider, keySet, kid, payload, cacheKey, this.setup.now()));
  }

  /** The key must be awaited, or the check goes to the thread pool. */
  private async verifyLater({ credentials, signature, keySet, kid, alg }: PendingVerification, onThreadPool: boolean): Promise<void> {
    try {
      await verifySignature(credentials.token, signature, keySet, kid, alg, onThreadPool);
    } catch (error) {
      throw this.asRejection(error);
    }
  }

  /** A signature that does not verify is a 401; anything else (keys that can't be had) passes on. */
  private asRejection(error: unknown): unknown {
    return error instanceof SignatureRejected ? this.setup.errors.invalidToken(error.reason, error.message) : error;
  }

  /** A token with a valid signature: its claims, then who it is, then the cache entry. */
  private accept(provider: Provider, keySet: KeySet, kid: string | undefined, payload: JsonObject, cacheKey: string | undefined, now: number): VerifiedToken | Promise<VerifiedToken> {
    throwIfClaimProblem(this.setup.errors, checkStaticClaims(provider, payload));
    const identity = this.setup.legacyUsers.identityOf(provider, payload.sub as string);
    if (identity instanceof Promise) return identity.then((known) => this.remember(provider, keySet, kid, payload, cacheKey, known, this.setup.now()));
    return this.remember(provider, keySet, kid, payload, cacheKey, identity, now);
  }

  private remember(provider: Provider, keySet: KeySet, kid: string | undefined, payload: JsonObject, cacheKey: string | undefined, identity: PrincipalIdentity, now: number): VerifiedToken {
    const verified = new VerifiedEntry(provider, keySet, kid, identity, buildPrincipalBase(provider, payload));
    if (cacheKey !== undefined) this.setup.tokenCache!.store(cacheKey, verified, payload.exp as number, now);
    return verified;
  }
}

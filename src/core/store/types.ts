import type { AccountStatus } from '../session/account-status.js';

/**
 * Whose account a status applies to. A plain string is a canonical user id
 * (the WorkOS user id: it covers WorkOS tokens and mapped Clerk tokens alike).
 * An `oidc()` issuer has its own subject namespace, so its users are named
 * with their issuer: `{ issuer, subject }`.
 */
export type SubjectRef = string | { readonly issuer: string; readonly subject: string };

export interface SuspendOptions {
  /** When the suspension ends by itself (Date, epoch ms, or ISO 8601 string). */
  until: Date | number | string;
  /** Shown to the user as the error's `reason`. */
  reason?: string;
}

export interface RevokeOptions {
  /**
   * When no token this revocation could block is valid any more (the token's
   * `exp`, or the session's end): the entry is dropped then. Default: now plus
   * the store's `maxTokenLifetimeSeconds`.
   */
  expiresAt?: Date | number | string;
}

/** What the verifier asks about a session or token. */
export interface RevocationLookup {
  sessionId: string | null;
  tokenId: string | null;
}

/** A change every instance must apply at once. */
export type StoreChange =
  | { type: 'status'; subject: SubjectRef }
  | { type: 'revocation'; sessionId?: string; tokenId?: string }
  /** Changes may have been missed (the subscriber reconnected): forget everything cached. */
  | { type: 'resync' };

export type StoreChangeListener = (change: StoreChange) => void;

/**
 * Account status and revocation, shared by every instance that uses the same
 * store. Writes tell every subscriber; reads are what the middleware asks
 * (cached by the verifier for `statusCacheTtlSeconds`).
 */
export interface SessionStore {
  suspend(subject: SubjectRef, options: SuspendOptions): Promise<void>;
  ban(subject: SubjectRef, options?: { reason?: string }): Promise<void>;
  reinstate(subject: SubjectRef): Promise<void>;
  revokeSession(sessionId: string, options?: RevokeOptions): Promise<void>;
  revokeToken(tokenId: string, options?: RevokeOptions): Promise<void>;

  /** The account's status; `{ state: 'active' }` when nothing is recorded. Throws when it cannot be read. */
  status(subject: SubjectRef): Promise<AccountStatus>;
  /** Whether the session or the token is revoked. Throws when it cannot be read. */
  isRevoked(lookup: RevocationLookup): Promise<boolean>;

  /**
   * Calls `listener` on every change made through any instance of this store,
   * and `onError` when changes can't be received (they are retried by the store).
   * Returns the unsubscribe function.
   */
  subscribe(listener: StoreChangeListener, onError?: (error: Error) => void): () => void;
}

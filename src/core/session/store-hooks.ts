import type { AccountStatus } from './account-status.js';
import type { SessionEventListener } from '../events.js';
import type { RevocationQuery } from '../options.js';
import type { SessionPrincipal } from '../principal/principal.js';
import type { Invalidation } from './session-checks.js';
import type { SessionStore, StoreChange, SubjectRef } from '../store/types.js';

const ACTIVE: AccountStatus = Object.freeze({ state: 'active' });

/**
 * The store as the verifier's `accountStatus` and `isRevoked` hooks. A failed
 * read is reported as a `store_error` event, then fails closed (the verifier
 * answers 503) or, when `failOpen`, counts as active and not revoked.
 */
export function storeHooks(
  store: SessionStore,
  failOpen: boolean,
  emit: SessionEventListener | undefined,
): {
  accountStatus: (subject: string, principal: SessionPrincipal) => Promise<AccountStatus>;
  isRevoked: (query: RevocationQuery) => Promise<boolean>;
} {
  // A WorkOS user id (workos(), a mapped clerk() user) names the user across issuers; any other subject only within its issuer.
  const subjectOf = (principal: SessionPrincipal): SubjectRef =>
    principal.workosUserId !== null ? principal.workosUserId : { issuer: principal.issuer, subject: principal.subject };

  async function guarded<T>(operation: string, read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (error) {
      emit?.({ type: 'store_error', operation, error: error instanceof Error ? error.message : 'failed', failOpen });
      if (failOpen) return fallback;
      throw error;
    }
  }

  return {
    accountStatus: (_subject, principal) => guarded('status', () => store.status(subjectOf(principal)), ACTIVE),
    isRevoked: (query) => guarded('isRevoked', () => store.isRevoked({ sessionId: query.sessionId, tokenId: query.tokenId }), false),
  };
}

/** What a store change clears in a verifier's caches. */
export function invalidationFor(change: StoreChange): Invalidation {
  if (change.type === 'revocation') {
    if (change.sessionId === undefined && change.tokenId === undefined) return { revocations: true };
    return { ...(change.sessionId === undefined ? {} : { sessionId: change.sessionId }), ...(change.tokenId === undefined ? {} : { tokenId: change.tokenId }) };
  }
  if (change.type === 'status') {
    return typeof change.subject === 'string' ? { subject: change.subject } : { subject: change.subject.subject, issuer: change.subject.issuer };
  }
  return {};
}

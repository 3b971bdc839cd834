import type { ClaimsPatch } from './custom-claims.js';
import type { SessionRecord } from './model.js';

/** A change to a live session, applied by the store as one atomic step. */
export interface SessionPatch {
  /** The time of the change (epoch ms): a session whose `expiresAt` is not after it is not changed. */
  readonly at: number;
  /** New end of the session (epoch ms); absent: unchanged. */
  readonly expiresAt?: number;
  /** Custom claims to merge into the stored ones, key by key (see `applyClaimsPatch`). */
  readonly claims?: ClaimsPatch;
}

/** Which sessions a revocation ends. */
export type RevocationTarget = { sessionId: string } | { tokenHash: string } | { userId: string };

/**
 * Where first-party sessions live. Distinct from the status/revocation `SessionStore`: this one
 * owns the sessions themselves. Tokens reach it only as SHA-256 hashes.
 *
 * A durable implementation must make `update` atomic per session (a transaction or a
 * compare-and-set loop): concurrent updates each merging different claim keys must all land.
 * Find methods return live sessions only; an expired or revoked one is `undefined`.
 */
export interface SessionRecordStore {
  /** Stores a new session. */
  create(record: SessionRecord): Promise<void>;
  findByTokenHash(tokenHash: string, now: number): Promise<SessionRecord | undefined>;
  findById(sessionId: string, now: number): Promise<SessionRecord | undefined>;
  /**
   * Applies the patch to the live session atomically and returns the result, or undefined when
   * the session is not live at `patch.at`. The store computes the next record with
   * `applySessionPatch`, then calls `accept(next)`: when it throws, nothing is written and the
   * error is rethrown.
   */
  update(sessionId: string, patch: SessionPatch, accept: (next: SessionRecord) => void): Promise<SessionRecord | undefined>;
  /** Ends the target's live sessions and returns them (empty when there were none). */
  revoke(target: RevocationTarget, now: number): Promise<SessionRecord[]>;
  /** The user's live sessions, oldest first. */
  listByUser(userId: string, now: number): Promise<SessionRecord[]>;
}

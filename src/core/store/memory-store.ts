import { assertKnownKeys } from '../options-keys.js';
import type { AccountStatus } from '../session/account-status.js';
import {
  banRecord,
  maxTokenLifetimeMs,
  recordToStatus,
  revocationExpiryMs,
  sessionKey,
  subjectKey,
  suspensionRecord,
  tokenKey,
  type StatusRecord,
} from './records.js';
import type { RevocationLookup, RevokeOptions, SessionStore, StoreChange, StoreChangeListener, SubjectRef, SuspendOptions } from './types.js';

export interface MemoryStoreOptions {
  /** How long a revocation is kept when the caller gives no `expiresAt` (default 24 h): at least your longest token lifetime. */
  maxTokenLifetimeSeconds?: number;
  /** The clock, in epoch milliseconds (for tests). */
  clock?: () => number;
}

const SWEEP_EVERY_WRITES = 256;

/**
 * The embedded store: one process, nothing to run. Changes reach this
 * process's verifiers synchronously. Entries expire by themselves.
 */
class MemoryStore implements SessionStore {
  private readonly statuses = new Map<string, StatusRecord>();
  private readonly revocations = new Map<string, number>();
  private readonly listeners = new Set<StoreChangeListener>();
  private readonly maxLifetimeMs: number;
  private readonly now: () => number;
  private writes = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxLifetimeMs = maxTokenLifetimeMs(options.maxTokenLifetimeSeconds);
    this.now = options.clock ?? Date.now;
  }

  async suspend(subject: SubjectRef, options: SuspendOptions): Promise<void> {
    this.setStatus(subject, suspensionRecord(options));
  }

  async ban(subject: SubjectRef, options?: { reason?: string }): Promise<void> {
    this.setStatus(subject, banRecord(options));
  }

  async reinstate(subject: SubjectRef): Promise<void> {
    this.statuses.delete(subjectKey(subject));
    this.publish({ type: 'status', subject });
  }

  async revokeSession(sessionId: string, options?: RevokeOptions): Promise<void> {
    this.revoke(sessionKey(sessionId), options);
    this.publish({ type: 'revocation', sessionId });
  }

  async revokeToken(tokenId: string, options?: RevokeOptions): Promise<void> {
    this.revoke(tokenKey(tokenId), options);
    this.publish({ type: 'revocation', tokenId });
  }

  async status(subject: SubjectRef): Promise<AccountStatus> {
    const key = subjectKey(subject);
    const record = this.statuses.get(key);
    if (record?.state === 'suspended' && record.untilMs <= this.now()) {
      this.statuses.delete(key);
      return recordToStatus(undefined);
    }
    return recordToStatus(record);
  }

  async isRevoked({ sessionId, tokenId }: RevocationLookup): Promise<boolean> {
    return (sessionId !== null && this.isLive(sessionKey(sessionId))) || (tokenId !== null && this.isLive(tokenKey(tokenId)));
  }

  subscribe(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setStatus(subject: SubjectRef, record: StatusRecord): void {
    this.statuses.set(subjectKey(subject), record);
    this.sweepNow();
    this.publish({ type: 'status', subject });
  }

  private revoke(key: string, options: RevokeOptions | undefined): void {
    const expiresMs = revocationExpiryMs(options, this.now(), this.maxLifetimeMs);
    this.revocations.set(key, Math.max(expiresMs, this.revocations.get(key) ?? 0));
    this.sweepNow();
  }

  private isLive(key: string): boolean {
    const expiresMs = this.revocations.get(key);
    if (expiresMs === undefined) return false;
    if (expiresMs > this.now()) return true;
    this.revocations.delete(key);
    return false;
  }

  /** Drops expired entries now and then, so memory follows what is still in force. */
  private sweepNow(): void {
    if (++this.writes % SWEEP_EVERY_WRITES !== 0) return;
    const now = this.now();
    for (const [key, expiresMs] of this.revocations) if (expiresMs <= now) this.revocations.delete(key);
    for (const [key, record] of this.statuses) if (record.state === 'suspended' && record.untilMs <= now) this.statuses.delete(key);
  }

  private publish(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // One verifier's failure must not stop the change reaching the others.
      }
    }
  }
}

/** The embedded store for a single process: nothing to run; use `redisStore()` when several processes must agree. */
export function memoryStore(options?: MemoryStoreOptions): SessionStore {
  assertKnownKeys('memoryStore()', options, ['maxTokenLifetimeSeconds', 'clock']);
  return new MemoryStore(options);
}

import { applySessionPatch } from './apply-patch.js';
import type { SessionRecord } from './model.js';
import type { RevocationTarget, SessionPatch, SessionRecordStore } from './record-store.js';

const SWEEP_EVERY_WRITES = 256;

/**
 * Marks stores made by memorySessions(): a process-local signing key is fine with them (no other
 * instance reads their JWTs). A registered symbol, so the mark is seen across the ESM and CommonJS
 * builds and between entry points.
 */
const IN_PROCESS = Symbol.for('sessionguard.memorySessions');

/** Whether a sessions store keeps its sessions in this process only. */
export function isInProcessSessions(store: object): boolean {
  return (store as { [IN_PROCESS]?: unknown })[IN_PROCESS] === true;
}

/**
 * The in-process sessions store: one process, nothing to run, gone on restart. Each operation
 * runs to completion before the next starts (no await inside), which makes `update` atomic.
 */
class MemorySessions implements SessionRecordStore {
  private readonly byId = new Map<string, SessionRecord>();
  private readonly idByTokenHash = new Map<string, string>();
  private readonly idsByUser = new Map<string, Set<string>>();
  private writes = 0;

  async create(record: SessionRecord): Promise<void> {
    if (this.byId.has(record.sessionId) || this.idByTokenHash.has(record.tokenHash)) throw new Error('session id or token hash already stored');
    this.byId.set(record.sessionId, record);
    this.idByTokenHash.set(record.tokenHash, record.sessionId);
    const ids = this.idsByUser.get(record.userId) ?? new Set<string>();
    ids.add(record.sessionId);
    this.idsByUser.set(record.userId, ids);
    this.wrote(record.startedAt);
  }

  async findByTokenHash(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    const id = this.idByTokenHash.get(tokenHash);
    return id === undefined ? undefined : this.live(id, now);
  }

  async findById(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    return this.live(sessionId, now);
  }

  async update(sessionId: string, patch: SessionPatch, accept: (next: SessionRecord) => void): Promise<SessionRecord | undefined> {
    const current = this.live(sessionId, patch.at);
    if (current === undefined) return undefined;
    const next = applySessionPatch(current, patch);
    accept(next);
    this.byId.set(sessionId, next);
    this.wrote(patch.at);
    return next;
  }

  async revoke(target: RevocationTarget, now: number): Promise<SessionRecord[]> {
    let ids: string[];
    if ('sessionId' in target) ids = [target.sessionId];
    else if ('tokenHash' in target) ids = [this.idByTokenHash.get(target.tokenHash) ?? ''];
    else ids = [...(this.idsByUser.get(target.userId) ?? [])];
    const revoked: SessionRecord[] = [];
    for (const id of ids) {
      const record = this.live(id, now);
      if (record !== undefined) revoked.push(record);
      this.remove(id);
    }
    return revoked;
  }

  async listByUser(userId: string, now: number): Promise<SessionRecord[]> {
    const records = [...(this.idsByUser.get(userId) ?? [])].map((id) => this.live(id, now)).filter((record) => record !== undefined);
    return records.sort((a, b) => a.startedAt - b.startedAt);
  }

  private live(sessionId: string, now: number): SessionRecord | undefined {
    const record = this.byId.get(sessionId);
    return record !== undefined && record.expiresAt > now ? record : undefined;
  }

  private remove(sessionId: string): void {
    const record = this.byId.get(sessionId);
    if (record === undefined) return;
    this.byId.delete(sessionId);
    this.idByTokenHash.delete(record.tokenHash);
    const ids = this.idsByUser.get(record.userId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.idsByUser.delete(record.userId);
  }

  /** Expired sessions are dropped now and then, so the map does not grow without bound. */
  private wrote(now: number): void {
    if (++this.writes % SWEEP_EVERY_WRITES !== 0) return;
    for (const [id, record] of this.byId) if (record.expiresAt <= now) this.remove(id);
  }
}

/** The in-process store of first-party sessions (tests, one process). Give `createIdentityService` a durable store to share sessions between instances. */
export function memorySessions(): SessionRecordStore {
  return Object.defineProperty(new MemorySessions(), IN_PROCESS, { value: true });
}

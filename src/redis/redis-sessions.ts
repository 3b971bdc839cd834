import { withDeadline } from '../core/deadline.js';
import { assertKnownKeys } from '../core/options-keys.js';
import { applySessionPatch } from '../core/sessions/apply-patch.js';
import type { SessionRecord } from '../core/sessions/model.js';
import type { RevocationTarget, SessionPatch, SessionRecordStore } from '../core/sessions/record-store.js';
import { CREATE, LIST, REMOVE, REPLACE } from './redis-sessions-scripts.js';

/** The commands the sessions store uses on a node-redis (v5 or later) client. */
export interface RedisSessionsClientLike {
  get(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisSessionsOptions {
  /** A connected node-redis client (`createClient({ url })` then `await client.connect()`). Not closed by the store. */
  client: RedisSessionsClientLike;
  /** Prefix of every key (default `sessionguard:`); keys never clash with `redisStore()`'s under the same prefix. */
  prefix?: string;
  /** A command that takes longer fails (the service answers 503) instead of waiting for a reconnect. Default 2000 ms. */
  commandTimeoutMs?: number;
}

/** Concurrent updates of one session retry their compare-and-set; each round lets at least one through. */
const MAX_UPDATE_ATTEMPTS = 100;

class RedisSessions implements SessionRecordStore {
  private readonly client: RedisSessionsClientLike;
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(options: RedisSessionsOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'sessionguard:';
    this.timeoutMs = options.commandTimeoutMs ?? 2000;
  }

  async create(record: SessionRecord): Promise<void> {
    const created = await this.eval(CREATE, [this.recordKey(record.sessionId), this.tokenKey(record.tokenHash), this.userKey(record.userId)], [
      JSON.stringify(record),
      String(record.expiresAt),
      record.sessionId,
    ]);
    if (created !== 1) throw new Error('session id or token hash already stored');
  }

  async findByTokenHash(tokenHash: string, now: number): Promise<SessionRecord | undefined> {
    const id = await this.command(this.client.get(this.tokenKey(tokenHash)));
    return typeof id === 'string' ? this.findById(id, now) : undefined;
  }

  async findById(sessionId: string, now: number): Promise<SessionRecord | undefined> {
    return (await this.read(sessionId, now))?.record;
  }

  async update(sessionId: string, patch: SessionPatch, accept: (next: SessionRecord) => void): Promise<SessionRecord | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.read(sessionId, patch.at);
      if (current === undefined) return undefined;
      const next = applySessionPatch(current.record, patch);
      accept(next);
      const keys = [this.recordKey(sessionId), this.tokenKey(next.tokenHash), this.userKey(next.userId)];
      if ((await this.eval(REPLACE, keys, [current.json, JSON.stringify(next), String(next.expiresAt), sessionId])) === 1) return next;
    }
    throw new Error('the session changed too often to update it');
  }

  async revoke(target: RevocationTarget, now: number): Promise<SessionRecord[]> {
    let ids: string[];
    if ('sessionId' in target) ids = [target.sessionId];
    else if ('tokenHash' in target) {
      const id = await this.command(this.client.get(this.tokenKey(target.tokenHash)));
      ids = typeof id === 'string' ? [id] : [];
    } else ids = (await this.listByUser(target.userId, now)).map((record) => record.sessionId);
    const revoked: SessionRecord[] = [];
    for (const id of ids) {
      const json = await this.eval(REMOVE, [this.recordKey(id)], [this.prefix]);
      if (typeof json !== 'string') continue;
      const record = JSON.parse(json) as SessionRecord;
      if (record.expiresAt > now) revoked.push(record);
    }
    return revoked;
  }

  async listByUser(userId: string, now: number): Promise<SessionRecord[]> {
    const found = await this.eval(LIST, [this.userKey(userId)], [this.prefix, String(now)]);
    const records = (Array.isArray(found) ? found : []).map((json) => JSON.parse(String(json)) as SessionRecord).filter((record) => record.expiresAt > now);
    return records.sort((a, b) => a.startedAt - b.startedAt || (a.sessionId < b.sessionId ? -1 : 1));
  }

  private async read(sessionId: string, now: number): Promise<{ json: string; record: SessionRecord } | undefined> {
    const json = await this.command(this.client.get(this.recordKey(sessionId)));
    if (typeof json !== 'string') return undefined;
    const record = JSON.parse(json) as SessionRecord;
    // The key expires on its own; until Redis evicts it, the expiry in the record decides.
    return record.expiresAt > now ? { json, record } : undefined;
  }

  private eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.command(this.client.eval(script, { keys, arguments: args }));
  }

  private command<T>(work: Promise<T>): Promise<T> {
    return withDeadline(work, this.timeoutMs, 'redis');
  }

  private recordKey(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }

  private tokenKey(tokenHash: string): string {
    return `${this.prefix}session-token:${tokenHash}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}user-sessions:${userId}`;
  }
}

/**
 * First-party sessions in Redis alone: every key expires with its session. Needs Redis 7 or later
 * (one server, or a primary with replicas; not a Cluster).
 */
export function redisSessions(options: RedisSessionsOptions): SessionRecordStore {
  assertKnownKeys('redisSessions', options, ['client', 'prefix', 'commandTimeoutMs']);
  const client = options.client as unknown;
  if (typeof client !== 'object' || client === null || typeof (client as { eval?: unknown }).eval !== 'function') {
    throw new TypeError('redisSessions: client must be a connected node-redis client.');
  }
  if (options.commandTimeoutMs !== undefined && !(Number.isFinite(options.commandTimeoutMs) && options.commandTimeoutMs > 0)) {
    throw new TypeError('redisSessions: commandTimeoutMs must be a positive number of milliseconds.');
  }
  return new RedisSessions(options);
}

import { assertKnownKeys } from '../core/options-keys.js';
import type { AccountStatus } from '../core/session/account-status.js';
import {
  banRecord,
  maxTokenLifetimeMs,
  parseStatusRecord,
  recordToStatus,
  revocationExpiryMs,
  sessionKey,
  subjectKey,
  suspensionRecord,
  tokenKey,
  type StatusRecord,
} from '../core/store/records.js';
import { parseChange, serializeChange } from '../core/store/change-message.js';
import type { RevocationLookup, RevokeOptions, SessionStore, StoreChange, StoreChangeListener, SubjectRef, SuspendOptions } from '../core/store/types.js';
import { withDeadline } from '../core/deadline.js';

/** The commands the store uses on a node-redis (v4 or later) client. */
export interface RedisClientLike {
  readonly isReady: boolean;
  get(key: string): Promise<unknown>;
  exists(keys: string[]): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  duplicate(): RedisSubscriberLike;
}

/** The connection that receives change messages (a duplicate of the client by default). */
export interface RedisSubscriberLike {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  destroy(): void;
}

export interface RedisStoreOptions {
  /** A connected node-redis client (`createClient({ url })` then `await client.connect()`): reads and writes. */
  client: RedisClientLike;
  /** The connection for change messages; default `client.duplicate()`, connected and closed by the store. */
  subscriber?: RedisSubscriberLike;
  /** Prefix of every key and of the change channel (default `sessionguard:`). */
  prefix?: string;
  /** How long a revocation is kept when the caller gives no `expiresAt` (default 24 h): at least your longest token lifetime. */
  maxTokenLifetimeSeconds?: number;
  /** A read that takes longer fails (then the verifier fails closed, or open if configured). Default 500 ms. */
  commandTimeoutMs?: number;
}

// Write and announce in one atomic round trip: no instance can see a change it was not told about.
const SET_STATUS = `
if ARGV[1] == '' then redis.call('DEL', KEYS[1])
elseif ARGV[2] == '' then redis.call('SET', KEYS[1], ARGV[1])
else redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) end
return redis.call('PUBLISH', ARGV[3], ARGV[4])`;

// A revocation never gets shorter: a later expiry wins (PEXPIREAT GT needs Redis 7).
const REVOKE = `
redis.call('SET', KEYS[1], '1', 'NX', 'PXAT', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1], 'GT')
return redis.call('PUBLISH', ARGV[2], ARGV[3])`;

const RESUBSCRIBE_DELAY_MS = 1000;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

class RedisStore implements SessionStore {
  private readonly client: RedisClientLike;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly maxLifetimeMs: number;
  private readonly timeoutMs: number;
  private readonly listeners = new Map<StoreChangeListener, ((error: Error) => void) | undefined>();
  private subscriber: RedisSubscriberLike | undefined;
  private readonly ownsSubscriber: boolean;
  /** The subscriber while someone listens; undefined stops its retries. */
  private listening: RedisSubscriberLike | undefined;
  private readonly watched = new WeakSet<RedisSubscriberLike>();

  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null || typeof options.client?.get !== 'function') {
      throw new TypeError('sessionguard redisStore: { client } must be a node-redis client (createClient() from "redis").');
    }
    const prefix = options.prefix ?? 'sessionguard:';
    if (typeof prefix !== 'string') throw new TypeError('sessionguard redisStore: prefix must be a string.');
    const timeoutMs = options.commandTimeoutMs ?? 500;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError('sessionguard redisStore: commandTimeoutMs must be a positive number.');
    }
    this.client = options.client;
    this.prefix = prefix;
    this.channel = `${prefix}changes`;
    this.maxLifetimeMs = maxTokenLifetimeMs(options.maxTokenLifetimeSeconds);
    this.timeoutMs = timeoutMs;
    this.subscriber = options.subscriber;
    this.ownsSubscriber = options.subscriber === undefined;
  }

  async suspend(subject: SubjectRef, options: SuspendOptions): Promise<void> {
    const record = suspensionRecord(options);
    // A suspension that has already ended is no suspension: clear instead of writing an expired key.
    if (record.state === 'suspended' && record.untilMs <= Date.now()) return this.writeStatus(subject, undefined);
    return this.writeStatus(subject, record);
  }

  async ban(subject: SubjectRef, options?: { reason?: string }): Promise<void> {
    return this.writeStatus(subject, banRecord(options));
  }

  async reinstate(subject: SubjectRef): Promise<void> {
    return this.writeStatus(subject, undefined);
  }

  async revokeSession(sessionId: string, options?: RevokeOptions): Promise<void> {
    return this.revoke(this.prefix + sessionKey(sessionId), options, { type: 'revocation', sessionId });
  }

  async revokeToken(tokenId: string, options?: RevokeOptions): Promise<void> {
    return this.revoke(this.prefix + tokenKey(tokenId), options, { type: 'revocation', tokenId });
  }

  async status(subject: SubjectRef): Promise<AccountStatus> {
    const value = await this.read(() => this.client.get(this.prefix + subjectKey(subject)));
    if (value === null || value === undefined) return recordToStatus(undefined);
    if (typeof value !== 'string') throw new TypeError('stored status is not a string');
    return recordToStatus(parseStatusRecord(value));
  }

  async isRevoked({ sessionId, tokenId }: RevocationLookup): Promise<boolean> {
    const keys: string[] = [];
    if (sessionId !== null) keys.push(this.prefix + sessionKey(sessionId));
    if (tokenId !== null) keys.push(this.prefix + tokenKey(tokenId));
    if (keys.length === 0) return false;
    const count = await this.read(() => this.client.exists(keys));
    if (typeof count !== 'number') throw new TypeError('EXISTS did not answer a number');
    return count > 0;
  }

  subscribe(listener: StoreChangeListener, onError?: (error: Error) => void): () => void {
    this.listeners.set(listener, onError);
    if (this.listeners.size === 1) this.startSubscriber();
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.stopSubscriber();
    };
  }

  private async writeStatus(subject: SubjectRef, record: StatusRecord | undefined): Promise<void> {
    const key = this.prefix + subjectKey(subject);
    const expiresAt = record?.state === 'suspended' ? String(record.untilMs) : '';
    await this.client.eval(SET_STATUS, {
      keys: [key],
      arguments: [record === undefined ? '' : JSON.stringify(record), expiresAt, this.channel, serializeChange({ type: 'status', subject })],
    });
  }

  private async revoke(key: string, options: RevokeOptions | undefined, change: StoreChange): Promise<void> {
    const expiresMs = revocationExpiryMs(options, Date.now(), this.maxLifetimeMs);
    if (expiresMs <= Date.now()) return; // every token it could block has expired already
    await this.client.eval(REVOKE, { keys: [key], arguments: [String(Math.ceil(expiresMs)), this.channel, serializeChange(change)] });
  }

  /** A read answers fast or fails: never queued behind a reconnect, never longer than the timeout. */
  private async read<T>(command: () => Promise<T>): Promise<T> {
    if (!this.client.isReady) throw new Error('Redis is not connected');
    return withDeadline(command(), this.timeoutMs, 'Redis');
  }

  private startSubscriber(): void {
    const subscriber = (this.subscriber ??= this.client.duplicate());
    this.listening = subscriber;
    if (!this.watched.has(subscriber)) {
      this.watched.add(subscriber);
      let connectedBefore = subscriber.isOpen;
      subscriber.on('error', (error) => this.tell(undefined, asError(error)));
      subscriber.on('ready', () => {
        // Messages sent while the connection was down are lost: every cached answer may be stale.
        if (connectedBefore) this.tell({ type: 'resync' });
        connectedBefore = true;
      });
    }
    const attempt = async (): Promise<void> => {
      if (this.listening !== subscriber) return;
      try {
        if (!subscriber.isOpen) await subscriber.connect();
        await subscriber.subscribe(this.channel, (message) => this.tell(parseChange(message)));
      } catch (error) {
        // The first connection failed (later drops are retried by the client): try again.
        this.tell(undefined, asError(error));
        setTimeout(() => void attempt(), RESUBSCRIBE_DELAY_MS).unref();
      }
    };
    void attempt();
  }

  private stopSubscriber(): void {
    const subscriber = this.listening;
    this.listening = undefined;
    if (subscriber === undefined) return;
    if (this.ownsSubscriber) {
      this.subscriber = undefined;
      subscriber.destroy();
    } else {
      subscriber.unsubscribe(this.channel).catch(() => undefined); // the caller's connection: leave it open
    }
  }

  private tell(change: StoreChange | undefined, error?: Error): void {
    for (const [listener, onError] of this.listeners) {
      try {
        if (change !== undefined) listener(change);
        else if (error !== undefined) onError?.(error);
      } catch {
        // One verifier's failure must not stop the change reaching the others.
      }
    }
  }
}

/**
 * Account status and revocation in Redis, shared by every instance. Each change
 * is written and published on one channel in a single atomic script; each
 * instance's verifier clears the affected cache entries when the message arrives.
 */
export function redisStore(options: RedisStoreOptions): SessionStore {
  assertKnownKeys('redisStore()', options, ['client', 'subscriber', 'prefix', 'maxTokenLifetimeSeconds', 'commandTimeoutMs']);
  return new RedisStore(options);
}

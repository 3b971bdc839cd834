export { redisStore, type RedisStoreOptions, type RedisClientLike, type RedisSubscriberLike } from './redis-store.js';
export type { SessionStore, SubjectRef, SuspendOptions, RevokeOptions, RevocationLookup, StoreChange } from '../core/store/types.js';
export { redisSessions, type RedisSessionsOptions, type RedisSessionsClientLike } from './redis-sessions.js';
export type { SessionRecordStore, SessionPatch, RevocationTarget } from '../core/sessions/record-store.js';
export type { SessionRecord } from '../core/sessions/model.js';

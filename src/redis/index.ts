export { redisStore, type RedisStoreOptions, type RedisClientLike, type RedisSubscriberLike } from './redis-store.js';
export type { SessionStore, SubjectRef, SuspendOptions, RevokeOptions, RevocationLookup, StoreChange } from '../core/store/types.js';

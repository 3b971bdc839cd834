export { postgresSessions, type PostgresSessionsOptions, type PostgresSessionStore } from './postgres-sessions.js';
export type { PostgresClient, PgPoolLike, PgPoolClientLike, PgClientLike, PGliteLike } from './sql-client.js';
export type { SessionRecordStore, SessionPatch, RevocationTarget } from '../core/sessions/record-store.js';
export type { SessionRecord } from '../core/sessions/model.js';
